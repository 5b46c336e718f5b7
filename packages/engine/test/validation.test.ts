/**
 * Validation: every way a scenario document can be wrong or hostile is refused before anything
 * runs, with a stable code, a path, a line and column where the document has one, and a message
 * that says what to do. Messages are pinned with inline snapshots so that wording changes are
 * deliberate.
 */
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildModel,
  checkRunOptions,
  formatIssues,
  GeoriskError,
  type Issue,
  type IssueCode,
  type LoadOptions,
  loadScenarioText,
  type ModuleResolver,
  type Overrides,
  runScenario,
} from '../src/index.ts';

// ---------------------------------------------------------------------------------------------
// Helpers

/** The GeoriskError that `fn` throws (fails the test if it throws anything else or nothing). */
function georiskError(fn: () => unknown): GeoriskError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  if (!(thrown instanceof GeoriskError)) {
    throw new Error(`expected a GeoriskError, got ${thrown === undefined ? 'no error' : String((thrown as Error)?.stack ?? thrown)}`);
  }
  return thrown;
}

/** Issues from reading and shape-checking a document. */
function loadIssues(text: string, options: LoadOptions = {}): Issue[] {
  return georiskError(() => loadScenarioText(text, { file: 'scenario.yaml', ...options })).issues;
}

/** Issues from building the model of a document that loads cleanly, with line and column added. */
function buildIssues(text: string, overrides: Overrides = {}, options: LoadOptions = {}): Issue[] {
  const loaded = loadScenarioText(text, { file: 'scenario.yaml', ...options });
  return loaded.locate(georiskError(() => buildModel(loaded.scenario, overrides)).issues);
}

/** Code, path and position of each issue, for `toEqual`. */
function where(issues: Issue[]): Array<Pick<Issue, 'code' | 'path'> & Partial<Pick<Issue, 'file' | 'line' | 'column'>>> {
  return issues.map((i) => {
    const out: Pick<Issue, 'code' | 'path'> & Partial<Pick<Issue, 'file' | 'line' | 'column'>> = { code: i.code, path: i.path };
    if (i.file !== undefined) out.file = i.file;
    if (i.line !== undefined) out.line = i.line;
    if (i.column !== undefined) out.column = i.column;
    return out;
  });
}

/** Message and hint of each issue, for snapshots. */
function texts(issues: Issue[]): string[] {
  return issues.map((i) => (i.hint === undefined ? i.message : `${i.message} | hint: ${i.hint}`));
}

/** A YAML double-quoted scalar (JSON string syntax is valid YAML). */
function q(text: string): string {
  return JSON.stringify(text);
}

/** 1-based line and column of the `nth` (1-based) occurrence of `needle` in `text`. */
function at(text: string, needle: string, nth = 1): { line: number; column: number } {
  let index = -1;
  for (let k = 0; k < nth; k++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`"${needle}" occurs fewer than ${nth} times`);
  }
  const before = text.slice(0, index);
  return { line: before.split('\n').length, column: index - before.lastIndexOf('\n') };
}

/**
 * A small valid scenario with one expression slot in the rate of the clash → war transition, on
 * line 17 at column 15 (where the quoted scalar starts).
 */
function withRate(rate: string): string {
  return `id: demo
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  escalation: { default: 0.1, range: [0, 1] }
  truce: { default: 0.2 }
variables:
  fatalities: { initial: 0 }
tracks:
  conflict:
    states: [calm, clash, war]
    initial: calm
    transitions:
      - { from: calm, to: clash, rate: escalation }
      - { from: war, to: calm, rate: truce }
      - from: clash
        to: war
        rate: ${q(rate)}
flows:
  - { to: fatalities, when: 'conflict == "war"', amount: 'poisson(2)' }
metrics:
  war: { expr: 'ever(conflict, "war")' }
`;
}
const RATE_PATH = 'tracks.conflict.transitions[2].rate';
const RATE_AT = { file: 'scenario.yaml', line: 17, column: 15 };

/** The same scenario with an expression in another place: flow amount or condition, metric, event condition. */
function withExpression(slot: 'amount' | 'when' | 'metric' | 'event' | 'set' | 'probability', text: string): string {
  const base = `id: demo
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  escalation: { default: 0.1 }
variables:
  fatalities: { initial: 0 }
tracks:
  conflict:
    states: [calm, war]
    transitions:
      - from: calm
        to: war
        ${slot === 'probability' ? `probability: ${q(text)}` : 'rate: escalation'}
${slot === 'set' ? `        add: { fatalities: ${q(text)} }\n` : ''}flows:
  - to: fatalities
    amount: ${slot === 'amount' ? q(text) : '1'}
    when: ${slot === 'when' ? q(text) : q('conflict == "war"')}
events:
  - when: ${slot === 'event' ? q(text) : q('t > 5')}
    force: { conflict: calm }
metrics:
  war: { expr: ${slot === 'metric' ? q(text) : q('ever(conflict, "war")')} }
`;
  return base;
}
const SLOT_PATH = {
  amount: 'flows[0].amount',
  when: 'flows[0].when',
  metric: 'metrics.war.expr',
  event: 'events[0].when',
  set: 'tracks.conflict.transitions[0].add.fatalities',
  probability: 'tracks.conflict.transitions[0].probability',
} as const;

/** What an expression in the rate slot is refused with: the one issue, and a `text => code: message | hint` line. */
function refusal(rate: string): { issue: Issue; line: string } {
  const issues = buildIssues(withRate(rate));
  expect(issues).toHaveLength(1);
  const i = issues[0]!;
  return { issue: i, line: `${rate}  =>  ${i.code}: ${i.message}${i.hint ? ` | hint: ${i.hint}` : ''}` };
}

/** The codes a hostile expression may be refused with. */
const REFUSAL_CODES: ReadonlySet<IssueCode> = new Set(['forbidden_syntax', 'unknown_function', 'unknown_name', 'expression_syntax']);

const F = 'scenario.yaml';

// ---------------------------------------------------------------------------------------------

describe('the test fixtures', () => {
  it('are valid, so every refusal below comes from the one change each test makes', () => {
    expect(() => buildModel(loadScenarioText(withRate('escalation * 2')).scenario)).not.toThrow();
    const ok = { amount: 'poisson(1)', when: 'conflict == "war"', metric: 'fatalities', event: 't > 1', set: '1', probability: '0.5' };
    for (const slot of Object.keys(SLOT_PATH) as (keyof typeof SLOT_PATH)[]) {
      expect(() => buildModel(loadScenarioText(withExpression(slot, ok[slot])).scenario)).not.toThrow();
    }
    expect(at(withRate('x'), '"x"')).toEqual({ line: RATE_AT.line, column: RATE_AT.column });
  });
});

describe('a document of another kind', () => {
  it('is named for what it is, with where it goes instead, and nothing else is listed', () => {
    const cases = [
      ['module', 'this file is a module, not a scenario', 'include it from a scenario'],
      ['observations', 'this file is a set of observations, not a scenario', 'georisk update SCENARIO --observed FILE'],
      ['reference-class', 'this file is a reference class of past episodes, not a scenario', 'georisk calibrate and georisk backtest'],
    ] as const;
    for (const [kind, message, hint] of cases) {
      const { issues } = georiskError(() => loadScenarioText(`kind: ${kind}\nas_of: 36\nepisodes: []\n`));
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code: 'invalid_value', path: 'kind', message, line: 1, column: 7 });
      expect(issues[0]?.hint).toContain(hint);
    }
  });
});

