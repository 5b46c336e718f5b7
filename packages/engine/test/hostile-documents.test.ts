/**
 * Hostile documents (issue 14): validation does bounded work whatever the document holds. Work is
 * counted (edit-distance cells, modules resolved, issues and bytes answered), never timed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_SUGGESTION_CELLS, nearest } from '../src/errors.ts';
import {
  buildModel,
  GeoriskError,
  type Issue,
  issue,
  loadScenarioText,
  MAX_EXPANDED_CHARS,
  MAX_INCLUDES,
  MAX_ISSUES,
  MAX_NAME_LENGTH,
  type ModuleResolver,
} from '../src/index.ts';

const ROOT = join(import.meta.dirname, '../../..');

/** The issues `fn` throws as a GeoriskError (fails the test if it throws anything else or nothing). */
function issuesOf(fn: () => unknown): Issue[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof GeoriskError) return error.issues;
    throw error;
  }
  throw new Error('expected a GeoriskError');
}

/** Validation as the API does it: load, then build the model. */
function validate(text: string, resolveModule?: ModuleResolver): Issue[] {
  return issuesOf(() => buildModel(loadScenarioText(text, resolveModule ? { resolveModule } : {}).scenario));
}

/** A scenario with `metrics` metrics whose expressions read an unknown name of `unknownLength` characters. */
function longNames(metrics: number, unknownLength: number, parameterLength: number): string {
  const lines = ['id: hostile', 'time: { unit: day, dt: 1, horizon: 30 }', 'parameters:'];
  // An explicit key ("? name"): YAML refuses plain keys over 1,024 characters.
  lines.push(`  ? ${'p'.repeat(parameterLength)}`, '  : { default: 0.1 }');
  lines.push('tracks:', '  conflict: { states: [clash, war], transitions: [{ from: clash, to: war, rate: 0.1 }] }', 'metrics:');
  for (let i = 0; i < metrics; i++) lines.push(`  m${i}: { expr: '${String.fromCharCode(97 + (i % 26)).repeat(unknownLength)} + 1' }`);
  return `${lines.join('\n')}\n`;
}

/** A scenario including `count` modules, each named `module`. */
function manyIncludes(count: number, module: string): string {
  const lines = ['id: hostile', 'time: { unit: day, dt: 1, horizon: 30 }', 'include:'];
  for (let i = 0; i < count; i++) lines.push(`  - {module: ${module}}`);
  lines.push('metrics:', '  war: { expr: \'ever(conflict, "war")\' }');
  return `${lines.join('\n')}\n`;
}

/** A resolver over the library's modules folder that counts its calls. */
function countingResolver(extra: Record<string, string> = {}): { resolve: ModuleResolver; calls: () => number } {
  let calls = 0;
  return {
    resolve(ref) {
      calls += 1;
      if (Object.hasOwn(extra, ref)) return { text: extra[ref] as string, file: ref };
      const file = join(ROOT, 'scenarios', `${ref}.yaml`);
      return { text: readFileSync(file, 'utf8'), file };
    },
    calls: () => calls,
  };
}

describe('long names', () => {
  it('refuses a 40,000-character parameter name before checking expressions, echoing it cut short', () => {
    const text = longNames(20, 1_990, 40_000);
    expect(text.length).toBeGreaterThan(75_000);
    const issues = validate(text);
    expect(issues.map((i) => i.code)).toEqual(['name_too_long']);
    expect(issues[0]?.message).toMatch(/has 40000 characters; the limit is 64$/);
    expect(JSON.stringify(issues).length).toBeLessThan(1_000);
  });

  it('refuses unknown names longer than the limit in expressions without a "did you mean" search', () => {
    const issues = validate(longNames(20, 1_990, 10));
    expect(issues).toHaveLength(20);
    expect(new Set(issues.map((i) => i.code))).toEqual(new Set(['name_too_long']));
    for (const i of issues) expect(i.message.length + (i.hint?.length ?? 0)).toBeLessThan(300);
  });

  it('still suggests the nearest name for an ordinary typo', () => {
    const text = longNames(0, 0, 10).replace('metrics:\n', "metrics:\n  m: { expr: 'pppppppppq + 1' }\n");
    expect(validate(text)[0]?.hint).toBe('did you mean "pppppppppp"?');
  });

  it(`accepts names of ${MAX_NAME_LENGTH} characters`, () => {
    const name = 'x'.repeat(MAX_NAME_LENGTH);
    const text = longNames(0, 0, MAX_NAME_LENGTH).replace(
      'metrics:\n',
      `metrics:\n  ${name}: { expr: '${'p'.repeat(MAX_NAME_LENGTH)} + 1' }\n`,
    );
    expect(() => buildModel(loadScenarioText(text).scenario)).not.toThrow();
  });
});

describe('"did you mean" work', () => {
  it('computes no cells for names or candidates past the length limit', () => {
    const budget = { cells: 1e12 };
    expect(nearest('a'.repeat(2_000), ['a'.repeat(40_000), 'b'.repeat(1_999)], budget)).toBeUndefined();
    expect(nearest('abc', ['a'.repeat(40_000)], budget)).toBeUndefined();
    expect(budget.cells).toBe(1e12);
    // The same budget is charged for an ordinary comparison: 4 × 4 cells.
    expect(nearest('abc', ['abd'], budget)).toBe('abd');
    expect(budget.cells).toBe(1e12 - 16);
  });

  it('skips candidates whose length differs by more than the distance allowed, and counts what it computes', () => {
    const budget = { cells: 1e12 };
    const candidates = [...Array.from({ length: 1_000 }, (_, i) => `name_${i}_${'z'.repeat(40)}`), 'mediation'];
    expect(nearest('mediaton', candidates, budget)).toBe('mediation');
    const spent = 1e12 - budget.cells;
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(9 * 10);
  });

  it('stops when its budget is spent', () => {
    const budget = { cells: 10_000 };
    const candidates = Array.from({ length: 10_000 }, (_, i) => `n${String(i).padStart(30, '0')}`);
    nearest(`n${'1'.repeat(30)}`, candidates, budget);
    expect(budget.cells).toBeGreaterThanOrEqual(0);
    expect(budget.cells).toBeLessThan(10_000);
  });
});

