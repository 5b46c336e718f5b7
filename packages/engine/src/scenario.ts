/**
 * From text to a checked scenario: read the document, check its shape with the zod schema, expand
 * included modules, then check every cross-reference and expression by building the model.
 */
import type { z } from 'zod';
import { GeoriskError, type Issue, issue, nearest, suggestion } from './errors.ts';
import { renameSymbols } from './expression.ts';
import { type DocPath, formatPath, type LoadedDocument, locateIssues, readDocument } from './load-document.ts';
import { FINITE_NUMBER_MESSAGE, type ModuleDocument, ModuleSchema, type ScenarioDocument, ScenarioSchema } from './scenario-schema.ts';

/** Finds the text of a module named by an `include`, relative to the file that includes it. */
export type ModuleResolver = (ref: string, from: string | undefined) => { text: string; file: string } | undefined;

export interface LoadOptions {
  /** File name for messages, and the base for module references. */
  file?: string;
  /** How `include` finds modules; without it, a scenario with includes is refused. */
  resolveModule?: ModuleResolver;
}

/** A scenario with its modules expanded, and a way to point issues at source lines. */
export interface LoadedScenario {
  scenario: ScenarioDocument;
  /** Adds file, line and column to issues that carry a path into the expanded scenario. */
  locate(issues: Issue[]): Issue[];
}

/** Turns zod's issues into ours, with a hint for the common mistakes; `input` is the checked value (for "got …"). */
export function zodIssues(error: z.ZodError, input?: unknown): Issue[] {
  const out: Issue[] = [];
  for (const zi of error.issues) {
    const path = zi.path.filter((p): p is string | number => typeof p !== 'symbol');
    const where = formatPath(path);
    const name = String(path[path.length - 1] ?? '');
    const value = valueAt(input, path);
    switch (zi.code) {
      case 'unrecognized_keys':
        for (const key of zi.keys) {
          out.push(
            issue('unknown_key', formatPath([...path, key]), `unknown key "${key}"`, knownKeysHint(key, path, valueAt(input, path))),
          );
        }
        break;
      case 'invalid_key': {
        const why = zi.issues[0]?.message ?? 'not a valid name';
        out.push(
          issue('invalid_name', where, `"${name}" is not a valid name: it ${why}`, 'rename it, e.g. with "_" instead of "-" or spaces'),
        );
        break;
      }
      case 'invalid_type':
        out.push(typeIssue(where, name, [zi.expected], [zi.message], value, input !== undefined));
        break;
      case 'invalid_union': {
        if (zi.errors.length === 0) {
          // A discriminated union (an uncertainty's "dist") whose tag is missing or unknown.
          const options = ((zi as { options?: unknown[] }).options ?? []).map(String);
          out.push(
            value === undefined
              ? issue('missing_key', where, `"${name}" is required`, `add it: one of ${options.join(', ')}`)
              : issue('invalid_value', where, `${describe(value)} is not one of ${options.join(', ')}`, oneOfHint(value, options)),
          );
          break;
        }
        const branches = zi.errors.map((e) => e.find((b) => b.path.length === 0)).filter((b) => b !== undefined);
        const expected = branches.flatMap((b) => (b.code === 'invalid_type' ? [b.expected] : b.code === 'custom' ? ['number'] : []));
        out.push(
          typeIssue(
            where,
            name,
            [...new Set(expected)],
            branches.map((b) => b.message),
            value,
            input !== undefined,
          ),
        );
        break;
      }
      case 'custom':
        out.push(
          zi.message === FINITE_NUMBER_MESSAGE
            ? issue('bad_number', where, `${describe(value)} is too large: numbers must be finite with |x| <= 1e15`, 'use a smaller number')
            : issue('invalid_value', where, typeof value === 'number' ? `${zi.message}, got ${value}` : zi.message),
        );
        break;
      case 'too_small':
        out.push(
          issue(
            'invalid_value',
            where,
            zi.origin === 'string' && zi.minimum === 1
              ? `"${name}" must not be empty`
              : zi.origin === 'array' && zi.minimum === 1
                ? `"${name}" must list at least one item`
                : zi.message,
          ),
        );
        break;
      case 'invalid_value': {
        const options = zi.values.map(String);
        out.push(issue('invalid_value', where, `${describe(value)} is not one of ${options.join(', ')}`, oneOfHint(value, options)));
        break;
      }
      case 'invalid_format':
        out.push(issue('invalid_value', where, `${describe(value)} is not allowed here: ${zi.message}`));
        break;
      default:
        out.push(issue('invalid_value', where, zi.message));
    }
  }
  return out;
}