describe('YAML syntax', () => {
  it('reports every syntax error with its line and column', () => {
    const text = `id: demo
time: { unit: day, dt: 1, horizon: 10
tracks:
  conflict: [
`;
    const issues = loadIssues(text);
    expect(where(issues)).toEqual([
      { code: 'yaml_syntax', path: '', file: F, ...at(text, 'tracks') },
      { code: 'yaml_syntax', path: '', file: F, line: 5, column: 1 },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "Flow map in block collection must be sufficiently indented and end with a }: the mapping opened with "{" at line 2, column 7 is never closed | hint: close it with "}" where the mapping ends, or write it as indented lines instead of "{ … }"",
        "Flow sequence in block collection must be sufficiently indented and end with a ]: the list opened with "[" at line 4, column 13 is never closed | hint: close it with "]" where the list ends, or write it as indented lines instead of "[ … ]"",
      ]
    `);
  });

  it("one mis-indented line gives one error naming both indentations, and the parser's follow-on errors folded into one", () => {
    const text = readFileSync(new URL('../../../scenarios/armenia-azerbaijan-2022.yaml', import.meta.url), 'utf8')
      .split('\n')
      .map((l, i, all) =>
        i > 100 && l.startsWith('    default:') && all.slice(100, i).every((x) => !x.startsWith('    default:')) ? l.slice(1) : l,
      )
      .join('\n');
    const issues = loadIssues(text);
    expect(issues).toHaveLength(2);
    expect(issues[0]?.message).toMatch(
      /^All mapping items must start at the same column: line (\d+) is indented by 3 spaces, line \d+ before it by 4$/,
    );
    expect(issues[1]?.message).toMatch(
      /^\d+ more syntax errors at lines [\d, ]+ \(.+\), most likely caused by the indentation error above$/,
    );
    // The folded issue stands at the first follow-on error, the first of the lines it names, at or after the mistake.
    const named = Number(/at lines? (\d+)/.exec(issues[1]?.message ?? '')?.[1]);
    expect(issues[1]?.line).toBe(named);
    expect(named).toBeGreaterThanOrEqual(issues[0]?.line ?? Number.POSITIVE_INFINITY);
  });

  it('points at an unclosed quote, a tab used for indentation and a misaligned key', () => {
    const unclosed = loadIssues('id: demo\ntitle: "Caucasus\n');
    const tab = loadIssues('id: demo\ntime:\n\tunit: day\n');
    const misaligned = loadIssues('id: demo\ntime:\n  unit: day\n dt: 1\n');
    expect(where([...unclosed, ...tab, ...misaligned])).toEqual([
      { code: 'yaml_syntax', path: '', file: F, line: 3, column: 1 },
      { code: 'yaml_syntax', path: '', file: F, line: 3, column: 1 },
      { code: 'yaml_syntax', path: '', file: F, line: 4, column: 1 },
    ]);
    expect(texts([...unclosed, ...tab, ...misaligned])).toMatchInlineSnapshot(`
      [
        "Missing closing "quote | hint: check indentation, colons, quotes and brackets near this position",
        "Tabs are not allowed as indentation | hint: check indentation, colons, quotes and brackets near this position",
        "All mapping items must start at the same column: line 4 is indented by 1 space, line 3 before it by 2 | hint: indent the keys of one mapping by the same number of spaces (a key one level deeper by 2 more)",
      ]
    `);
  });

  it('refuses several documents in one text', () => {
    const issues = loadIssues('id: a\n---\nid: b\n');
    expect(where(issues)).toEqual([{ code: 'yaml_syntax', path: '', file: F, line: 2, column: 1 }]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "the text holds more than one YAML document | hint: a scenario is one document: remove the "---" line and what follows, or split the file",
      ]
    `);
  });

  it('refuses keys that are lists or mappings', () => {
    const text = 'id: demo\n? [a, b]\n: 1\n';
    const issues = loadIssues(text);
    expect(where(issues)).toEqual([{ code: 'yaml_syntax', path: '', file: F, ...at(text, '[a, b]') }]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "a key must be plain text, not a list, a mapping, an alias or a tagged value | hint: write the key as a plain name",
      ]
    `);
  });

  it('refuses an empty document, a bare number and a list with a plain explanation', () => {
    const empty = loadIssues('');
    const scalar = loadIssues('42\n');
    const list = loadIssues('- id: demo\n');
    expect(where([...empty, ...scalar, ...list])).toEqual([
      { code: 'invalid_type', path: '', file: F },
      { code: 'invalid_type', path: '', file: F, line: 1, column: 1 },
      { code: 'invalid_type', path: '', file: F, line: 1, column: 1 },
    ]);
    expect(texts([...empty, ...scalar, ...list])).toMatchInlineSnapshot(`
      [
        "the document is empty | hint: start with id, time and tracks; see "A minimal scenario" in docs/scenario-language.md, or scenarios/reference/caucasus-reference.yaml, in the georisk repository",
        "a scenario is a mapping of keys such as id, time and tracks, not 42 | hint: write key: value lines",
        "a scenario is a mapping of keys such as id, time and tracks, not a list | hint: write key: value lines",
      ]
    `);
  });

  it('refuses documents above the size limit before parsing them', () => {
    const issues = loadIssues(`id: demo\n# ${'x'.repeat(1_000_000)}\n`);
    expect(where(issues)).toEqual([{ code: 'document_too_large', path: '', file: F }]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "the document has 1000012 characters; the limit is 1000000 | hint: move parts of it into modules, or shorten descriptions",
      ]
    `);
  });

  it('refuses absurdly deep nesting with an issue, not a stack overflow', () => {
    const issues = loadIssues(`id: demo\ntags: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`);
    expect(issues.length).toBeGreaterThanOrEqual(1);
    expect(where(issues.slice(0, 1))).toMatchObject([{ code: 'yaml_syntax', path: '', file: F, line: 2 }]);
    expect(texts(issues.slice(0, 1))).toMatchInlineSnapshot(`
      [
        "the document nests too deeply to read | hint: scenarios need only a few levels of nesting",
      ]
    `);
  });
});

describe('duplicate keys', () => {
  it('names the key, its path, and where it first appeared', () => {
    const text = `id: demo
time: { unit: day, dt: 1, horizon: 10 }
id: other
tracks:
  conflict:
    states: [calm, war]
    states: [calm]
`;
    const issues = loadIssues(text);
    expect(where(issues)).toEqual([
      { code: 'duplicate_key', path: 'id', file: F, ...at(text, 'id', 2) },
      { code: 'duplicate_key', path: 'tracks.conflict.states', file: F, ...at(text, 'states', 2) },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "the key "id" appears twice in the same mapping (first at line 1) | hint: remove or rename one of the two keys: YAML would silently keep only one",
        "the key "states" appears twice in the same mapping (first at line 6) | hint: remove or rename one of the two keys: YAML would silently keep only one",
      ]
    `);
  });

  it('also in JSON, where the last one would otherwise silently win', () => {
    const text = '{"id": "demo",\n "time": {"unit": "day", "dt": 1, "horizon": 10, "dt": 2}}';
    const issues = loadIssues(text);
    expect(where(issues)).toEqual([{ code: 'duplicate_key', path: 'time.dt', file: F, ...at(text, '"dt"', 2) }]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "the key "dt" appears twice in the same mapping (first at line 2) | hint: remove or rename one of the two keys: YAML would silently keep only one",
      ]
    `);
  });
});

describe('YAML aliases', () => {
  const laughs = (extra = '') => `${extra}a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
j: &j [*i, *i, *i, *i, *i, *i, *i, *i, *i]
`;

  it('stops a "billion laughs" document at once with alias_limit (the test finishing is the check)', () => {
    // Expanded, this would be 9^10 ≈ 3.5e9 strings; it must be refused while aliases are counted.
    const issues = loadIssues(laughs('id: demo\n'));
    expect(where(issues)).toEqual([{ code: 'alias_limit', path: '', file: F }]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "the document expands too many aliases (limit 100) | hint: write the repeated parts out, or use a module",
      ]
    `);
  });

  it('stops the same bomb built from mappings, appended to an otherwise valid scenario', () => {
    const maps = `${withRate('escalation')}x1: &x1 { a: 1, b: 1, c: 1, d: 1, e: 1, f: 1, g: 1, h: 1 }
x2: &x2 { a: *x1, b: *x1, c: *x1, d: *x1, e: *x1, f: *x1, g: *x1, h: *x1 }
x3: &x3 { a: *x2, b: *x2, c: *x2, d: *x2, e: *x2, f: *x2, g: *x2, h: *x2 }
x4: &x4 { a: *x3, b: *x3, c: *x3, d: *x3, e: *x3, f: *x3, g: *x3, h: *x3 }
x5: &x5 { a: *x4, b: *x4, c: *x4, d: *x4, e: *x4, f: *x4, g: *x4, h: *x4 }
x6: &x6 { a: *x5, b: *x5, c: *x5, d: *x5, e: *x5, f: *x5, g: *x5, h: *x5 }
x7: &x7 { a: *x6, b: *x6, c: *x6, d: *x6, e: *x6, f: *x6, g: *x6, h: *x6 }
x8: &x8 { a: *x7, b: *x7, c: *x7, d: *x7, e: *x7, f: *x7, g: *x7, h: *x7 }
x9: &x9 { a: *x8, b: *x8, c: *x8, d: *x8, e: *x8, f: *x8, g: *x8, h: *x8 }
`;
    expect(where(loadIssues(maps))).toEqual([{ code: 'alias_limit', path: '', file: F }]);
  });

  it('accepts a few aliases (no false alarm)', () => {
    const text = withRate('escalation').replace(
      'escalation: { default: 0.1, range: [0, 1] }\n  truce: { default: 0.2 }',
      'escalation: &p { default: 0.1, range: [0, 1] }\n  truce: *p',
    );
    expect(text).toContain('truce: *p');
    expect(loadScenarioText(text).scenario.parameters.truce?.default).toBe(0.1);
  });

  it('reports an alias without an anchor as a syntax error at the alias', () => {
    const text = 'id: demo\ntitle: *nowhere\n';
    const issues = loadIssues(text);
    expect(where(issues)).toEqual([{ code: 'yaml_syntax', path: '', file: F, ...at(text, '*nowhere') }]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "the alias *nowhere refers to no anchor &nowhere defined before it | hint: define the value once with &nowhere before using *nowhere, or write the value out",
      ]
    `);
  });
});

describe('keys that could tamper with objects', () => {
  const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();

  it('refuses __proto__, constructor and prototype anywhere, all at once, and pollutes nothing', () => {
    const before = prototypeKeys();
    const text = `id: demo
__proto__: { polluted: 1 }
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  p:
    default: 1
    constructor: { prototype: { polluted: 1 } }
tracks:
  prototype: { states: [a] }
flows:
  - { to: x, amount: 1, __proto__: { polluted: 1 } }
`;
    const issues = loadIssues(text);
    expect(where(issues)).toEqual([
      { code: 'forbidden_key', path: '__proto__', file: F, ...at(text, '__proto__') },
      { code: 'forbidden_key', path: 'parameters.p.constructor', file: F, ...at(text, 'constructor') },
      { code: 'forbidden_key', path: 'parameters.p.constructor.prototype', file: F, ...at(text, 'prototype') },
      { code: 'forbidden_key', path: 'tracks.prototype', file: F, ...at(text, 'prototype', 2) },
      { code: 'forbidden_key', path: 'flows[0].__proto__', file: F, ...at(text, '__proto__', 2) },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "the key "__proto__" is not allowed | hint: rename the key",
        "the key "constructor" is not allowed | hint: rename the key",
        "the key "prototype" is not allowed | hint: rename the key",
        "the key "prototype" is not allowed | hint: rename the key",
        "the key "__proto__" is not allowed | hint: rename the key",
      ]
    `);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(prototypeKeys()).toEqual(before);
  });

  it('refuses __proto__, constructor and prototype as names written as values (states), whose shares results would lose', () => {
    // A state named __proto__ once ran: every per-state map of the results set its prototype
    // instead of a share, so its probability vanished from final, ever and occupancy.
    const text = `id: demo
time: { unit: day, dt: 1, horizon: 10 }
tracks:
  conflict:
    states: [calm, __proto__, constructor]
    transitions: [{ from: calm, to: constructor, rate: 0.2 }]
`;
    const issues = loadIssues(text);
    expect(where(issues).slice(0, 2)).toEqual([
      { code: 'invalid_value', path: 'tracks.conflict.states[1]', file: F, ...at(text, '__proto__') },
      { code: 'invalid_value', path: 'tracks.conflict.states[2]', file: F, ...at(text, 'constructor') },
    ]);
    expect(texts(issues)[0]).toBe(
      'a name may not be __proto__, constructor or prototype (every JavaScript object has them): choose another name',
    );
  });

  it('refuses "__proto__" in JSON text too', () => {
    const text = '{"id": "demo", "time": {"unit": "day", "dt": 1, "horizon": 5}, "__proto__": {"polluted": 1}}';
    const issues = loadIssues(text);
    expect(where(issues)).toEqual([{ code: 'forbidden_key', path: '__proto__', file: F, ...at(text, '"__proto__"') }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('treats names of other Object.prototype members (toString, valueOf, hasOwnProperty) as ordinary names', () => {
    // A typo inside a parameter named toString once crashed the unknown-key hint ("keys.find is not a function").
    const text = `id: demo
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  toString: { default: 0.1, rnage: [0, 1] }
`;
    const issues = loadIssues(text);
    expect(where(issues)).toEqual([{ code: 'unknown_key', path: 'parameters.toString.rnage', file: F, ...at(text, 'rnage') }]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "unknown key "rnage" | hint: did you mean "range"?",
      ]
    `);

    const model = buildModel(
      loadScenarioText(`id: demo
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  toString: { default: 0.1 }
  valueOf: { default: 0.2 }
variables:
  hasOwnProperty: {}
tracks:
  conflict:
    states: [calm, war]
    transitions: [{ from: calm, to: war, rate: toString + valueOf }]
flows: [{ to: hasOwnProperty, amount: 1 }]
metrics: { days: { expr: hasOwnProperty } }
`).scenario,
    );
    expect(model.params.names).toEqual(['toString', 'valueOf']);
    expect(model.tracks[0]?.outgoing[0]?.[0]?.value.constant).toBeUndefined(); // reads parameters
    expect(runScenario(model.scenario, { trials: 10, seed: 1 }).metrics.days?.mean).toBe(10);
  });
});

describe('custom tags', () => {
  it('refuses !!js/function, !!js/regexp and local tags instead of constructing anything', () => {
    const text = `id: demo
time: { unit: day, dt: !!js/function "function () { return 1 }", horizon: 10 }
title: !!js/regexp /war/
tags: !custom [a]
`;
    const issues = loadIssues(text);
    expect(where(issues)).toEqual([
      { code: 'yaml_syntax', path: '', file: F, ...at(text, '!!js/function') },
      { code: 'yaml_syntax', path: '', file: F, ...at(text, '!!js/regexp') },
      { code: 'yaml_syntax', path: '', file: F, ...at(text, '!custom') },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "Unresolved tag: tag:yaml.org,2002:js/function | hint: remove the "!" tag: scenarios use plain YAML values",
        "Unresolved tag: tag:yaml.org,2002:js/regexp | hint: remove the "!" tag: scenarios use plain YAML values",
        "Unresolved tag: !custom | hint: remove the "!" tag: scenarios use plain YAML values",
      ]
    `);
  });
});

describe('shape: types, required keys, unknown keys', () => {
  it('reports wrong types with what was expected and what was found', () => {
    const text = `id: demo
time: { unit: day, dt: "1", horizon: 10 }
parameters: [escalation, truce]
tracks:
  conflict:
    states: [calm, 7]
    transitions: { from: calm, to: war, rate: 1 }
flows: { to: x, amount: 1 }
metrics:
  war: { expr: [1, 2] }
`;
    const issues = loadIssues(text);
    expect(where(issues)).toEqual([
      { code: 'invalid_type', path: 'parameters', file: F, ...at(text, '[escalation') },
      { code: 'invalid_type', path: 'tracks.conflict.states[1]', file: F, ...at(text, '7') },
      { code: 'invalid_type', path: 'tracks.conflict.transitions', file: F, ...at(text, '{ from') },
      { code: 'invalid_type', path: 'flows', file: F, ...at(text, '{ to') },
      { code: 'invalid_type', path: 'metrics.war.expr', file: F, ...at(text, '[1, 2]') },
      { code: 'invalid_type', path: 'time.dt', file: F, ...at(text, '"1"') },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "expected a mapping of key: value pairs, got a list | hint: write a mapping of key: value pairs here",
        "expected text, got 7 | hint: a name must start with a letter or "_", so quoting the number would not help",
        "expected a list, got a mapping | hint: write a list here",
        "expected a list, got a mapping | hint: write a list here",
        "expected text or a number, got a list | hint: write text or a number here",
        "expected a number, got the text "1" | hint: remove the quotes around the number",
      ]
    `);
  });

  it('suggests quotes for text that YAML reads as a number or a boolean, but not where a name is needed', () => {
    const text = `id: demo
title: 2022
tags: [caucasus, 2022, true]
time: { unit: day, dt: 1, horizon: 10 }
variables:
  oil: { unit: 1e3 }
tracks:
  conflict: { states: [calm, 2] }
`;
    const issues = loadIssues(text);
    expect(where(issues)).toEqual([
      { code: 'invalid_type', path: 'title', file: F, ...at(text, '2022') },
      { code: 'invalid_type', path: 'tags[1]', file: F, ...at(text, '2022', 2) },
      { code: 'invalid_type', path: 'tags[2]', file: F, ...at(text, 'true') },
      { code: 'invalid_type', path: 'tracks.conflict.states[1]', file: F, ...at(text, '2]') },
      { code: 'invalid_type', path: 'variables.oil.unit', file: F, ...at(text, '1e3') },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "expected text, got 2022 | hint: YAML reads 2022 as a number: put quotes around it, '2022'",
        "expected text, got 2022 | hint: YAML reads 2022 as a number: put quotes around it, '2022'",
        "expected text, got true | hint: YAML reads true as a boolean: put quotes around it, 'true'",
        "expected text, got 2 | hint: a name must start with a letter or "_", so quoting the number would not help",
        "expected text, got 1000 | hint: YAML reads 1000 as a number: put quotes around it, '1000'",
      ]
    `);
  });

  it('reports every missing required key, at the mapping that lacks it', () => {
    const text = `title: no id, no time
parameters:
  escalation: { range: [0, 1] }
  spread: { default: 1, uncertainty: { dist: uniform, min: 0 } }
  other: { default: 1, uncertainty: { min: 0, max: 1 } }
tracks:
  conflict:
    states: [calm, war]
    transitions:
      - { from: calm, rate: 1 }
      - { to: calm, rate: 1 }
metrics:
  war: { description: no expr }
`;
    const issues = loadIssues(text);
    expect(where(issues)).toEqual([
      { code: 'missing_key', path: 'id', file: F, line: 1, column: 1 },
      { code: 'missing_key', path: 'parameters.escalation.default', file: F, ...at(text, '{ range') },
      { code: 'missing_key', path: 'parameters.spread.uncertainty.max', file: F, ...at(text, '{ dist') },
      { code: 'missing_key', path: 'parameters.other.uncertainty.dist', file: F, ...at(text, '{ min: 0, max') },
      { code: 'missing_key', path: 'tracks.conflict.transitions[0].to', file: F, ...at(text, '{ from: calm') },
      { code: 'missing_key', path: 'tracks.conflict.transitions[1].from', file: F, ...at(text, '{ to: calm') },
      { code: 'missing_key', path: 'metrics.war.expr', file: F, ...at(text, '{ description') },
      { code: 'missing_key', path: 'time', file: F, line: 1, column: 1 },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        ""id" is required | hint: add it: expected text",
        ""default" is required | hint: add it: expected a number",
        ""max" is required | hint: add it: expected a number",
        ""dist" is required | hint: add it: one of uniform, triangular, normal, lognormal, beta, gamma",
        ""to" is required | hint: add it: expected text",
        ""from" is required | hint: add it: expected text or a list",
        ""expr" is required | hint: add it: expected text or a number",
        ""time" is required | hint: add it: expected a mapping of key: value pairs",
      ]
    `);
  });

  it('reports unknown keys at the key, suggesting the nearest known key or listing them', () => {
    const text = `id: demo
paramters: {}
time: { unit: day, dt: 1, horizn: 10 }
tracks:
  conflict:
    states: [calm, war]
    intial: calm
    transitions:
      - { from: calm, to: war, rates: 0.1 }
events:
  - { at: 1, forse: { conflict: war } }
metrics:
  war: { exp: 'ever(conflict, "war")', colour: red }
include:
  - { modul: x.yaml }
`;
    const issues = loadIssues(text);
    expect(where(issues).filter((i) => i.code === 'unknown_key')).toEqual([
      { code: 'unknown_key', path: 'include[0].modul', file: F, ...at(text, 'modul') },
      { code: 'unknown_key', path: 'tracks.conflict.transitions[0].rates', file: F, ...at(text, 'rates') },
      { code: 'unknown_key', path: 'tracks.conflict.intial', file: F, ...at(text, 'intial') },
      { code: 'unknown_key', path: 'events[0].forse', file: F, ...at(text, 'forse') },
      { code: 'unknown_key', path: 'metrics.war.exp', file: F, ...at(text, 'exp:') },
      { code: 'unknown_key', path: 'metrics.war.colour', file: F, ...at(text, 'colour') },
      { code: 'unknown_key', path: 'time.horizn', file: F, ...at(text, 'horizn') },
      { code: 'unknown_key', path: 'paramters', file: F, ...at(text, 'paramters') },
    ]);
    expect(formatIssues(issues)).toMatchInlineSnapshot(`
      "scenario.yaml:15:5 include[0].module: error [missing_key] "module" is required
        hint: add it: expected text
      scenario.yaml:15:7 include[0].modul: error [unknown_key] unknown key "modul"
        hint: did you mean "module"?
      scenario.yaml:9:32 tracks.conflict.transitions[0].rates: error [unknown_key] unknown key "rates"
        hint: did you mean "rate"?
      scenario.yaml:9:9 tracks.conflict.transitions[0]: error [invalid_value] give exactly one of "rate" or "probability"
      scenario.yaml:7:5 tracks.conflict.intial: error [unknown_key] unknown key "intial"
        hint: did you mean "initial"?
      scenario.yaml:11:14 events[0].forse: error [unknown_key] unknown key "forse"
        hint: did you mean "force"?
      scenario.yaml:13:8 metrics.war.expr: error [missing_key] "expr" is required
        hint: add it: expected text or a number
      scenario.yaml:13:10 metrics.war.exp: error [unknown_key] unknown key "exp"
        hint: did you mean "expr"?
      scenario.yaml:13:40 metrics.war.colour: error [unknown_key] unknown key "colour"
        hint: allowed keys: expr, label, unit, description
      scenario.yaml:3:7 time.horizon: error [missing_key] "horizon" is required
        hint: add it: expected a number
      scenario.yaml:3:27 time.horizn: error [unknown_key] unknown key "horizn"
        hint: did you mean "horizon"?
      scenario.yaml:2:1 paramters: error [unknown_key] unknown key "paramters"
        hint: did you mean "parameters"?"
    `);
  });

  it("hints at the keys of the mapping the key sits in (a prior's, a provenance's, a source's), every key the schema takes, and other tools' names", () => {
    const text = `id: hints
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  a: { default: 0.1, range: [0, 1], uncertainty: { dist: beta, alpha: 2, beta: 5, min: 0 } }
  b: { default: 0.1, range: [0, 1], provenance: { kind: fitted, to: x, data: y } }
  c: { default: 0.1, sources: [{ title: t, link: u }] }
  d: { default: 0.1, provenence: { kind: assumed } }
  e: { default: 0.1, min: 0, prior: { dist: uniform, min: 0, max: 1 } }
  f: { default: 0.1, colour: red }
`;
    const hints = Object.fromEntries(loadIssues(text).flatMap((i) => (i.code === 'unknown_key' ? [[i.path, i.hint]] : [])));
    expect(hints).toEqual({
      // Inside a prior, the keys of the declared distribution, not the parameter's.
      'parameters.a.uncertainty.min': 'allowed keys: dist, alpha, beta',
      'parameters.b.provenance.data': 'allowed keys: kind, to',
      'parameters.c.sources[0].link': 'did you mean "url"?',
      // Keys the schema added after the hint list was first written (provenance, group, choices …) are found.
      'parameters.d.provenence': 'did you mean "provenance"?',
      'parameters.e.min': "a parameter's bounds are written range: [min, max]",
      'parameters.e.prior': "a parameter's prior is its uncertainty, e.g. uncertainty: { dist: beta, alpha: 2, beta: 5 }",
      'parameters.f.colour':
        'allowed keys: default, range, label, unit, description, sources, assumption, uncertainty, provenance, kind, choices, choice_labels, group',
    });
  });

  it('answers the name of a kind where its mapping belongs (provenance: assumed) with that mapping and the keys it needs', () => {
    const text = `id: tagged
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  a: { default: 0.1, range: [0, 1], provenance: assumed }
  b: { default: 0.1, range: [0, 1], provenance: derived }
  c: { default: 0.1, range: [0, 1], uncertainty: beta }
  d: { default: 0.1, range: [0, 1], provenance: guessed }
`;
    const hints = Object.fromEntries(loadIssues(text).map((i) => [i.path, `${i.code}: ${i.hint}`]));
    expect(hints).toEqual({
      'parameters.a.provenance': 'invalid_type: write provenance: { kind: assumed }',
      'parameters.b.provenance': 'invalid_type: write provenance: { kind: derived, from: … }',
      'parameters.c.uncertainty': 'invalid_type: write uncertainty: { dist: beta, alpha: …, beta: … }',
      // Text that names no kind keeps the plain hint.
      'parameters.d.provenance': 'invalid_type: write a mapping of key: value pairs here',
    });
  });

  it('reports a misspelt key and the expression and probability problems elsewhere in one pass', () => {
    const text = `id: two
time: { unit: day, dt: 1, horizon: 10 }
tracks:
  c:
    states: [a, b]
    transitions:
      - { from: a, to: b, probability: 1.7 }
      - { from: b, to: a, rate: nope_name }
metrics:
  m: { expr: 'ever(c, "b")', colour: red }
`;
    const codes = loadIssues(text).map((i) => `${i.code} ${i.path}`);
    expect(codes).toEqual([
      'unknown_key metrics.m.colour',
      'probability_range tracks.c.transitions[0].probability',
      'unknown_name tracks.c.transitions[1].rate',
      'probability_range tracks.c.transitions',
    ]);
  });

  it('explains an unquoted expression that YAML split at its comma', () => {
    const text = withRate('escalation').replace('rate: escalation }', 'rate: min(escalation, truce) }');
    const issues = loadIssues(text);
    expect(where(issues)).toEqual([{ code: 'unknown_key', path: 'tracks.conflict.transitions[0].truce)', file: F, ...at(text, 'truce)') }]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "unknown key "truce)" | hint: YAML split the text at a comma inside { … }, and "truce)" became a key: put quotes around the whole text, e.g. rate: 'min(escalation, truce)'",
      ]
    `);
  });

  it('explains a description that YAML split at its comma, and shows it quoted whole', () => {
    const text = withRate('escalation').replace(
      'fatalities: { initial: 0 }',
      'fatalities: { unit: deaths, description: BTC oil not exported, net of rerouting, see notes }',
    );
    const issues = loadIssues(text);
    expect(where(issues)).toEqual([
      { code: 'unknown_key', path: 'variables.fatalities.net of rerouting', file: F, ...at(text, 'net of') },
      { code: 'unknown_key', path: 'variables.fatalities.see notes', file: F, ...at(text, 'see notes') },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "unknown key "net of rerouting" | hint: YAML split the text at a comma inside { … }, and "net of rerouting" became a key: put quotes around the whole text, e.g. description: 'BTC oil not exported, net of rerouting, see notes'",
        "unknown key "see notes" | hint: YAML split the text at a comma inside { … }, and "see notes" became a key: put quotes around the whole text, e.g. description: 'BTC oil not exported, net of rerouting, see notes'",
      ]
    `);
    // A key with a space that has a value of its own is not a split piece: the usual hint.
    const spaced = loadIssues(withRate('escalation').replace('fatalities: { initial: 0 }', 'fatalities: { initial value: 0 }'));
    expect(texts(spaced)).toMatchInlineSnapshot(`
      [
        "unknown key "initial value" | hint: did you mean "initial"?",
      ]
    `);
  });

  it('refuses invalid names and ids, and values outside their set', () => {
    const text = `id: Demo Scenario
time: { unit: week, dt: 1, horizon: 10 }
parameters:
  1st_rate: { default: 1 }
  p: { default: 1, uncertainty: { dist: unifrom, min: 0, max: 1 } }
tracks:
  border-conflict: { states: [calm] }
  empty: { states: [] }
metrics:
  m: { expr: '' }
`;
    const issues = loadIssues(text);
    expect(where(issues)).toEqual([
      { code: 'invalid_value', path: 'id', file: F, ...at(text, 'Demo') },
      { code: 'invalid_name', path: 'parameters.1st_rate', file: F, ...at(text, '1st_rate') },
      { code: 'invalid_value', path: 'parameters.p.uncertainty.dist', file: F, ...at(text, 'unifrom') },
      { code: 'invalid_name', path: 'tracks.border-conflict', file: F, ...at(text, 'border-conflict') },
      { code: 'invalid_value', path: 'tracks.empty.states', file: F, ...at(text, '[]') },
      { code: 'invalid_value', path: 'metrics.m.expr', file: F, ...at(text, "''") },
      { code: 'invalid_value', path: 'time.unit', file: F, ...at(text, 'week') },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "the text "Demo Scenario" is not allowed here: use lower-case letters, digits, ".", "_" and "-"",
        ""1st_rate" is not a valid name: it must start with an ASCII letter (a–z, A–Z) or "_" and contain only ASCII letters, digits and "_" | hint: rename it, e.g. with "_" instead of "-" or spaces",
        "the text "unifrom" is not one of uniform, triangular, normal, lognormal, beta, gamma | hint: did you mean "uniform"?",
        ""border-conflict" is not a valid name: it must start with an ASCII letter (a–z, A–Z) or "_" and contain only ASCII letters, digits and "_" | hint: rename it, e.g. with "_" instead of "-" or spaces",
        ""states" must list at least one item",
        ""expr" must not be empty",
        "the text "week" is not one of day, hour | hint: write one of: day, hour",
      ]
    `);
  });

  it('asks for exactly one of rate/probability and of at/when', () => {
    const text = `id: demo
time: { unit: day, dt: 1, horizon: 10 }
tracks:
  conflict:
    states: [calm, war]
    transitions:
      - { from: calm, to: war, rate: 0.1, probability: 0.1 }
      - { from: war, to: calm }
events:
  - { at: 1, when: 't > 1', force: { conflict: war } }
`;
    const issues = loadIssues(text);
    expect(where(issues)).toEqual([
      { code: 'invalid_value', path: 'tracks.conflict.transitions[0]', file: F, ...at(text, '{ from: calm') },
      { code: 'invalid_value', path: 'tracks.conflict.transitions[1]', file: F, ...at(text, '{ from: war') },
      { code: 'invalid_value', path: 'events[0]', file: F, ...at(text, '{ at') },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "give exactly one of "rate" or "probability"",
        "give exactly one of "rate" or "probability"",
        "give exactly one of "at" or "when"",
      ]
    `);
  });
});

describe('numbers that are not finite or too large', () => {
  it('refuses .inf, .nan, 1e400 and 1e20 written as YAML numbers', () => {
    const text = `id: demo
time: { unit: day, dt: 1, horizon: .inf }
parameters:
  a: { default: .nan }
  b: { default: 1e20 }
  c: { default: 1, range: [-.inf, 1] }
tracks:
  conflict:
    states: [calm, war]
    transitions:
      - { from: calm, to: war, rate: 1e400 }
      - { from: war, to: calm, rate: .NaN }
`;
    const issues = loadIssues(text);
    expect(where(issues)).toEqual([
      { code: 'bad_number', path: 'parameters.a.default', file: F, ...at(text, '.nan') },
      { code: 'bad_number', path: 'parameters.b.default', file: F, ...at(text, '1e20') },
      { code: 'bad_number', path: 'parameters.c.range[0]', file: F, ...at(text, '-.inf') },
      { code: 'bad_number', path: 'tracks.conflict.transitions[0].rate', file: F, ...at(text, '1e400') },
      { code: 'bad_number', path: 'tracks.conflict.transitions[1].rate', file: F, ...at(text, '.NaN') },
      { code: 'bad_number', path: 'time.horizon', file: F, ...at(text, '.inf') },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "expected a finite number, got .nan | hint: write an ordinary number: .inf, .nan and numbers beyond 1e15 are not allowed",
        "100000000000000000000 is too large: numbers must be finite with |x| <= 1e15 | hint: use a smaller number",
        "expected a finite number, got -.inf | hint: write an ordinary number: .inf, .nan and numbers beyond 1e15 are not allowed",
        "expected a finite number, got .inf | hint: write an ordinary number: .inf, .nan and numbers beyond 1e15 are not allowed",
        "expected a finite number, got .nan | hint: write an ordinary number: .inf, .nan and numbers beyond 1e15 are not allowed",
        "expected a finite number, got .inf | hint: write an ordinary number: .inf, .nan and numbers beyond 1e15 are not allowed",
      ]
    `);
  });

  it('refuses non-finite numbers inside expressions, and constant rates that evaluate to NaN or Infinity', () => {
    const rows = ['1e400', '-1e400', 'NaN', 'Infinity', '1e300 * 1e300', '0 / 0', 'log(0)', 'sqrt(0 - 1)'].map((r) => {
      const { issue, line } = refusal(r);
      expect(issue).toMatchObject({ code: 'bad_number', path: RATE_PATH, ...RATE_AT });
      return line;
    });
    expect(rows).toMatchInlineSnapshot(`
      [
        "1e400  =>  bad_number: in "1e400": a number is not finite (Infinity, or beyond about 1.8e308) | hint: write a finite number",
        "-1e400  =>  bad_number: in "-1e400": a number is not finite (Infinity, or beyond about 1.8e308) | hint: write a finite number",
        "NaN  =>  bad_number: in "NaN": NaN is not a number scenarios can use | hint: write a finite number",
        "Infinity  =>  bad_number: in "Infinity": a number is not finite (Infinity, or beyond about 1.8e308) | hint: write a finite number",
        "1e300 * 1e300  =>  bad_number: the rate "1e300 * 1e300" evaluates to Infinity | hint: a rate must be a finite number; check for division by zero, overflow or the log or square root of a negative number",
        "0 / 0  =>  bad_number: the rate "0 / 0" evaluates to NaN | hint: a rate must be a finite number; check for division by zero, overflow or the log or square root of a negative number",
        "log(0)  =>  bad_number: the rate "log(0)" evaluates to -Infinity | hint: a rate must be a finite number; check for division by zero, overflow or the log or square root of a negative number",
        "sqrt(0 - 1)  =>  bad_number: the rate "sqrt(0 - 1)" evaluates to NaN | hint: a rate must be a finite number; check for division by zero, overflow or the log or square root of a negative number",
      ]
    `);
  });
});

describe('unknown states', () => {
  it('in transitions, initial states, forced states and state tests, each with "did you mean"', () => {
    const text = `id: demo
time: { unit: day, dt: 1, horizon: 10 }
tracks:
  conflict:
    states: [calm, clash, war, ceasefire]
    initial: clahs
    transitions:
      - { from: calm, to: wars, rate: 0.1 }
      - { from: [clash, ceasfire], to: war, rate: 0.1 }
      - { from: war, to: peace, rate: 0.1 }
      - { from: war, to: ceasefire, rate: 'conflict == "wat" ? 1 : 0' }
      - { from: ceasefire, to: calm, rate: 'is(conflict, "clash", "calmm") ? 1 : 0' }
events:
  - { at: 2, force: { conflict: ceasfire } }
  - { when: 'conflict != "peace"', force: { conflict: calm } }
metrics:
  war: { expr: 'ever(conflict, "War")' }
  peace: { expr: 'first(conflict, "settlement")' }
`;
    const issues = buildIssues(text);
    expect(where(issues)).toEqual([
      { code: 'unknown_state', path: 'tracks.conflict.initial', file: F, ...at(text, 'clahs') },
      { code: 'unknown_state', path: 'tracks.conflict.transitions[0].to', file: F, ...at(text, 'wars') },
      { code: 'unknown_state', path: 'tracks.conflict.transitions[1].from[1]', file: F, ...at(text, 'ceasfire') },
      { code: 'unknown_state', path: 'tracks.conflict.transitions[2].to', file: F, ...at(text, 'peace') },
      { code: 'unknown_state', path: 'tracks.conflict.transitions[3].rate', file: F, ...at(text, `'conflict == "wat"`) },
      { code: 'unknown_state', path: 'tracks.conflict.transitions[4].rate', file: F, ...at(text, `'is(conflict`) },
      { code: 'unknown_state', path: 'events[0].force.conflict', file: F, ...at(text, 'ceasfire', 2) },
      { code: 'unknown_state', path: 'events[1].when', file: F, ...at(text, `'conflict != "peace"'`) },
      { code: 'unknown_state', path: 'metrics.war.expr', file: F, ...at(text, `'ever(`) },
      { code: 'unknown_state', path: 'metrics.peace.expr', file: F, ...at(text, `'first(`) },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "the track "conflict" has no state "clahs" | hint: did you mean "clash"?",
        "the track "conflict" has no state "wars" | hint: did you mean "war"?",
        "the track "conflict" has no state "ceasfire" | hint: did you mean "ceasefire"?",
        "the track "conflict" has no state "peace" | hint: known states of conflict: calm, clash, war, ceasefire",
        "in "conflict == "wat" ? 1 : 0": track "conflict" has no state "wat" | hint: did you mean "war"?",
        "in "is(conflict, "clash", "calmm") ? 1 : 0": track "conflict" has no state "calmm" | hint: did you mean "calm"?",
        "the track "conflict" has no state "ceasfire" | hint: did you mean "ceasefire"?",
        "in "conflict != "peace"": track "conflict" has no state "peace" | hint: known states of conflict: calm, clash, war, ceasefire",
        "in "ever(conflict, "War")": track "conflict" has no state "War" | hint: did you mean "war"?",
        "in "first(conflict, "settlement")": track "conflict" has no state "settlement" | hint: known states of conflict: calm, clash, war, ceasefire",
      ]
    `);
  });
});

describe('unknown names', () => {
  it('in expressions, flows, assignments and forced tracks, with a suggestion', () => {
    const text = `id: demo
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  escalation: { default: 0.1 }
variables:
  fatalities: {}
tracks:
  conflict:
    states: [calm, war]
    transitions:
      - { from: calm, to: war, rate: escalaton * 2 }
      - { from: war, to: calm, rate: 0.1, add: { fatalitis: 1, escalation: 1 } }
flows:
  - { to: casualties, amount: 1 }
  - { to: fatalities, amount: 1, when: 'conflct == "war"' }
events:
  - { at: 1, set: { escalatio: 1 }, force: { confilct: war } }
metrics:
  total: { expr: fatalities + oil_lost }
`;
    const issues = buildIssues(text);
    expect(where(issues)).toEqual([
      { code: 'unknown_name', path: 'tracks.conflict.transitions[0].rate', file: F, ...at(text, 'escalaton') },
      { code: 'unknown_name', path: 'tracks.conflict.transitions[1].add.fatalitis', file: F, ...at(text, '1, escalation') },
      { code: 'unknown_name', path: 'tracks.conflict.transitions[1].add.escalation', file: F, ...at(text, '1 } }') },
      { code: 'unknown_name', path: 'flows[0].to', file: F, ...at(text, 'casualties') },
      { code: 'unknown_name', path: 'flows[1].when', file: F, ...at(text, `'conflct`) },
      { code: 'unknown_name', path: 'events[0].set.escalatio', file: F, ...at(text, '1 }, force') },
      { code: 'unknown_name', path: 'events[0].force.confilct', file: F, ...at(text, 'war } }') },
      { code: 'unknown_name', path: 'metrics.total.expr', file: F, ...at(text, 'fatalities + oil_lost') },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "in "escalaton * 2": unknown name "escalaton" | hint: did you mean "escalation"?",
        ""fatalitis" is not a variable | hint: did you mean "fatalities"?",
        ""escalation" is not a variable | hint: "escalation" is a parameter: only an event's "set" can change parameters; declare a variable to change here",
        ""casualties" is not a variable | hint: known variables: fatalities",
        "in "conflct == "war"": unknown name "conflct" | hint: did you mean "conflict"?",
        ""escalatio" is not a parameter or variable | hint: did you mean "escalation"?",
        ""confilct" is not a track | hint: did you mean "conflict"?",
        "in "fatalities + oil_lost": unknown name "oil_lost" | hint: known names: escalation, fatalities, conflict, t, dt",
      ]
    `);
  });

  it('explains function names without arguments, unquoted state names, and missing mathjs constants and units', () => {
    const rows = ['min', 'war', 'conflict == war', 'PI', 'E', 'i', '5 cm', 'reviver', 'constructor', '__proto__', 'toString'].map((r) => {
      const { issue, line } = refusal(r);
      expect(issue).toMatchObject({ code: 'unknown_name', path: RATE_PATH, ...RATE_AT });
      return line;
    });
    expect(rows).toMatchInlineSnapshot(`
      [
        "min  =>  unknown_name: in "min": "min" is a function; call it with arguments, e.g. min(…)",
        "war  =>  unknown_name: in "war": unknown name "war" | hint: "war" is a state of track conflict: quote it, e.g. conflict == "war"",
        "conflict == war  =>  unknown_name: in "conflict == war": unknown name "war" | hint: "war" is a state of track conflict: quote it, conflict == "war"",
        "PI  =>  unknown_name: in "PI": unknown name "PI": mathjs constants are not available | hint: write pi instead",
        "E  =>  unknown_name: in "E": unknown name "E": mathjs constants are not available | hint: write e instead",
        "i  =>  unknown_name: in "i": unknown name "i" | hint: did you mean "t"?",
        "5 cm  =>  unknown_name: in "5 cm": unknown name "cm" | hint: known names: escalation, truce, fatalities, conflict, t, dt",
        "reviver  =>  unknown_name: in "reviver": unknown name "reviver" | hint: known names: escalation, truce, fatalities, conflict, t, dt",
        "constructor  =>  unknown_name: in "constructor": unknown name "constructor" | hint: known names: escalation, truce, fatalities, conflict, t, dt",
        "__proto__  =>  unknown_name: in "__proto__": unknown name "__proto__" | hint: known names: escalation, truce, fatalities, conflict, t, dt",
        "toString  =>  unknown_name: in "toString": unknown name "toString" | hint: known names: escalation, truce, fatalities, conflict, t, dt",
      ]
    `);
  });

  it('names the compared track when an unquoted state name belongs to several tracks', () => {
    const text = withRate('escalation').replace(
      'flows:',
      `  front:
    states: [calm, war]
    transitions: [{ from: calm, to: war, rate: 'front == war ? 0 : 0.1' }]
flows:`,
    );
    const issues = buildIssues(text);
    expect(where(issues)).toEqual([
      { code: 'unknown_name', path: 'tracks.front.transitions[0].rate', file: F, ...at(text, "'front == war") },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "in "front == war ? 0 : 0.1": unknown name "war" | hint: "war" is a state of track front: quote it, front == "war"",
      ]
    `);
  });

  it('says "no … are declared" in plain English when there is nothing to suggest', () => {
    const text = `id: demo
time: { unit: day, dt: 1, horizon: 10 }
tracks:
  conflict:
    states: [calm, war]
    transitions: [{ from: calm, to: war, rate: 0.1, add: { deaths: 1 } }]
flows: [{ to: deaths, amount: 1 }]
events: [{ at: 1, set: { escalation: 1 } }]
metrics: { war: { expr: 'ever(conflict, "war")' } }
`;
    const issues = buildIssues(text);
    const override = buildIssues(text, { escalation: 1 }).filter((i) => i.code === 'bad_override');
    expect(where([...issues, ...override])).toEqual([
      { code: 'unknown_name', path: 'tracks.conflict.transitions[0].add.deaths', file: F, ...at(text, '1 } }') },
      { code: 'unknown_name', path: 'flows[0].to', file: F, ...at(text, 'deaths, amount') },
      { code: 'unknown_name', path: 'events[0].set.escalation', file: F, ...at(text, '1 } }]', 2) },
      { code: 'bad_override', path: 'overrides.escalation' },
    ]);
    expect(texts([...issues, ...override])).toMatchInlineSnapshot(`
      [
        ""deaths" is not a variable | hint: no variables are declared",
        ""deaths" is not a variable | hint: no variables are declared",
        ""escalation" is not a parameter or variable | hint: no parameters or variables are declared",
        "there is no parameter "escalation" | hint: no parameters are declared",
      ]
    `);
  });
});