describe('"did you mean" work per document', () => {
  it('shares one budget among all the hints of a document: past it, hints list names instead of searching', () => {
    const param = (i: number) => `param_${String(i).padStart(24, '0')}`;
    const lines = ['id: many-typos', 'time: { unit: day, dt: 1, horizon: 30 }', 'parameters:'];
    for (let i = 0; i < 100; i++) lines.push(`  ${param(i)}: { default: 0.1 }`);
    lines.push('tracks:', '  conflict: { states: [clash, war], transitions: [{ from: clash, to: war, rate: 0.1 }] }', 'metrics:');
    // Each hint compares a 30-character name with 100 of the same length: 96,100 cells.
    for (let i = 0; i < 200; i++) lines.push(`  m${i}: { expr: '${param(i % 100).replace('param', 'parma')} + 1' }`);
    const issues = validate(`${lines.join('\n')}\n`);
    expect(issues).toHaveLength(MAX_ISSUES + 1);
    const searched = issues.filter((i) => i.hint?.startsWith('did you mean')).length;
    expect(searched).toBeGreaterThan(0);
    expect(searched).toBeLessThanOrEqual(Math.ceil(DOCUMENT_SUGGESTION_CELLS / 96_100));
  });
});

describe('include amplification', () => {
  it('refuses 5,000 includes before loading any module', () => {
    const text = manyIncludes(5_000, 'modules/border-clash');
    expect(text.length).toBeGreaterThan(150_000);
    const { resolve, calls } = countingResolver();
    const issues = validate(text, resolve);
    expect(issues.map((i) => i.code)).toEqual(['too_many_includes']);
    expect(issues[0]?.message).toContain(`the limit is ${MAX_INCLUDES}`);
    expect(calls()).toBe(0);
  });

  it('counts nested includes: 10 modules that include 10 modules each are refused after few loads', () => {
    const inner = 'kind: module\nid: inner\nparameters:\n  a: { default: 0.1 }\n';
    const outer = `kind: module\nid: outer\ninclude:\n${'  - {module: inner}\n'.repeat(10)}`;
    const { resolve, calls } = countingResolver({ inner, outer });
    const issues = validate(manyIncludes(10, 'outer'), resolve);
    expect(issues.some((i) => i.code === 'too_many_includes')).toBe(true);
    expect(calls()).toBeLessThanOrEqual(MAX_INCLUDES + 1);
    expect(issues.length).toBeLessThanOrEqual(MAX_ISSUES + 1);
  });

  it(`reports at most ${MAX_ISSUES} issues and one summary when a module is included 15 times (within the expanded-size limit)`, () => {
    const { resolve } = countingResolver();
    const issues = validate(manyIncludes(15, 'modules/border-clash'), resolve);
    expect(issues).toHaveLength(MAX_ISSUES + 1);
    const last = issues[MAX_ISSUES];
    expect(last?.code).toBe('too_many_issues');
    expect(last?.message).toMatch(/^and \d+ more problems$/);
    expect(JSON.stringify(issues).length).toBeLessThan(64_000);
  });
});

describe('expanded size', () => {
  it(`refuses ${MAX_INCLUDES} includes of a 12 KB module once the text read passes ${MAX_EXPANDED_CHARS} characters, before parsing more`, () => {
    const { resolve, calls } = countingResolver();
    const issues = validate(manyIncludes(MAX_INCLUDES, 'modules/border-clash'), resolve);
    expect(issues.map((i) => i.code)).toEqual(['expanded_too_large']);
    expect(issues[0]?.message).toContain(`the limit is ${MAX_EXPANDED_CHARS}`);
    expect(issues[0]?.path).toMatch(/^include\[\d+\]\.module$/);
    expect(issues[0]?.line).toBeGreaterThan(0);
    expect(calls()).toBeLessThan(MAX_INCLUDES);
  });

  it('counts the document itself and nested modules: a 200,000-character module included twice is refused at the second', () => {
    const big = `kind: module\nid: big\ndescription: '${'x'.repeat(199_950)}'\n`;
    const wrapper = 'kind: module\nid: wrapper\ninclude:\n  - {module: big}\n';
    const { resolve, calls } = countingResolver({ big, wrapper });
    const issues = validate(`${manyIncludes(2, 'wrapper')}`, resolve);
    expect(issues.map((i) => i.code)).toEqual(['expanded_too_large']);
    expect(calls()).toBe(4);
  });
});

describe('issue cap', () => {
  it('keeps the first issues and sums up the rest, also when capped issues are wrapped again', () => {
    const many = Array.from({ length: 300 }, (_, i) => issue('unknown_name', `metrics.m${i}.expr`, `unknown name "x${i}"`));
    const once = new GeoriskError(many).issues;
    expect(once).toHaveLength(MAX_ISSUES + 1);
    expect(once[MAX_ISSUES]?.message).toBe('and 200 more problems');
    const twice = new GeoriskError([...once, ...many.slice(0, 50)]).issues;
    expect(twice).toHaveLength(MAX_ISSUES + 1);
    expect(twice[MAX_ISSUES]?.message).toBe('and 250 more problems');
  });
});