function oneOfHint(value: unknown, options: readonly string[]): string {
  const near = nearest(String(value), options);
  return near === undefined ? `write one of: ${options.join(', ')}` : `did you mean "${near}"?`;
}

/** Plain words for zod's type names. */
const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  object: 'a mapping of key: value pairs',
  record: 'a mapping of key: value pairs',
  array: 'a list',
  boolean: 'true or false',
};

function typeWords(types: readonly string[]): string {
  const words = types.map((t) => (Object.hasOwn(TYPE_WORDS, t) ? (TYPE_WORDS[t] as string) : t));
  return words.length === 0 ? 'another value' : words.join(' or ');
}

/** A value as messages show it. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'number')
    return Number.isNaN(value) ? '.nan' : value === Infinity ? '.inf' : value === -Infinity ? '-.inf' : String(value);
  if (typeof value === 'string') return `the text "${value.length > 40 ? `${value.slice(0, 37)}…` : value}"`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

/** The value at `path` in plain data (own properties only). */
function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let node = root;
  for (const seg of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, seg)) return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

/** A value of the wrong type: missing, not finite, or simply of another type. */
function typeIssue(
  where: string,
  name: string,
  expected: readonly string[],
  messages: readonly string[],
  value: unknown,
  knowsInput: boolean,
): Issue {
  const missing = knowsInput ? value === undefined : messages.every((m) => m.includes('received undefined'));
  if (missing && where !== '') return issue('missing_key', where, `"${name}" is required`, `add it: expected ${typeWords(expected)}`);
  const notFinite = typeof value === 'number' ? !Number.isFinite(value) : messages.some((m) => /received (NaN|Infinity)/.test(m));
  if (notFinite && expected.includes('number')) {
    return issue(
      'bad_number',
      where,
      `expected a finite number, got ${knowsInput ? describe(value) : 'a value that is not finite'}`,
      'write an ordinary number: .inf, .nan and numbers beyond 1e15 are not allowed',
    );
  }
  if (where === '') {
    return value === null || value === undefined
      ? issue(
          'invalid_type',
          '',
          'the document is empty',
          'start with id, time and tracks; see scenarios/reference/caucasus-reference.yaml',
        )
      : issue(
          'invalid_type',
          '',
          `a scenario is a mapping of keys such as id, time and tracks, not ${describe(value)}`,
          'write key: value lines',
        );
  }
  const got = knowsInput ? describe(value) : (/received (\w+)/.exec(messages[0] ?? '')?.[1] ?? 'another value');
  const quotedNumber = typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
  return issue(
    'invalid_type',
    where,
    `expected ${typeWords(expected)}, got ${got}`,
    quotedNumber && expected.includes('number')
      ? 'remove the quotes around the number'
      : expected.includes('string') && !expected.includes('number') && (typeof value === 'number' || typeof value === 'boolean')
        ? unquotedTextHint(where, value)
        : `write ${typeWords(expected)} here`,
  );
}

/** Paths whose text must be a name (a state, a variable, a renamed name): quoting a number does not help there. */
const NAME_PATH =
  /^(tracks\.[^.]+\.(states\[\d+\]|initial|transitions\[\d+\]\.(to|from(\[\d+\])?))|events\[\d+\]\.force\.[^.]+|flows\[\d+\]\.to|include\[\d+\]\.rename\.[^.]+)$/;