describe('expressions that are refused before anything is evaluated', () => {
  it('disallowed functions: mathjs parser, evaluator and extension functions, and anything off the list', () => {
    const payloads = [
      'import({}, {override: true})',
      'evaluate("1 + 1")',
      'parse("1 + 1")',
      'compile("1 + 1")',
      'createUnit("foo")',
      'simplify("x + x")',
      'derivative("x^2", "x")',
      'resolve("x")',
      'reviver("{}")',
      'help(1)',
      'parser()',
      'chain(1)',
      'config({})',
      'typeOf(1)',
      'det([-1, 2; 3, 1])',
      'random()',
      'randomInt(1, 2)',
      'pickRandom([1, 2])',
      'Function("return 1")',
      'eval("1")',
      'require("fs")',
      'constructor(1)',
      'toString(1)',
      'hasOwnProperty(1)',
      'asin(1)',
      'mim(1, 2)',
      'escalation(1)',
    ];
    const rows = payloads.map((p) => {
      const { issue, line } = refusal(p);
      expect(issue).toMatchObject({ code: 'unknown_function', path: RATE_PATH, ...RATE_AT });
      return line;
    });
    expect(rows).toMatchInlineSnapshot(`
      [
        "import({}, {override: true})  =>  unknown_function: in "import({}, {override: true})": the function "import" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "evaluate("1 + 1")  =>  unknown_function: in "evaluate("1 + 1")": the function "evaluate" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "parse("1 + 1")  =>  unknown_function: in "parse("1 + 1")": the function "parse" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "compile("1 + 1")  =>  unknown_function: in "compile("1 + 1")": the function "compile" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "createUnit("foo")  =>  unknown_function: in "createUnit("foo")": the function "createUnit" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "simplify("x + x")  =>  unknown_function: in "simplify("x + x")": the function "simplify" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "derivative("x^2", "x")  =>  unknown_function: in "derivative("x^2", "x")": the function "derivative" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "resolve("x")  =>  unknown_function: in "resolve("x")": the function "resolve" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "reviver("{}")  =>  unknown_function: in "reviver("{}")": the function "reviver" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "help(1)  =>  unknown_function: in "help(1)": the function "help" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "parser()  =>  unknown_function: in "parser()": the function "parser" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "chain(1)  =>  unknown_function: in "chain(1)": the function "chain" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "config({})  =>  unknown_function: in "config({})": the function "config" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "typeOf(1)  =>  unknown_function: in "typeOf(1)": the function "typeOf" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "det([-1, 2; 3, 1])  =>  unknown_function: in "det([-1, 2; 3, 1])": the function "det" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "random()  =>  unknown_function: in "random()": the function "random" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "randomInt(1, 2)  =>  unknown_function: in "randomInt(1, 2)": the function "randomInt" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "pickRandom([1, 2])  =>  unknown_function: in "pickRandom([1, 2])": the function "pickRandom" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "Function("return 1")  =>  unknown_function: in "Function("return 1")": the function "Function" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "eval("1")  =>  unknown_function: in "eval("1")": the function "eval" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "require("fs")  =>  unknown_function: in "require("fs")": the function "require" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "constructor(1)  =>  unknown_function: in "constructor(1)": the function "constructor" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "toString(1)  =>  unknown_function: in "toString(1)": the function "toString" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "hasOwnProperty(1)  =>  unknown_function: in "hasOwnProperty(1)": the function "hasOwnProperty" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "asin(1)  =>  unknown_function: in "asin(1)": the function "asin" is not allowed | hint: did you mean "sin"?",
        "mim(1, 2)  =>  unknown_function: in "mim(1, 2)": the function "mim" is not allowed | hint: did you mean "min"?",
        "escalation(1)  =>  unknown_function: in "escalation(1)": "escalation" is not a function | hint: remove the brackets after it",
      ]
    `);
  });

  it('refuses functions named after Object.prototype members in every context (once taken for samplers)', () => {
    for (const name of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'isPrototypeOf']) {
      for (const slot of ['amount', 'set', 'metric', 'when'] as const) {
        const issues = buildIssues(withExpression(slot, `${name}(1)`));
        expect(where(issues)).toMatchObject([{ code: 'unknown_function', path: SLOT_PATH[slot], file: F }]);
        expect(issues[0]?.message).toContain(`the function "${name}" is not allowed`);
      }
    }
  });

  it('syntax that scenarios may not use', () => {
    const payloads = [
      'escalation.constructor',
      'escalation["__proto__"]',
      'escalation[1]',
      'f(x) = x',
      'escalation = 1',
      'escalation; truce',
      'escalation\ntruce',
      '1:1e12',
      '[1, 2]',
      '{a: 1}',
      '5 cm to inch',
      '3!',
      "escalation'",
      'escalation & 1',
      'escalation | 1',
      'escalation << 1',
      'escalation >> 1',
      'escalation >>> 1',
      '~escalation',
      'escalation ?? 1',
      'escalation in cm',
      'null',
      'undefined',
    ];
    const rows = payloads.map((p) => {
      const { issue, line } = refusal(p);
      expect(issue).toMatchObject({ code: 'forbidden_syntax', path: RATE_PATH, ...RATE_AT });
      return line;
    });
    expect(rows).toMatchInlineSnapshot(`
      [
        "escalation.constructor  =>  forbidden_syntax: in "escalation.constructor": property or index access (a.b, a[1]) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "escalation["__proto__"]  =>  forbidden_syntax: in "escalation["__proto__"]": property or index access (a.b, a[1]) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "escalation[1]  =>  forbidden_syntax: in "escalation[1]": property or index access (a.b, a[1]) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "f(x) = x  =>  forbidden_syntax: in "f(x) = x": function definitions cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "escalation = 1  =>  forbidden_syntax: in "escalation = 1": assignment (=) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "escalation; truce  =>  forbidden_syntax: in "escalation; truce": several statements (; or newlines) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "escalation
      truce  =>  forbidden_syntax: in "escalation
      truce": several statements (; or newlines) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "1:1e12  =>  forbidden_syntax: in "1:1e12": ranges (a:b) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "[1, 2]  =>  forbidden_syntax: in "[1, 2]": matrices and arrays cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "{a: 1}  =>  forbidden_syntax: in "{a: 1}": objects cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "5 cm to inch  =>  forbidden_syntax: in "5 cm to inch": the operator "to" is not allowed | hint: allowed: + - * / ^ mod, == != < > <= >=, and or xor not, cond ? a : b",
        "3!  =>  forbidden_syntax: in "3!": the operator "!" is not allowed | hint: "!" after a value is a factorial, which scenarios cannot use; for logical not, write "not a"",
        "escalation'  =>  forbidden_syntax: in "escalation'": the operator "'" is not allowed | hint: allowed: + - * / ^ mod, == != < > <= >=, and or xor not, cond ? a : b",
        "escalation & 1  =>  forbidden_syntax: in "escalation & 1": the operator "&" is not allowed | hint: "&" is bitwise and; for logical and, write "a and b"",
        "escalation | 1  =>  forbidden_syntax: in "escalation | 1": the operator "|" is not allowed | hint: "|" is bitwise or; for logical or, write "a or b"",
        "escalation << 1  =>  forbidden_syntax: in "escalation << 1": the operator "<<" is not allowed | hint: allowed: + - * / ^ mod, == != < > <= >=, and or xor not, cond ? a : b",
        "escalation >> 1  =>  forbidden_syntax: in "escalation >> 1": the operator ">>" is not allowed | hint: allowed: + - * / ^ mod, == != < > <= >=, and or xor not, cond ? a : b",
        "escalation >>> 1  =>  forbidden_syntax: in "escalation >>> 1": the operator ">>>" is not allowed | hint: allowed: + - * / ^ mod, == != < > <= >=, and or xor not, cond ? a : b",
        "~escalation  =>  forbidden_syntax: in "~escalation": the operator "~" is not allowed | hint: allowed: + - * / ^ mod, == != < > <= >=, and or xor not, cond ? a : b",
        "escalation ?? 1  =>  forbidden_syntax: in "escalation ?? 1": the operator "??" is not allowed | hint: allowed: + - * / ^ mod, == != < > <= >=, and or xor not, cond ? a : b",
        "escalation in cm  =>  forbidden_syntax: in "escalation in cm": the operator "in" is not allowed | hint: allowed: + - * / ^ mod, == != < > <= >=, and or xor not, cond ? a : b",
        "null  =>  forbidden_syntax: in "null": the constant null is not allowed | hint: write a number",
        "undefined  =>  forbidden_syntax: in "undefined": the constant undefined is not allowed | hint: write a number",
      ]
    `);
  });

  it('suggests and, or, not for &&, ||, ! and the bitwise & and |', () => {
    const rows = [
      'escalation && truce',
      'escalation || truce',
      '!escalation',
      'escalation && !(truce > 1)',
      'escalation !truce',
      'escalation & truce',
      'escalation | truce',
    ].map((r) => {
      const { issue, line } = refusal(r);
      expect(issue).toMatchObject({ path: RATE_PATH, ...RATE_AT });
      expect(['expression_syntax', 'forbidden_syntax']).toContain(issue.code);
      return line;
    });
    // "!=" and a "!" inside a quoted state name are not mistaken for "not".
    const unequal = refusal('escalation !== truce');
    const quoted = refusal('conflict == "a!b" ? (escalation : 1');
    expect([...rows, unequal.line, quoted.line]).toMatchInlineSnapshot(`
      [
        "escalation && truce  =>  expression_syntax: cannot parse "escalation && truce": Value expected (char 13) | hint: logical operators are words here: write "a and b" for "a && b"",
        "escalation || truce  =>  expression_syntax: cannot parse "escalation || truce": Value expected (char 13) | hint: logical operators are words here: write "a or b" for "a || b"",
        "!escalation  =>  expression_syntax: cannot parse "!escalation": Value expected (char 1) | hint: logical operators are words here: write "not a" for "!a"",
        "escalation && !(truce > 1)  =>  expression_syntax: cannot parse "escalation && !(truce > 1)": Value expected (char 13) | hint: logical operators are words here: write "a and b" for "a && b", "not a" for "!a"",
        "escalation !truce  =>  forbidden_syntax: in "escalation !truce": the operator "!" is not allowed | hint: "!" after a value is a factorial, which scenarios cannot use; for logical not, write "not a"",
        "escalation & truce  =>  forbidden_syntax: in "escalation & truce": the operator "&" is not allowed | hint: "&" is bitwise and; for logical and, write "a and b"",
        "escalation | truce  =>  forbidden_syntax: in "escalation | truce": the operator "|" is not allowed | hint: "|" is bitwise or; for logical or, write "a or b"",
        "escalation !== truce  =>  expression_syntax: cannot parse "escalation !== truce": Value expected (char 14) | hint: check brackets, quotes and operators",
        "conflict == "a!b" ? (escalation : 1  =>  expression_syntax: cannot parse "conflict == "a!b" ? (escalation : 1": Parenthesis ) expected (char 36) | hint: check brackets, quotes and operators",
      ]
    `);
  });

  it('refuses the mathjs sandbox-escape payloads of research/reliability.md at validation; none runs', () => {
    const g = globalThis as Record<string, unknown>;
    delete g.__georisk_pwned;
    const payloads = [
      'cos.constructor("return process")()',
      'cos.constructor("globalThis.__georisk_pwned = 1")(1)',
      'f = cos.constructor("globalThis.__georisk_pwned = 1"); f()',
      '[].map.constructor("globalThis.__georisk_pwned = 1")',
      'import({matrix: cos.constructor}, {override: 1})',
      'import({}, {override: true}); evaluate("1")',
      '_data.map(cos.constructor)',
      'parse("globalThis.__georisk_pwned = 1").compile().evaluate()',
      'evaluate("cos.constructor(\\"globalThis.__georisk_pwned = 1\\")(1)")',
      'compile("1").evaluate()',
      'createUnit("foo", "1 cm")',
      'reviver("{\\"mathjs\\": \\"Unit\\"}")',
      'simplify("x").toString.constructor',
      'sqrt.signatures',
      'chain("a").toString.constructor',
      'unit("5cm").valueOf.constructor',
      '{}["constructor"]',
      '"abc"["constructor"]',
      'cos["\\u0063onstructor"]',
      'escalation["__proto__"]["polluted"] = 1',
      'array.map = 7',
      'matrix().get({length: 1, reduce: f(callback, a) = callback(cos, "constructor")})',
      'matrix([1]).get({length: 1, reduce: cos.constructor})',
      'f(x) = x; f.constructor',
      '10000000000!',
      '-Infinity:Infinity',
      '1:999999999999999999',
    ];
    const rows = payloads.map((p) => {
      const { issue, line } = refusal(p);
      expect(REFUSAL_CODES.has(issue.code), line).toBe(true);
      expect(issue).toMatchObject({ path: RATE_PATH, ...RATE_AT });
      // A run refuses them too, before the first trial.
      expect(georiskError(() => runScenario(loadScenarioText(withRate(p)).scenario, { trials: 10, seed: 1 })).code).toBe(issue.code);
      return line;
    });
    expect(rows).toMatchInlineSnapshot(`
      [
        "cos.constructor("return process")()  =>  expression_syntax: cannot parse "cos.constructor("return process")()": Value expected (char 35) | hint: check brackets, quotes and operators",
        "cos.constructor("globalThis.__georisk_pwned = 1")(1)  =>  forbidden_syntax: in "cos.constructor("globalThis.__georisk_pwned = 1")(1)": property or index access (a.b, a[1]) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "f = cos.constructor("globalThis.__georisk_pwned = 1"); f()  =>  forbidden_syntax: in "f = cos.constructor("globalThis.__georisk_pwned = 1"); f()": several statements (; or newlines) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "[].map.constructor("globalThis.__georisk_pwned = 1")  =>  forbidden_syntax: in "[].map.constructor("globalThis.__georisk_pwned = 1")": property or index access (a.b, a[1]) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "import({matrix: cos.constructor}, {override: 1})  =>  unknown_function: in "import({matrix: cos.constructor}, {override: 1})": the function "import" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "import({}, {override: true}); evaluate("1")  =>  forbidden_syntax: in "import({}, {override: true}); evaluate("1")": several statements (; or newlines) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "_data.map(cos.constructor)  =>  forbidden_syntax: in "_data.map(cos.constructor)": property or index access (a.b, a[1]) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "parse("globalThis.__georisk_pwned = 1").compile().evaluate()  =>  forbidden_syntax: in "parse("globalThis.__georisk_pwned = 1").compile().evaluate()": property or index access (a.b, a[1]) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "evaluate("cos.constructor(\\"globalThis.__georisk_pwned = 1\\")(1)")  =>  unknown_function: in "evaluate("cos.constructor(\\"globalThis.__georisk_pwned = 1\\")(1)")": the function "evaluate" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "compile("1").evaluate()  =>  forbidden_syntax: in "compile("1").evaluate()": property or index access (a.b, a[1]) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "createUnit("foo", "1 cm")  =>  unknown_function: in "createUnit("foo", "1 cm")": the function "createUnit" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "reviver("{\\"mathjs\\": \\"Unit\\"}")  =>  unknown_function: in "reviver("{\\"mathjs\\": \\"Unit\\"}")": the function "reviver" is not allowed | hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular",
        "simplify("x").toString.constructor  =>  forbidden_syntax: in "simplify("x").toString.constructor": property or index access (a.b, a[1]) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "sqrt.signatures  =>  forbidden_syntax: in "sqrt.signatures": property or index access (a.b, a[1]) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "chain("a").toString.constructor  =>  forbidden_syntax: in "chain("a").toString.constructor": property or index access (a.b, a[1]) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "unit("5cm").valueOf.constructor  =>  forbidden_syntax: in "unit("5cm").valueOf.constructor": property or index access (a.b, a[1]) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "{}["constructor"]  =>  forbidden_syntax: in "{}["constructor"]": property or index access (a.b, a[1]) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        ""abc"["constructor"]  =>  forbidden_syntax: in ""abc"["constructor"]": property or index access (a.b, a[1]) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "cos["\\u0063onstructor"]  =>  forbidden_syntax: in "cos["\\u0063onstructor"]": property or index access (a.b, a[1]) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "escalation["__proto__"]["polluted"] = 1  =>  forbidden_syntax: in "escalation["__proto__"]["polluted"] = 1": assignment (=) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "array.map = 7  =>  forbidden_syntax: in "array.map = 7": assignment (=) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "matrix().get({length: 1, reduce: f(callback, a) = callback(cos, "constructor")})  =>  forbidden_syntax: in "matrix().get({length: 1, reduce: f(callback, a) = callback(cos, "constructor")})": property or index access (a.b, a[1]) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "matrix([1]).get({length: 1, reduce: cos.constructor})  =>  forbidden_syntax: in "matrix([1]).get({length: 1, reduce: cos.constructor})": property or index access (a.b, a[1]) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "f(x) = x; f.constructor  =>  forbidden_syntax: in "f(x) = x; f.constructor": several statements (; or newlines) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "10000000000!  =>  forbidden_syntax: in "10000000000!": the operator "!" is not allowed | hint: "!" after a value is a factorial, which scenarios cannot use; for logical not, write "not a"",
        "-Infinity:Infinity  =>  forbidden_syntax: in "-Infinity:Infinity": ranges (a:b) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
        "1:999999999999999999  =>  forbidden_syntax: in "1:999999999999999999": ranges (a:b) cannot be used in scenario expressions | hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md",
      ]
    `);
    expect(g.__georisk_pwned).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('samplers, arity and state misuse', () => {
  it('allows samplers only in flow amounts and set/add, never in rates, probabilities, conditions or metrics', () => {
    const refused = (['when', 'event', 'metric', 'probability'] as const).map((slot) => {
      const issues = buildIssues(withExpression(slot, 'bernoulli(0.5)'));
      expect(where(issues)).toMatchObject([{ code: 'unknown_function', path: SLOT_PATH[slot], file: F }]);
      return `${slot}: ${texts(issues)[0]}`;
    });
    const rate = refusal('poisson(1)');
    expect(rate.issue).toMatchObject({ code: 'unknown_function', path: RATE_PATH, ...RATE_AT });
    expect([...refused, rate.line]).toMatchInlineSnapshot(`
      [
        "when: in "bernoulli(0.5)": random draws like bernoulli() are only allowed in flow amounts and in set/add of transitions and events | hint: to make a rate or probability uncertain, give a parameter an "uncertainty" distribution",
        "event: in "bernoulli(0.5)": random draws like bernoulli() are only allowed in flow amounts and in set/add of transitions and events | hint: to make a rate or probability uncertain, give a parameter an "uncertainty" distribution",
        "metric: in "bernoulli(0.5)": random draws like bernoulli() are only allowed in flow amounts and in set/add of transitions and events | hint: metrics are computed from the trial; put the draw in a flow",
        "probability: in "bernoulli(0.5)": random draws like bernoulli() are only allowed in flow amounts and in set/add of transitions and events | hint: to make a rate or probability uncertain, give a parameter an "uncertainty" distribution",
        "poisson(1)  =>  unknown_function: in "poisson(1)": random draws like poisson() are only allowed in flow amounts and in set/add of transitions and events | hint: to make a rate or probability uncertain, give a parameter an "uncertainty" distribution",
      ]
    `);
    // Allowed where draws belong.
    expect(() => buildModel(loadScenarioText(withExpression('amount', 'poisson(2) + normal(0, 1)')).scenario)).not.toThrow();
    expect(() => buildModel(loadScenarioText(withExpression('set', 'uniform(1, 2)')).scenario)).not.toThrow();
  });

  it('reports the wrong number of arguments', () => {
    const rows = ['clamp(1, 2)', 'min()', 'abs(1, 2)', 'log(1, 2, 3)', 'is(conflict)'].map((r) => {
      const { issue, line } = refusal(r);
      expect(issue).toMatchObject({ code: 'wrong_arity', path: RATE_PATH, ...RATE_AT });
      return line;
    });
    const sampler = buildIssues(withExpression('amount', 'poisson(1, 2)'));
    const metric = buildIssues(withExpression('metric', 'ever(conflict)'));
    expect(where([...sampler, ...metric])).toMatchObject([
      { code: 'wrong_arity', path: 'flows[0].amount', file: F },
      { code: 'wrong_arity', path: 'metrics.war.expr', file: F },
    ]);
    expect([...rows, ...texts([...sampler, ...metric])]).toMatchInlineSnapshot(`
      [
        "clamp(1, 2)  =>  wrong_arity: in "clamp(1, 2)": clamp() takes 3 arguments, got 2",
        "min()  =>  wrong_arity: in "min()": min() takes at least 1 argument, got 0",
        "abs(1, 2)  =>  wrong_arity: in "abs(1, 2)": abs() takes 1 argument, got 2",
        "log(1, 2, 3)  =>  wrong_arity: in "log(1, 2, 3)": log() takes 1 to 2 arguments, got 3",
        "is(conflict)  =>  wrong_arity: in "is(conflict)": is() takes a track and one or more quoted states, e.g. is(conflict, "clash", "war")",
        "in "poisson(1, 2)": poisson() takes 1 argument, got 2",
        "in "ever(conflict)": ever() takes 2 arguments, got 1",
      ]
    `);
  });

  it('checks the constant arguments of random draws at validation, not at run time', () => {
    const rows = ['poisson(-1)', 'negbin(5, 0)', 'beta(0, 1)', '2 + uniform(3, 1)', 'triangular(0, 2, 1)', 'bernoulli(1 + dt)'].map((a) => {
      const text = withExpression('amount', a);
      const issues = buildIssues(text);
      expect(where(issues)).toEqual([{ code: 'bad_distribution', path: SLOT_PATH.amount, file: F, ...at(text, q(a)) }]);
      return `${a}  =>  ${texts(issues)[0]}`;
    });
    const set = buildIssues(withExpression('set', 'gamma(1, -2)'));
    expect(where(set)).toMatchObject([{ code: 'bad_distribution', path: SLOT_PATH.set, file: F }]);
    expect([...rows, ...texts(set)]).toMatchInlineSnapshot(`
      [
        "poisson(-1)  =>  in "poisson(-1)": poisson mean must be finite and >= 0, got -1 | hint: call it as poisson(mean) with values the samplers table of docs/scenario-language.md allows",
        "negbin(5, 0)  =>  in "negbin(5, 0)": negbin size must be finite and > 0, got 0 | hint: call it as negbin(mean, size) with values the samplers table of docs/scenario-language.md allows",
        "beta(0, 1)  =>  in "beta(0, 1)": beta a must be finite and > 0, got 0 | hint: call it as beta(a, b) with values the samplers table of docs/scenario-language.md allows",
        "2 + uniform(3, 1)  =>  in "2 + uniform(3, 1)": uniform needs lo <= hi, got lo=3, hi=1 | hint: call it as uniform(lo, hi) with values the samplers table of docs/scenario-language.md allows",
        "triangular(0, 2, 1)  =>  in "triangular(0, 2, 1)": triangular needs lo <= mode <= hi and lo < hi, got lo=0, mode=2, hi=1 | hint: call it as triangular(lo, mode, hi) with values the samplers table of docs/scenario-language.md allows",
        "bernoulli(1 + dt)  =>  in "bernoulli(1 + dt)": bernoulli p must be in [0, 1], got 2 | hint: call it as bernoulli(p) with values the samplers table of docs/scenario-language.md allows",
        "in "gamma(1, -2)": gamma scale must be finite and > 0, got -2 | hint: call it as gamma(shape, scale) with values the samplers table of docs/scenario-language.md allows",
      ]
    `);
    // Arguments that read parameters, variables, time or other draws can only be checked during a run.
    for (const a of ['poisson(escalation - 1)', 'poisson(fatalities - 1)', 'poisson(1 - t)', 'poisson(normal(0, 1))']) {
      expect(() => buildModel(loadScenarioText(withExpression('amount', a)).scenario), a).not.toThrow();
    }
  });

  it('refuses tracks used as numbers and state names used outside state tests', () => {
    const rows = [
      'conflict + 1',
      'conflict',
      '"war" == 1',
      'escalation == "war"',
      '"war"',
      'conflict == 1',
      'is(escalation, "war")',
      'is(conflict, 1)',
    ].map((r) => {
      const { issue, line } = refusal(r);
      expect(issue).toMatchObject({ code: 'state_misuse', path: RATE_PATH, ...RATE_AT });
      return line;
    });
    const metric = buildIssues(withExpression('metric', 'ever("war", conflict)'));
    expect(where(metric)).toMatchObject([{ code: 'state_misuse', path: 'metrics.war.expr', file: F }]);
    expect([...rows, ...texts(metric)]).toMatchInlineSnapshot(`
      [
        "conflict + 1  =>  state_misuse: in "conflict + 1": "conflict" is a track, not a number | hint: test its state instead, e.g. conflict == "calm" or is(conflict, "calm", "clash")",
        "conflict  =>  state_misuse: in "conflict": "conflict" is a track, not a number | hint: test its state instead, e.g. conflict == "calm" or is(conflict, "calm", "clash")",
        ""war" == 1  =>  state_misuse: in ""war" == 1": only a track can be compared with a quoted state name | hint: e.g. conflict == "war"",
        "escalation == "war"  =>  state_misuse: in "escalation == "war"": only a track can be compared with a quoted state name | hint: e.g. conflict == "war"",
        ""war"  =>  state_misuse: in ""war"": the text "war" is not a number | hint: quote state names only in state tests like conflict == "war"",
        "conflict == 1  =>  state_misuse: in "conflict == 1": compare the track "conflict" with a quoted state name | hint: e.g. conflict == "calm"",
        "is(escalation, "war")  =>  state_misuse: in "is(escalation, "war")": the first argument of is() must be a track",
        "is(conflict, 1)  =>  state_misuse: in "is(conflict, 1)": after the track, is() takes quoted state names",
        "in "ever("war", conflict)": ever() takes a track and a quoted state, e.g. ever(conflict, "war")",
      ]
    `);
  });

  it('refuses ever/first/time_in outside metrics', () => {
    const rows = ['ever(conflict, "war")', 'first(conflict, "war")', 'time_in(conflict, "war")'].map((r) => {
      const { issue, line } = refusal(r);
      expect(issue).toMatchObject({ code: 'unknown_function', path: RATE_PATH, ...RATE_AT });
      return line;
    });
    expect(rows).toMatchInlineSnapshot(`
      [
        "ever(conflict, "war")  =>  unknown_function: in "ever(conflict, "war")": ever() is only available in metrics | hint: in other expressions test the current state, e.g. conflict == "war"",
        "first(conflict, "war")  =>  unknown_function: in "first(conflict, "war")": first() is only available in metrics | hint: in other expressions test the current state, e.g. conflict == "war"",
        "time_in(conflict, "war")  =>  unknown_function: in "time_in(conflict, "war")": time_in() is only available in metrics | hint: in other expressions test the current state, e.g. conflict == "war"",
      ]
    `);
  });

  it('reports a parse error with the character position', () => {
    const { issue, line } = refusal('escalation * (truce');
    expect(issue).toMatchObject({ code: 'expression_syntax', path: RATE_PATH, ...RATE_AT });
    expect(line).toMatchInlineSnapshot(
      `"escalation * (truce  =>  expression_syntax: cannot parse "escalation * (truce": Parenthesis ) expected (char 20) | hint: check brackets, quotes and operators"`,
    );
  });
});

describe('rates and probabilities', () => {
  it('refuses constant negative rates, written as numbers or as expressions', () => {
    const rows = ['-0.5', '0 - 0.5', 'min(0.1, -1)'].map((r) => {
      const { issue, line } = refusal(r);
      expect(issue).toMatchObject({ code: 'negative_rate', path: RATE_PATH, ...RATE_AT });
      return line;
    });
    expect(rows).toMatchInlineSnapshot(`
      [
        "-0.5  =>  negative_rate: rate -0.5 is negative | hint: rates are hazards per time unit and must be >= 0",
        "0 - 0.5  =>  negative_rate: rate "0 - 0.5" = -0.5 is negative | hint: rates are hazards per time unit and must be >= 0",
        "min(0.1, -1)  =>  negative_rate: rate "min(0.1, -1)" = -1 is negative | hint: rates are hazards per time unit and must be >= 0",
      ]
    `);
    const number = buildIssues(withRate('x').replace('rate: "x"', 'rate: -2'));
    expect(where(number)).toEqual([{ code: 'negative_rate', path: RATE_PATH, ...RATE_AT }]);
  });

  it('stops a run when a rate becomes negative, naming the trial and the time', () => {
    const loaded = loadScenarioText(withRate('0.2 - 0.05 * t'), { file: F });
    expect(() => buildModel(loaded.scenario)).not.toThrow(); // not constant: only a run can find it
    const error = georiskError(() => runScenario(loaded.scenario, { trials: 50, seed: 3 }));
    const issues = loaded.locate(error.issues);
    expect(where(issues)).toEqual([{ code: 'runtime_value', path: RATE_PATH, ...RATE_AT }]);
    // 0.2 - 0.05·t < 0 from t = 5 on; the first trial found in "clash" at such a time stops the run.
    const m = /(-[\d.e-]+)\D.*\(trial (\d+), t = (\d+)\)/.exec(issues[0]?.message ?? '');
    expect(m, issues[0]?.message).not.toBeNull();
    const [value, t] = [Number(m?.[1]), Number(m?.[3])];
    expect(t).toBeGreaterThanOrEqual(5);
    expect(value).toBeCloseTo(0.2 - 0.05 * t, 12);
  });

  it('refuses probabilities outside [0, 1] and probabilities out of one state that add up to more than 1', () => {
    const text = `id: demo
time: { unit: day, dt: 1, horizon: 10 }
tracks:
  conflict:
    states: [calm, clash, war]
    transitions:
      - { from: calm, to: clash, probability: 1.5 }
      - { from: clash, to: war, probability: 0.6 }
      - { from: clash, to: calm, probability: 0.5 }
      - { from: war, to: calm, probability: -0.1 }
      - { from: war, to: clash, probability: '0 / 0' }
metrics: { war: { expr: 'ever(conflict, "war")' } }
`;
    const issues = buildIssues(text);
    expect(where(issues)).toEqual([
      { code: 'probability_range', path: 'tracks.conflict.transitions[0].probability', file: F, ...at(text, '1.5') },
      { code: 'probability_range', path: 'tracks.conflict.transitions[3].probability', file: F, ...at(text, '-0.1') },
      { code: 'bad_number', path: 'tracks.conflict.transitions[4].probability', file: F, ...at(text, "'0 / 0'") },
      { code: 'probability_range', path: 'tracks.conflict.transitions', file: F, ...at(text, '- { from: calm') },
      { code: 'probability_range', path: 'tracks.conflict.transitions', file: F, ...at(text, '- { from: calm') },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "probability 1.5 is outside [0, 1] | hint: a per-step probability lies between 0 and 1; for a hazard per time unit, use "rate" instead",
        "probability -0.1 is outside [0, 1] | hint: a per-step probability lies between 0 and 1; for a hazard per time unit, use "rate" instead",
        "the probability "0 / 0" evaluates to NaN | hint: a probability must be a finite number; check for division by zero, overflow or the log or square root of a negative number",
        "the probabilities out of "calm" add up to 1.5 | hint: they are competing outcomes of one step; their sum must be <= 1",
        "the probabilities out of "clash" add up to 1.1 | hint: they are competing outcomes of one step; their sum must be <= 1",
      ]
    `);
  });
});

describe('expression size and depth', () => {
  it('refuses expressions longer than 2,000 characters, and shortens them in the message', () => {
    const long = `${'escalation + '.repeat(160)}1`;
    expect(long.length).toBeGreaterThan(2000);
    const { issue } = refusal(long);
    expect(issue).toMatchObject({ code: 'expression_too_long', path: RATE_PATH, ...RATE_AT });
    expect(texts([issue])).toMatchInlineSnapshot(`
      [
        "expression is 2081 characters long; the limit is 2000 | hint: split it with a parameter or simplify it",
      ]
    `);
  });

  it('accepts 40 nested brackets and refuses 41 before parsing', () => {
    expect(() => buildModel(loadScenarioText(withRate(`${'('.repeat(40)}1${')'.repeat(40)}`)).scenario)).not.toThrow();
    const { issue } = refusal(`${'('.repeat(41)}1${')'.repeat(41)}`);
    expect(issue).toMatchObject({ code: 'expression_too_deep', path: RATE_PATH, ...RATE_AT });
    expect(texts([issue])).toMatchInlineSnapshot(`
      [
        "expression nests brackets more than 40 deep | hint: simplify it",
      ]
    `);
  });

  it('refuses deep nesting with and without brackets, without overflowing the stack', () => {
    const deep = [
      `${'-('.repeat(100)}1${')'.repeat(100)}`,
      `${'abs('.repeat(60)}1${')'.repeat(60)}`,
      `${'-'.repeat(1999)}1`,
      `${'not '.repeat(450)}escalation`,
      `${'t ? dt : '.repeat(100)}t`,
      `${'escalation^'.repeat(180)}2`,
      `${'escalation*(escalation+'.repeat(50)}1${')'.repeat(50)}`,
    ];
    const rows = deep.map((text) => {
      expect(text.length).toBeLessThanOrEqual(2000);
      const { issue } = refusal(text);
      expect(issue).toMatchObject({ code: 'expression_too_deep', path: RATE_PATH, ...RATE_AT });
      expect(issue.message.length).toBeLessThan(200);
      return `${issue.code}: ${issue.message} | hint: ${issue.hint}`;
    });
    expect(rows).toMatchInlineSnapshot(`
      [
        "expression_too_deep: expression nests brackets more than 40 deep | hint: simplify it",
        "expression_too_deep: expression nests brackets more than 40 deep | hint: simplify it",
        "expression_too_deep: in "-----------------------------------------------------------------------------…": expression nests more than 40 levels | hint: simplify it",
        "expression_too_deep: in "not not not not not not not not not not not not not not not not not not not n…": expression nests more than 40 levels | hint: simplify it",
        "expression_too_deep: in "t ? dt : t ? dt : t ? dt : t ? dt : t ? dt : t ? dt : t ? dt : t ? dt : t ? d…": expression nests more than 40 levels | hint: simplify it",
        "expression_too_deep: in "escalation^escalation^escalation^escalation^escalation^escalation^escalation^…": expression nests more than 40 levels | hint: simplify it",
        "expression_too_deep: expression nests brackets more than 40 deep | hint: simplify it",
      ]
    `);
  });

  it('reads a long sum, product, and or or as a list, not as nesting (a metric may add up 45 variables)', () => {
    for (const text of [`${'escalation+'.repeat(180)}1`, `${'(escalation+1)*'.repeat(120)}1`, `${'escalation>0 and '.repeat(100)}t>0`]) {
      expect(text.length).toBeLessThanOrEqual(2000);
      expect(() => buildModel(loadScenarioText(withRate(text)).scenario)).not.toThrow();
    }
  });
});

describe('time, ranges, names and events', () => {
  it('refuses a horizon that is not a whole number of steps, and too many steps', () => {
    const offGridText = withRate('escalation').replace('dt: 1, horizon: 10', 'dt: 0.3, horizon: 10');
    const tooManyText = withRate('escalation').replace('unit: day, dt: 1, horizon: 10', 'unit: hour, dt: 0.001, horizon: 10000');
    const issues = [...buildIssues(offGridText), ...buildIssues(tooManyText)];
    expect(where(issues)).toEqual([
      { code: 'bad_time', path: 'time.horizon', file: F, ...at(offGridText, '10 }') },
      { code: 'bad_time', path: 'time.horizon', file: F, ...at(tooManyText, '10000') },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "horizon 10 is not a whole number of steps of 0.3 | hint: use a horizon that is a multiple of dt, e.g. 9.9",
        "10000000 steps per trial is more than the limit of 1000000 | hint: use a larger dt or a shorter horizon",
      ]
    `);
  });

  it('refuses defaults outside their range, reversed ranges and bad uncertainty', () => {
    const text = `id: demo
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  escalation: { default: 1.5, range: [0, 1] }
  truce: { default: 0.5, range: [1, 0] }
  spread: { default: 0.5, uncertainty: { dist: uniform, min: 1, max: 0 } }
  mode: { default: 0.5, uncertainty: { dist: triangular, min: 0, mode: 2, max: 1 } }
`;
    const issues = buildIssues(text);
    expect(where(issues)).toEqual([
      { code: 'bad_range', path: 'parameters.escalation.default', file: F, ...at(text, '1.5') },
      { code: 'bad_range', path: 'parameters.truce.range', file: F, ...at(text, '[1, 0]') },
      { code: 'bad_distribution', path: 'parameters.spread.uncertainty', file: F, ...at(text, '{ dist: uniform') },
      { code: 'bad_distribution', path: 'parameters.mode.uncertainty', file: F, ...at(text, '{ dist: triangular') },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "default 1.5 lies outside its range [0, 1] | hint: move the default into the range or widen the range",
        "range [1, 0] has min > max | hint: write it as [min, max]",
        "uniform needs min <= max, got 1 > 0 | hint: swap them: { dist: uniform, min: 0, max: 1 }",
        "triangular needs min <= mode <= max and min < max, got min 0, mode 2, max 1 | hint: move the mode into [0, 1]",
      ]
    `);
  });

  it('refuses names shared by parameters, variables and tracks, repeated states, and reserved names', () => {
    const text = `id: demo
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  war: { default: 1 }
  t: { default: 1 }
  min: { default: 1 }
variables:
  war: {}
  dt: {}
  poisson: {}
tracks:
  war: { states: [calm, calm] }
  and: { states: [a] }
`;
    const issues = buildIssues(text);
    expect(where(issues)).toEqual([
      { code: 'invalid_name', path: 'parameters.t', file: F, ...at(text, 't: {') },
      { code: 'invalid_name', path: 'parameters.min', file: F, ...at(text, 'min:') },
      { code: 'duplicate_name', path: 'variables.war', file: F, ...at(text, 'war:', 2) },
      { code: 'invalid_name', path: 'variables.dt', file: F, ...at(text, 'dt:', 2) },
      { code: 'invalid_name', path: 'variables.poisson', file: F, ...at(text, 'poisson:') },
      { code: 'duplicate_name', path: 'tracks.war', file: F, ...at(text, 'war:', 3) },
      { code: 'duplicate_name', path: 'tracks.war.states', file: F, ...at(text, 'states:') },
      { code: 'invalid_name', path: 'tracks.and', file: F, ...at(text, 'and:') },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        ""t" is reserved by the expression language | hint: choose another name",
        ""min" is reserved by the expression language | hint: choose another name",
        ""war" is already declared in parameters | hint: names of parameters, variables and tracks must be distinct",
        ""dt" is reserved by the expression language | hint: choose another name",
        ""poisson" is reserved by the expression language | hint: choose another name",
        ""war" is already declared in variables | hint: names of parameters, variables and tracks must be distinct",
        "the state "calm" is listed twice | hint: list each state once",
        ""and" is reserved by the expression language | hint: choose another name",
      ]
    `);
  });

  it('refuses events at times that are not step times inside the horizon', () => {
    const text = withRate('escalation').replace(
      'metrics:',
      `events:
  - { at: 2.5, force: { conflict: war } }
  - { at: -1, set: { escalation: 0.5 } }
  - { at: 11, set: { escalation: 0.5 } }
  - { at: 10, set: { escalation: 0.5 } }
metrics:`,
    );
    const issues = buildIssues(text);
    expect(where(issues)).toEqual([
      { code: 'invalid_value', path: 'events[0].at', file: F, ...at(text, '2.5') },
      { code: 'invalid_value', path: 'events[1].at', file: F, ...at(text, '-1') },
      { code: 'invalid_value', path: 'events[2].at', file: F, ...at(text, '11') },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "time 2.5 is not a step time between 0 and 10 | hint: use a multiple of dt = 1",
        "time -1 is not a step time between 0 and 10 | hint: use a multiple of dt = 1",
        "time 11 is not a step time between 0 and 10 | hint: use a multiple of dt = 1",
      ]
    `);
  });
});

describe('overrides and run options', () => {
  const scenario = () => loadScenarioText(withRate('escalation')).scenario;

  it('refuses unknown and non-finite overrides, with a suggestion and no position in the file', () => {
    const loaded = loadScenarioText(withRate('escalation'), { file: F });
    const error = georiskError(() => buildModel(loaded.scenario, { escalaton: 0.2, bogus: 1, truce: Number.NaN }));
    const issues = loaded.locate(error.issues);
    expect(where(issues)).toEqual([
      { code: 'bad_override', path: 'overrides.escalaton' },
      { code: 'bad_override', path: 'overrides.bogus' },
      { code: 'bad_override', path: 'overrides.truce' },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "there is no parameter "escalaton" | hint: did you mean "escalation"?",
        "there is no parameter "bogus" | hint: known parameters: escalation, truce",
        "the value for "truce" must be a finite number",
      ]
    `);
    expect(georiskError(() => runScenario(loaded.scenario, { trials: 10, overrides: { escalaton: 0.2 } })).code).toBe('bad_override');
  });

  it('warns (bad_override) about an override outside the parameter range, and uses it', () => {
    const scenario = loadScenarioText(withRate('escalation')).scenario;
    const model = buildModel(scenario, { escalation: 1.5, truce: 100 }); // truce has no range
    expect(model.warnings.map((w) => ({ code: w.code, severity: w.severity, path: w.path }))).toEqual([
      { code: 'bad_override', severity: 'warning', path: 'overrides.escalation' },
    ]);
    expect(texts(model.warnings)).toMatchInlineSnapshot(`
      [
        "the value 1.5 for "escalation" lies outside its range [0, 1] | hint: the run uses it anyway; check for a typo or a wrong unit, or widen the range in the scenario",
      ]
    `);
    expect(model.params.values[model.params.names.indexOf('escalation')]).toBe(1.5);
    expect(buildModel(scenario, { escalation: 1 }).warnings).toEqual([]); // the bounds are inside
    expect(runScenario(scenario, { trials: 10, seed: 1, overrides: { escalation: 2 } }).trials).toBe(10);
  });

  it('refuses trials that are not whole numbers >= 1 and seeds out of range', () => {
    const model = buildModel(scenario());
    const cases: Array<{ trials: number; seed?: number }> = [
      { trials: 0 },
      { trials: -5 },
      { trials: 2.5 },
      { trials: Number.NaN },
      { trials: 10, seed: -1 },
      { trials: 10, seed: 1.5 },
      { trials: 10, seed: 2 ** 53 },
    ];
    const issues = cases.map((c) => georiskError(() => checkRunOptions(model, c)).issues[0] as Issue);
    expect(where(issues)).toEqual([
      { code: 'bad_run_options', path: 'trials' },
      { code: 'bad_run_options', path: 'trials' },
      { code: 'bad_run_options', path: 'trials' },
      { code: 'bad_run_options', path: 'trials' },
      { code: 'bad_run_options', path: 'seed' },
      { code: 'bad_run_options', path: 'seed' },
      { code: 'bad_run_options', path: 'seed' },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "trials must be a whole number >= 1, got 0",
        "trials must be a whole number >= 1, got -5",
        "trials must be a whole number >= 1, got 2.5",
        "trials must be a whole number >= 1, got NaN",
        "seed must be a whole number from 0 to 9007199254740991, got -1",
        "seed must be a whole number from 0 to 9007199254740991, got 1.5",
        "seed must be a whole number from 0 to 9007199254740991, got 9007199254740992",
      ]
    `);
    expect(georiskError(() => runScenario(scenario(), { trials: 0 })).code).toBe('bad_run_options');
  });

  it('refuses trials × steps above the budget, saying how many trials fit', () => {
    const model = buildModel(scenario());
    const small = georiskError(() => checkRunOptions(model, { trials: 1000, budget: 5000 })).issues[0] as Issue;
    // The default budget (1e10 trial-steps) with 10 steps per trial allows 1e9 trials; this run must not start.
    const large = georiskError(() => runScenario(scenario(), { trials: 2e9, seed: 1 })).issues[0] as Issue;
    expect(where([small, large])).toEqual([
      { code: 'budget_exceeded', path: 'trials' },
      { code: 'budget_exceeded', path: 'trials' },
    ]);
    expect(texts([small, large])).toMatchInlineSnapshot(`
      [
        "1000 trials × 10 steps = 1.00e+4 trial-steps exceeds the budget of 5.00e+3 | hint: use at most 500 trials (\`trials\`) or a larger dt, or raise \`budget\`",
        "2000000000 trials × 10 steps = 2.00e+10 trial-steps exceeds the budget of 1.00e+10 | hint: use at most 1000000000 trials (\`trials\`) or a larger dt, or raise \`budget\`",
      ]
    `);
  });
});

describe('warnings', () => {
  it('reports unreachable states and absorbing traps as warnings, and still builds', () => {
    const model = buildModel(
      loadScenarioText(`id: demo
time: { unit: day, dt: 1, horizon: 100 }
parameters:
  escalation: { default: 0.1 }
tracks:
  conflict:
    states: [calm, stuck, war, settlement]
    transitions:
      - { from: calm, to: stuck, rate: escalation }
      - { from: calm, to: war, rate: 0 }
      - { from: war, to: settlement, rate: 0.1 }
metrics: { war: { expr: 'ever(conflict, "war")' } }
`).scenario,
    );
    expect(model.warnings.map((w) => ({ code: w.code, severity: w.severity, path: w.path }))).toEqual([
      { code: 'unreachable_state', severity: 'warning', path: 'tracks.conflict.states' },
      { code: 'unreachable_state', severity: 'warning', path: 'tracks.conflict.states' },
      { code: 'absorbing_trap', severity: 'warning', path: 'tracks.conflict' },
    ]);
    expect(texts(model.warnings)).toMatchInlineSnapshot(`
      [
        "the state "war" of track "conflict" can never be entered | hint: add a transition into it, or remove it",
        "the state "settlement" of track "conflict" can never be entered | hint: add a transition into it, or remove it",
        "the state "stuck" of track "conflict" has no way out, and is listed before "war", which has one | hint: add transitions out of it, or, if it is meant to be final, list it after every state with a way out, with the other final states",
      ]
    `);
  });

  it('takes states with no way out listed after every state with one as final: several outcomes may end a track', () => {
    const track = (states: string) => `id: ends
time: { unit: day, dt: 1, horizon: 30 }
tracks:
  crisis:
    states: ${states}
    transitions:
      - { from: tension, to: strike, rate: 0.01 }
      - { from: tension, to: talks, rate: 0.05 }
metrics: { strike: { expr: 'ever(crisis, "strike")' } }
`;
    expect(buildModel(loadScenarioText(track('[tension, strike, talks]')).scenario).warnings).toEqual([]);
    // A final state listed before one with a way out still looks like a trap.
    const early = buildModel(
      loadScenarioText(track('[strike, tension, talks]').replace('    transitions:', '    initial: tension\n    transitions:')).scenario,
    );
    expect(early.warnings.map((w) => `${w.code}: ${w.message}`)).toEqual([
      'absorbing_trap: the state "strike" of track "crisis" has no way out, and is listed before "tension", which has one',
    ]);
  });

  it('counts forced states as reachable and a last state without exits as a proper end', () => {
    const model = buildModel(
      loadScenarioText(`id: demo
time: { unit: day, dt: 1, horizon: 10 }
tracks:
  conflict:
    states: [calm, war, settlement]
    transitions: [{ from: war, to: settlement, rate: 0.1 }, { from: calm, to: war, rate: 0.1 }]
events: [{ at: 5, force: { conflict: war } }]
metrics: { war: { expr: 'ever(conflict, "war")' } }
`).scenario,
    );
    expect(model.warnings).toEqual([]);
  });
});

describe('many problems at once', () => {
  it('reports every shape problem in one pass', () => {
    const issues = loadIssues(`id: Bad Id
time: { unit: weeks, dt: 0, horizon: ten }
parameters:
  escalation: { default: '0.1', rnage: [0, 1] }
tracks:
  conflict:
    states: calm
    transitions:
      - { from: calm, rate: 0.1 }
metrics:
  war: {}
colour: red
`);
    expect(issues.length).toBeGreaterThanOrEqual(10);
    expect(formatIssues(issues)).toMatchInlineSnapshot(`
      "scenario.yaml:1:5 id: error [invalid_value] the text "Bad Id" is not allowed here: use lower-case letters, digits, ".", "_" and "-"
      scenario.yaml:4:26 parameters.escalation.default: error [invalid_type] expected a number, got the text "0.1"
        hint: remove the quotes around the number
      scenario.yaml:4:33 parameters.escalation.rnage: error [unknown_key] unknown key "rnage"
        hint: did you mean "range"?
      scenario.yaml:7:13 tracks.conflict.states: error [invalid_type] expected a list, got the text "calm"
        hint: write a list here
      scenario.yaml:9:9 tracks.conflict.transitions[0].to: error [missing_key] "to" is required
        hint: add it: expected text
      scenario.yaml:11:8 metrics.war.expr: error [missing_key] "expr" is required
        hint: add it: expected text or a number
      scenario.yaml:2:15 time.unit: error [invalid_value] the text "weeks" is not one of day, hour
        hint: write one of: day, hour
      scenario.yaml:2:26 time.dt: error [invalid_value] must be > 0, got 0
      scenario.yaml:2:38 time.horizon: error [invalid_type] expected a number, got the text "ten"
        hint: write a number here
      scenario.yaml:12:1 colour: error [unknown_key] unknown key "colour"
        hint: allowed keys: id, title, question, description, tags, start, sources, include, parameters, tracks, variables, flows, events, metrics, hindsight, time, kind, $schema"
    `);
  });

  it('reports every cross-reference and expression problem in one pass', () => {
    const issues = buildIssues(`id: demo
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  escalation: { default: 2, range: [0, 1] }
tracks:
  conflict:
    states: [calm, war]
    initial: peace
    transitions:
      - { from: calm, to: war, rate: escalaton }
      - { from: war, to: calm, rate: -1 }
      - { from: war, to: calm, probability: 'poisson(1)' }
flows:
  - { to: fatalities, amount: 1 }
events:
  - { at: 0.5, force: { conflict: wat } }
metrics:
  war: { expr: 'evaluate("1")' }
  cost: { expr: 'escalation.constructor' }
`);
    expect(issues.map((i) => i.code)).toEqual([
      'bad_range',
      'unknown_state',
      'unknown_name',
      'negative_rate',
      'unknown_function',
      'unknown_name',
      'invalid_value',
      'unknown_state',
      'unknown_function',
      'forbidden_syntax',
    ]);
    expect(issues.every((i) => i.line !== undefined && i.file === F)).toBe(true);
    expect(formatIssues(issues)).toMatchInlineSnapshot(`
      "scenario.yaml:4:26 parameters.escalation.default: error [bad_range] default 2 lies outside its range [0, 1]
        hint: move the default into the range or widen the range
      scenario.yaml:8:14 tracks.conflict.initial: error [unknown_state] the track "conflict" has no state "peace"
        hint: known states of conflict: calm, war
      scenario.yaml:10:38 tracks.conflict.transitions[0].rate: error [unknown_name] in "escalaton": unknown name "escalaton"
        hint: did you mean "escalation"?
      scenario.yaml:11:38 tracks.conflict.transitions[1].rate: error [negative_rate] rate -1 is negative
        hint: rates are hazards per time unit and must be >= 0
      scenario.yaml:12:45 tracks.conflict.transitions[2].probability: error [unknown_function] in "poisson(1)": random draws like poisson() are only allowed in flow amounts and in set/add of transitions and events
        hint: to make a rate or probability uncertain, give a parameter an "uncertainty" distribution
      scenario.yaml:14:11 flows[0].to: error [unknown_name] "fatalities" is not a variable
        hint: no variables are declared
      scenario.yaml:16:11 events[0].at: error [invalid_value] time 0.5 is not a step time between 0 and 10
        hint: use a multiple of dt = 1
      scenario.yaml:16:35 events[0].force.conflict: error [unknown_state] the track "conflict" has no state "wat"
        hint: did you mean "war"?
      scenario.yaml:18:16 metrics.war.expr: error [unknown_function] in "evaluate("1")": the function "evaluate" is not allowed
        hint: allowed functions: min, max, abs, exp, log, sqrt, pow, floor, ceil, round, clamp, sin, cos, tan, is, ever, first, time_in, poisson, negbin, lognormal, normal, uniform, bernoulli, beta, gamma, triangular
      scenario.yaml:19:17 metrics.cost.expr: error [forbidden_syntax] in "escalation.constructor": property or index access (a.b, a[1]) cannot be used in scenario expressions
        hint: use arithmetic, comparisons, and/or/not, cond ? a : b and the functions listed in docs/scenario-language.md"
    `);
  });
});

describe('modules', () => {
  const files: Record<string, string> = {
    'modules/ceasefire.yaml': `kind: module
id: ceasefire
parameters:
  truce_rate: { default: 0.2, range: [0, 1] }
tracks:
  conflict:
    transitions:
      - { from: war, to: ceasefire, rate: truce_rate }
      - { from: war, to: calm, rate: 'truce_rte * 2' }
`,
    'modules/a.yaml': 'kind: module\nid: a\ninclude: [{ module: b.yaml }]\n',
    'modules/b.yaml': 'kind: module\nid: b\ninclude: [{ module: a.yaml }]\n',
    'modules/broken.yaml': 'kind: module\nid: broken\nparameters:\n  p: { default: high }\n',
    'modules/bad-yaml.yaml': 'kind: module\nid: bad\nparameters: {\n',
    'modules/scenario.yaml': 'id: not-a-module\ntime: { unit: day, dt: 1, horizon: 10 }\n',
  };
  const resolverFor =
    (table: Record<string, string>): ModuleResolver =>
    (ref, from) => {
      const file = posix.normalize(posix.join(posix.dirname(from ?? 'scenarios/x.yaml'), ref));
      const text = table[file];
      return text === undefined ? undefined : { text, file };
    };
  const including = (include: string) => `id: demo
time: { unit: day, dt: 1, horizon: 10 }
include:
  - ${include}
tracks:
  conflict:
    states: [calm, war, ceasefire]
    initial: war
metrics: { ceasefire: { expr: 'ever(conflict, "ceasefire")' } }
`;
  const S = 'scenarios/demo.yaml';
  const options: LoadOptions = { file: S, resolveModule: resolverFor(files) };

  it('reports a module that cannot be found, at the include', () => {
    const text = including('{ module: ../modules/missing.yaml }');
    const issues = loadIssues(text, options);
    expect(where(issues)).toEqual([{ code: 'module_not_found', path: 'include[0].module', file: S, ...at(text, '../modules') }]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "cannot find the module "../modules/missing.yaml" | hint: give a path relative to this file, e.g. ../modules/ceasefire.yaml",
      ]
    `);
  });

  it('explains that includes need a module resolver', () => {
    const text = including('{ module: ../modules/ceasefire.yaml }');
    const issues = loadIssues(text, { file: S });
    expect(where(issues)).toEqual([{ code: 'module_not_found', path: 'include[0].module', file: S, ...at(text, '../modules') }]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "cannot include the module "../modules/ceasefire.yaml": modules can only be included when the scenario is loaded with a module resolver | hint: pass loadScenarioText a resolveModule that reads module files (the CLI and the server do; README, 'Sensitivity and sweeps'), or paste the module's contents into the scenario",
      ]
    `);
  });

  it('reports modules that include each other, in the module that closes the cycle', () => {
    const issues = loadIssues(including('{ module: ../modules/a.yaml }'), options);
    expect(where(issues)).toEqual([
      { code: 'module_cycle', path: 'include[0].module', file: 'modules/b.yaml', ...at(files['modules/b.yaml']!, 'a.yaml') },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "modules include each other: scenarios/demo.yaml → modules/a.yaml → modules/b.yaml → modules/a.yaml | hint: remove one of these includes: a module cannot include itself, directly or through others",
      ]
    `);
  });

  it('reports a "with" binding for a parameter the module does not have', () => {
    const text = including('{ module: ../modules/ceasefire.yaml, with: { truce_rat: 0.5 } }');
    const issues = loadIssues(text, options);
    expect(where(issues)).toEqual([{ code: 'unknown_name', path: 'include[0].with.truce_rat', file: S, ...at(text, '0.5') }]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "the module "../modules/ceasefire.yaml" has no parameter "truce_rat" | hint: did you mean "truce_rate"?",
      ]
    `);
  });

  it('points a "with" value outside the module\'s range at the include, and a module\'s problem at the module beside a schema error', () => {
    const text = including('{ module: ../modules/ceasefire.yaml, with: { truce_rate: 5 } }');
    const issues = loadScenarioText(text, options);
    const built = (() => {
      try {
        buildModel(issues.scenario);
      } catch (error) {
        return issues.locate((error as GeoriskError).issues);
      }
      return [];
    })();
    expect(where(built).find((i) => i.code === 'bad_range')).toEqual({
      code: 'bad_range',
      path: 'parameters.truce_rate.default',
      file: S,
      ...at(text, '5 }'),
    });
    // The misspelt key fails the schema; the module's unknown name is still reported, in the module.
    const mixed = including('{ module: ../modules/ceasefire.yaml }').replace('id: demo', 'id: demo\ntitel: x');
    const found = where(loadIssues(mixed, options));
    expect(found.find((i) => i.code === 'unknown_key')).toMatchObject({ path: 'titel', file: S });
    expect(found.find((i) => i.code === 'unknown_name')).toEqual({
      code: 'unknown_name',
      path: 'tracks.conflict.transitions[1].rate',
      file: 'modules/ceasefire.yaml',
      ...at(files['modules/ceasefire.yaml']!, "'truce_rte * 2'"),
    });
  });

  it('reports a "rename" of a name the module neither declares nor reads, and accepts one it reads', () => {
    // A misspelt rename renamed nothing: a module included twice merged into one track.
    const text = including('{ module: ../modules/ceasefire.yaml, rename: { truce_rat: a_rate, conflikt: front } }');
    const issues = loadIssues(text, options);
    expect(where(issues).slice(0, 2)).toEqual([
      { code: 'unknown_name', path: 'include[0].rename.truce_rat', file: S, ...at(text, 'a_rate') },
      { code: 'unknown_name', path: 'include[0].rename.conflikt', file: S, ...at(text, 'front') },
    ]);
    expect(texts(issues).slice(0, 2)).toMatchInlineSnapshot(`
      [
        "the module "../modules/ceasefire.yaml" has no name "truce_rat" to rename | hint: did you mean "truce_rate"?",
        "the module "../modules/ceasefire.yaml" has no name "conflikt" to rename | hint: did you mean "conflict"?",
      ]
    `);
    // truce_rte is read (misspelt) by the module's expression: renaming it is how a scenario mends that.
    const mended = including('{ module: ../modules/ceasefire.yaml, rename: { truce_rte: truce_rate } }');
    expect(() => loadScenarioText(mended, options)).not.toThrow();
  });

  it('refuses a "with" value for a parameter bound to the scenario\'s or an earlier include\'s, which it could not change', () => {
    const table = {
      ...files,
      'modules/rates.yaml': 'kind: module\nid: rates\nparameters:\n  truce_rate: { default: 0.2 }\n  spread: { default: 1 }\n',
    };
    const text = `id: demo
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  truce_rate: { default: 0.1 }
include:
  - { module: ../modules/rates.yaml, with: { truce_rate: 0.5 } }
  - { module: ../modules/rates.yaml, rename: { truce_rate: truce_2 }, with: { spread: 2 } }
  - { module: ../modules/rates.yaml, rename: { truce_rate: truce_3, spread: spread_3 }, with: { truce_rate: 0.3, spread: 3 } }
  - { module: ../modules/rates.yaml, rename: { truce_rate: truce_4, spread: truce_rate }, with: { spread: 4 } }
`;
    const issues = loadIssues(text, { file: S, resolveModule: resolverFor(table) });
    expect(where(issues)).toEqual([
      { code: 'duplicate_name', path: 'include[0].with.truce_rate', file: S, ...at(text, 'truce_rate: 0.5') },
      { code: 'duplicate_name', path: 'include[1].with.spread', file: S, ...at(text, 'spread: 2') },
      { code: 'duplicate_name', path: 'include[3].with.spread', file: S, ...at(text, 'spread: 4') },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "the parameter "truce_rate" is already bound to the scenario's "truce_rate", so "with" cannot change it | hint: set the default where "truce_rate" is declared, in the scenario's parameters, or give this include its own copy with rename: { truce_rate: other_name }",
        "the parameter "spread" is already bound to "spread" of include[0], so "with" cannot change it | hint: set the default where "spread" is declared, in the "with" of include[0], or give this include its own copy with rename: { spread: other_name }",
        "the parameter "spread" (renamed "truce_rate") is already bound to the scenario's "truce_rate", so "with" cannot change it | hint: set the default where "truce_rate" is declared, in the scenario's parameters, or give this include its own copy with rename: { spread: other_name }",
      ]
    `);
    // With its own copy (rename), "with" sets that copy's default.
    const fixed = text
      .split('\n')
      .filter((line) => !line.includes('module:') || line.includes('truce_3'))
      .join('\n');
    const { scenario } = loadScenarioText(fixed, { file: S, resolveModule: resolverFor(table) });
    expect(Object.fromEntries(Object.entries(scenario.parameters).map(([k, p]) => [k, p.default]))).toEqual({
      truce_rate: 0.1,
      truce_3: 0.3,
      spread_3: 3,
    });
  });

  it('reports a problem that comes from a module in the module file, at its line', () => {
    const issues = buildIssues(including('{ module: ../modules/ceasefire.yaml }'), {}, options);
    expect(where(issues)).toEqual([
      {
        code: 'unknown_name',
        path: 'tracks.conflict.transitions[1].rate',
        file: 'modules/ceasefire.yaml',
        ...at(files['modules/ceasefire.yaml']!, "'truce_rte"),
      },
    ]);
    expect(texts(issues)).toMatchInlineSnapshot(`
      [
        "in "truce_rte * 2": unknown name "truce_rte" | hint: did you mean "truce_rate"?",
      ]
    `);
  });

  it('reports shape and YAML problems inside a module in the module file', () => {
    const shape = loadIssues(including('{ module: ../modules/broken.yaml }'), options);
    const yaml = loadIssues(including('{ module: ../modules/bad-yaml.yaml }'), options);
    const scenario = loadIssues(including('{ module: ../modules/scenario.yaml }'), options);
    expect(where([...shape, ...yaml, ...scenario])).toEqual([
      {
        code: 'invalid_type',
        path: 'parameters.p.default',
        file: 'modules/broken.yaml',
        ...at(files['modules/broken.yaml']!, 'high'),
      },
      { code: 'yaml_syntax', path: '', file: 'modules/bad-yaml.yaml', line: 4, column: 1 },
      { code: 'invalid_value', path: 'kind', file: 'modules/scenario.yaml', line: 1, column: 1 },
    ]);
    expect(texts([...shape, ...yaml, ...scenario])).toMatchInlineSnapshot(`
      [
        "expected a number, got the text "high" | hint: write a number here",
        "Flow map in block collection must be sufficiently indented and end with a }: the mapping opened with "{" at line 3, column 13 is never closed | hint: close it with "}" where the mapping ends, or write it as indented lines instead of "{ … }"",
        ""modules/scenario.yaml" is not a module | hint: a module starts with "kind: module" and has no "time" block; include modules, not scenarios",
      ]
    `);
  });

  it('expands a correct include with its binding', () => {
    const fixed = { ...files, 'modules/ceasefire.yaml': files['modules/ceasefire.yaml']!.replace('truce_rte', 'truce_rate') };
    const text = including('{ module: ../modules/ceasefire.yaml, with: { truce_rate: 0.5 } }');
    const { scenario } = loadScenarioText(text, { file: S, resolveModule: resolverFor(fixed) });
    expect(scenario.parameters.truce_rate?.default).toBe(0.5);
    expect(buildModel(scenario).tracks[0]?.outgoing[1]).toHaveLength(2);
  });
});

describe('control characters in text', () => {
  it('refuses them in values and keys, written as YAML escapes or raw, each at its place; tabs and line breaks pass', () => {
    const text = `id: demo
title: "Evil \\e]0;PWNED\\a title"
description: "tabs\\tand\\nlines are fine"
time: { unit: day, dt: 1, horizon: 10 }
metrics:
  m: { expr: '1', unit: "\\e[31mred" }
`;
    const issues = loadIssues(text);
    expect(where(issues)).toEqual([
      { code: 'control_character', path: 'title', file: F, ...at(text, '"Evil') },
      { code: 'control_character', path: 'metrics.m.unit', file: F, ...at(text, '"\\e[31m') },
    ]);
    expect(texts(issues)[0]).toBe(
      'this text holds the control character \\u001b, which a terminal showing it would obey (move the cursor, clear the screen, set the title) instead of printing | hint: remove it: text may hold tabs and line breaks, but no other control characters',
    );
    expect(where(loadIssues(`id: demo\ntitle: "bell\u0007"\ntime: 1\n`))[0]).toMatchObject({ code: 'control_character', path: 'title' });
  });
});