/** YAML read text such as 2022 or true as a number or a boolean: quote it, unless it must be a name. */
function unquotedTextHint(where: string, value: number | boolean): string {
  if (typeof value === 'number' && NAME_PATH.test(where))
    return 'a name must start with a letter or "_", so quoting the number would not help';
  return `YAML reads ${String(value)} as ${typeof value === 'number' ? 'a number' : 'a boolean'}: put quotes around it, '${String(value)}'`;
}

const KNOWN_KEYS: Record<string, string[]> = {
  root: [
    'id',
    'title',
    'question',
    'description',
    'tags',
    'start',
    'sources',
    'time',
    'include',
    'parameters',
    'tracks',
    'variables',
    'flows',
    'events',
    'metrics',
  ],
  parameters: ['default', 'range', 'unit', 'description', 'sources', 'assumption', 'uncertainty'],
  tracks: ['states', 'initial', 'description', 'transitions'],
  transitions: ['from', 'to', 'rate', 'probability', 'set', 'add', 'description'],
  flows: ['to', 'amount', 'when', 'description'],
  events: ['id', 'at', 'when', 'set', 'add', 'force', 'description'],
  metrics: ['expr', 'unit', 'description'],
  variables: ['initial', 'unit', 'description'],
  time: ['unit', 'dt', 'horizon'],
  include: ['module', 'with', 'rename'],
};

/**
 * The hint for an unknown key: a likely typo, the allowed keys, or, when the key looks like a piece
 * of text (spaces, brackets, quotes, a leading digit), that YAML split a flow mapping at a comma.
 * `mapping` is the mapping that holds the key, when known.
 */
function knownKeysHint(key: string, path: (string | number)[], mapping?: unknown): string {
  const section = [...path].reverse().find((p) => typeof p === 'string' && p !== 'root' && Object.hasOwn(KNOWN_KEYS, p)) as
    | string
    | undefined;
  const keys =
    path.length === 0
      ? KNOWN_KEYS.root
      : section === 'tracks' && path.includes('transitions')
        ? KNOWN_KEYS.transitions
        : section
          ? KNOWN_KEYS[section]
          : undefined;
  const value = isRecord(mapping) && Object.hasOwn(mapping, key) ? mapping[key] : null;
  // A piece split off at a comma is a key without a value; a key with a value and a space is something else.
  if (/[()[\]{}"']/.test(key) || /^\s*\d/.test(key) || (/\s/.test(key.trim()) && value === null)) {
    const whole = isRecord(mapping) ? splitText(mapping, key, keys ?? []) : undefined;
    return `YAML split the text at a comma inside { … }, and "${key}" became a key: put quotes around the whole text${
      whole === undefined ? '' : `, e.g. ${whole[0]}: '${whole[1].replaceAll("'", "''")}'`
    }`;
  }
  if (!keys) return 'remove it';
  const others = keys.filter((k) => k !== key);
  const lower = key.toLowerCase();
  const close = nearest(key, others) ?? (lower.length >= 3 ? others.find((k) => k.toLowerCase().startsWith(lower.slice(0, 3))) : undefined);
  return close ? `did you mean "${close}"?` : `allowed keys: ${others.join(', ')}`;
}

/**
 * Puts back together text that YAML split at commas: the allowed key before `key` whose value is
 * text or a number, then the value-less unknown keys that follow it. Returns [that key, the text].
 */
function splitText(mapping: Record<string, unknown>, key: string, allowed: readonly string[]): [string, string] | undefined {
  const names = Object.keys(mapping);
  const piece = (i: number) => {
    const k = names[i] as string;
    return mapping[k] === null && !allowed.includes(k);
  };
  const at = names.indexOf(key);
  let start = at - 1;
  while (start >= 0 && piece(start)) start--;
  const headKey = names[start];
  const head = headKey === undefined ? undefined : mapping[headKey];
  if (headKey === undefined || (typeof head !== 'string' && typeof head !== 'number')) return undefined;
  let end = at + 1;
  while (end < names.length && piece(end)) end++;
  return [headKey, [String(head), ...names.slice(start + 1, end)].join(', ')];
}

interface Origin {
  doc: LoadedDocument;
  path: DocPath;
}

/**
 * Reads a scenario and expands its modules; throws `GeoriskError` with every problem found.
 * @example loadScenarioText(fs.readFileSync(f, 'utf8'), { file: f, resolveModule })
 */
export function loadScenarioText(text: string, options: LoadOptions = {}): LoadedScenario {
  const doc = readDocument(text, options.file);
  const parsed = ScenarioSchema.safeParse(doc.value);
  if (!parsed.success) {
    const looksLikeModule = isRecord(doc.value) && doc.value.kind === 'module';
    const issues = looksLikeModule
      ? [
          issue(
            'invalid_value',
            'kind',
            'this file is a module, not a scenario',
            'include it from a scenario with include: [{module: FILE}]',
          ),
        ]
      : zodIssues(parsed.error, doc.value);
    throw new GeoriskError(locateIssues(doc, issues));
  }
  const origins = new Map<string, Origin>();
  const scenario = expandIncludes(parsed.data, doc, options, origins, [options.file ?? '<scenario>']);
  return {
    scenario,
    locate(issues) {
      return issues.map((i) => {
        if (i.line !== undefined) return i;
        // Longest recorded prefix of the issue's path tells which file and path it came from.
        let prefix = i.path;
        for (;;) {
          const origin = origins.get(prefix);
          if (origin) {
            const rest = i.path.slice(prefix.length);
            const full = `${formatPath(origin.path)}${rest}`;
            const [located] = locateIssues(origin.doc, [{ ...i, path: full }]);
            return { ...(located as Issue), path: i.path };
          }
          const cut = Math.max(prefix.lastIndexOf('.'), prefix.lastIndexOf('['));
          if (cut <= 0) break;
          prefix = prefix.slice(0, cut);
        }
        return locateIssues(doc, [i])[0] as Issue;
      });
    },
  };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Renames symbols in an expression; state names (quoted) are untouched. */
function renameExpression(expr: string | number, rename: Record<string, string>): string | number {
  if (typeof expr === 'number' || Object.keys(rename).length === 0) return expr;
  try {
    return renameSymbols(expr, rename);
  } catch {
    return expr; // reported with its position when the model is built
  }
}

function renameAssignments(a: Record<string, string | number> | undefined, rename: Record<string, string>) {
  if (a === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(a).map(([k, v]) => [Object.hasOwn(rename, k) ? (rename[k] as string) : k, renameExpression(v, rename)]),
  );
}

/**
 * `with` gives a value to a module parameter that is bound to a parameter the scenario (or the
 * include numbered `earlier`) already declares, so the value would be silently ignored.
 */
function boundWithIssue(where: string, name: string, target: string, earlier: number | undefined): Issue {
  const renamed = target === name ? '' : ` (renamed "${target}")`;
  const owner = earlier === undefined ? `the scenario's "${target}"` : `"${target}" of include[${earlier}]`;
  return issue(
    'duplicate_name',
    `${where}.with.${name}`,
    `the parameter "${name}"${renamed} is already bound to ${owner}, so "with" cannot change it`,
    `set the default where "${target}" is declared, ${
      earlier === undefined ? "in the scenario's parameters" : `in the "with" of include[${earlier}]`
    }, or give this include its own copy with rename: { ${name}: other_name }`,
  );
}

function expandIncludes(
  base: ScenarioDocument,
  doc: LoadedDocument,
  options: LoadOptions,
  origins: Map<string, Origin>,
  chain: string[],
): ScenarioDocument {
  const out: ScenarioDocument = JSON.parse(JSON.stringify(base));
  if (!base.include || base.include.length === 0) return out;
  const problems: Issue[] = [];
  // Record where the scenario's own list items came from before modules append to them.
  out.flows.forEach((_, i) => origins.set(`flows[${i}]`, { doc, path: ['flows', i] }));
  out.events.forEach((_, i) => origins.set(`events[${i}]`, { doc, path: ['events', i] }));
  for (const [name, track] of Object.entries(out.tracks)) {
    track.transitions.forEach((_, i) => {
      origins.set(`tracks.${name}.transitions[${i}]`, { doc, path: ['tracks', name, 'transitions', i] });
    });
  }
  // Which include declared each parameter that came from a module (the rest are the scenario's own).
  const includedBy = new Map<string, number>();
  base.include.forEach((inc, n) => {
    const where = `include[${n}]`;
    const resolved = options.resolveModule?.(inc.module, doc.file);
    if (!resolved) {
      problems.push(
        ...locateIssues(doc, [
          options.resolveModule === undefined
            ? issue(
                'module_not_found',
                `${where}.module`,
                `cannot include the module "${inc.module}": modules can only be included when the scenario is loaded with a module resolver`,
                "load the scenario from a file (the CLI does), or paste the module's contents into the scenario",
              )
            : issue(
                'module_not_found',
                `${where}.module`,
                `cannot find the module "${inc.module}"`,
                'give a path relative to this file, e.g. ../modules/ceasefire.yaml',
              ),
        ]),
      );
      return;
    }
    if (chain.includes(resolved.file)) {
      problems.push(
        ...locateIssues(doc, [
          issue(
            'module_cycle',
            `${where}.module`,
            `modules include each other: ${[...chain, resolved.file].join(' → ')}`,
            'remove one of these includes: a module cannot include itself, directly or through others',
          ),
        ]),
      );
      return;
    }
    let moduleDoc: LoadedDocument;
    let mod: ModuleDocument;
    try {
      moduleDoc = readDocument(resolved.text, resolved.file);
      if (isRecord(moduleDoc.value) && moduleDoc.value.kind !== 'module') {
        throw new GeoriskError(
          locateIssues(moduleDoc, [
            issue(
              'invalid_value',
              'kind',
              `"${resolved.file}" is not a module`,
              'a module starts with "kind: module" and has no "time" block; include modules, not scenarios',
            ),
          ]),
        );
      }
      const parsed = ModuleSchema.safeParse(moduleDoc.value);
      if (!parsed.success) throw new GeoriskError(locateIssues(moduleDoc, zodIssues(parsed.error, moduleDoc.value)));
      mod = parsed.data;
    } catch (error) {
      if (error instanceof GeoriskError) {
        problems.push(...error.issues);
        return;
      }
      throw error;
    }
    // A module's own includes expand first, relative to the module file.
    const nested = expandIncludes(
      { ...mod, time: out.time, kind: 'scenario' } as ScenarioDocument,
      moduleDoc,
      { ...options, file: resolved.file },
      new Map(),
      [...chain, resolved.file],
    );
    const rename = inc.rename ?? {};
    // Own properties only: names such as "toString" must not find Object.prototype's members.
    const r = (name: string) => (Object.hasOwn(rename, name) ? (rename[name] as string) : name);
    const withValues = inc.with ?? {};
    for (const key of Object.keys(withValues)) {
      if (!Object.hasOwn(nested.parameters, key)) {
        const params = Object.keys(nested.parameters);
        problems.push(
          ...locateIssues(doc, [
            issue(
              'unknown_name',
              `${where}.with.${key}`,
              `the module "${inc.module}" has no parameter "${key}"`,
              nearest(key, params) !== undefined ? suggestion(key, params, 'parameters') : `its parameters: ${params.join(', ') || 'none'}`,
            ),
          ]),
        );
      }
    }
    for (const [name, p] of Object.entries(nested.parameters)) {
      const target = r(name);
      const override = Object.hasOwn(withValues, name) ? withValues[name] : undefined;
      if (Object.hasOwn(out.parameters, target)) {
        // Bound to an existing parameter: its value is set where it is declared, so "with" cannot change it.
        if (override !== undefined) problems.push(...locateIssues(doc, [boundWithIssue(where, name, target, includedBy.get(target))]));
        continue;
      }
      out.parameters[target] = override === undefined ? p : { ...p, default: override };
      includedBy.set(target, n);
      origins.set(`parameters.${target}`, { doc: moduleDoc, path: ['parameters', name] });
    }
    for (const [name, v] of Object.entries(nested.variables)) {
      const target = r(name);
      if (!Object.hasOwn(out.variables, target)) {
        out.variables[target] = v;
        origins.set(`variables.${target}`, { doc: moduleDoc, path: ['variables', name] });
      }
    }
    for (const [name, t] of Object.entries(nested.tracks)) {
      const target = r(name);
      const existing = Object.hasOwn(out.tracks, target) ? out.tracks[target] : undefined;
      const transitions = t.transitions.map((tr) => ({
        ...tr,
        ...(tr.rate !== undefined ? { rate: renameExpression(tr.rate, rename) } : {}),
        ...(tr.probability !== undefined ? { probability: renameExpression(tr.probability, rename) } : {}),
        ...(tr.set ? { set: renameAssignments(tr.set, rename) } : {}),
        ...(tr.add ? { add: renameAssignments(tr.add, rename) } : {}),
      }));
      if (existing === undefined) {
        out.tracks[target] = { ...t, transitions };
        origins.set(`tracks.${target}`, { doc: moduleDoc, path: ['tracks', name] });
        continue;
      }
      if (t.states && existing.states && t.states.join() !== existing.states.join()) {
        problems.push(
          ...locateIssues(moduleDoc, [
            issue(
              'duplicate_name',
              `tracks.${name}.states`,
              `the track "${target}" already exists with states [${existing.states.join(', ')}]`,
              'leave out "states" to add transitions to the existing track, or rename the track',
            ),
          ]),
        );
        continue;
      }
      transitions.forEach((_, i) => {
        origins.set(`tracks.${target}.transitions[${existing.transitions.length + i}]`, {
          doc: moduleDoc,
          path: ['tracks', name, 'transitions', i],
        });
      });
      existing.transitions.push(...transitions);
    }
    nested.flows.forEach((f, i) => {
      origins.set(`flows[${out.flows.length}]`, { doc: moduleDoc, path: ['flows', i] });
      out.flows.push({
        ...f,
        to: r(f.to),
        amount: renameExpression(f.amount, rename),
        ...(f.when !== undefined ? { when: renameExpression(f.when, rename) } : {}),
      });
    });
    nested.events.forEach((e, i) => {
      origins.set(`events[${out.events.length}]`, { doc: moduleDoc, path: ['events', i] });
      out.events.push({
        ...e,
        ...(e.when !== undefined ? { when: renameExpression(e.when, rename) } : {}),
        ...(e.set ? { set: renameAssignments(e.set, rename) } : {}),
        ...(e.add ? { add: renameAssignments(e.add, rename) } : {}),
        ...(e.force ? { force: Object.fromEntries(Object.entries(e.force).map(([k, v]) => [r(k), v])) } : {}),
      });
    });
    for (const [name, m] of Object.entries(nested.metrics)) {
      const target = r(name);
      if (Object.hasOwn(out.metrics, target)) {
        problems.push(
          ...locateIssues(moduleDoc, [
            issue(
              'duplicate_name',
              `metrics.${name}`,
              `the metric "${target}" is already defined`,
              `rename it with rename: {${name}: other_name}`,
            ),
          ]),
        );
        continue;
      }
      out.metrics[target] = { ...m, expr: renameExpression(m.expr, rename) };
      origins.set(`metrics.${target}`, { doc: moduleDoc, path: ['metrics', name] });
    }
  });
  if (problems.length > 0) throw new GeoriskError(problems);
  delete out.include;
  return out;
}
