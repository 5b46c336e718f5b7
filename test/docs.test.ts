/**
 * Keeps docs/scenario-language.md honest: every YAML example in it is checked against the engine,
 * the JSON Schema beside it must be the one the engine generates now, its error table must list
 * every issue code, and every scenario file in scenarios/ must validate.
 *
 * How the guide's ```yaml blocks are read, by the words after "yaml" in the fence:
 * - (none): a complete scenario; it starts with `id:`, loads, builds without warnings and runs 2,000 trials;
 * - `invalid`: its first line is `# error: CODE`; loading, building or (for run-time codes) running must fail with CODE;
 * - `warning`: its first line is `# warning: CODE`; it builds with that warning and runs;
 * - `module`: a module listing; it must be identical to scenarios/examples/<its id>.yaml;
 * - `fragment`: part of a scenario; it only has to be well-formed YAML.
 * Includes resolve relative to scenarios/examples/, as if the example were a file there.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  buildModel,
  GeoriskError,
  ISSUE_CODES,
  type IssueCode,
  loadScenarioText,
  type ModuleResolver,
  ModuleSchema,
  readDocument,
  runScenario,
  scenarioJsonSchema,
} from '../packages/engine/src/index.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DOC_PATH = join(ROOT, 'docs/scenario-language.md');
const SCHEMA_PATH = join(ROOT, 'docs/scenario.schema.json');
const SCENARIOS = join(ROOT, 'scenarios');
const EXAMPLES = join(SCENARIOS, 'examples');
/** The file the guide's examples pretend to be, so that `include` finds the example modules. */
const DOC_EXAMPLE_FILE = join(EXAMPLES, '__docs__.yaml');
const EXAMPLE_TRIALS = 2000;
/** Codes that only a run can produce: examples showing them must pass validation first. */
const RUN_TIME_CODES = new Set<IssueCode>(['runtime_value']);

/** Finds modules relative to the including file, as the CLI does (adding .yaml or .yml when left out). */
const resolveModule: ModuleResolver = (ref, from) => {
  const base = from === undefined ? EXAMPLES : dirname(from);
  for (const candidate of [ref, `${ref}.yaml`, `${ref}.yml`]) {
    const path = resolve(base, candidate);
    if (existsSync(path) && statSync(path).isFile()) return { text: readFileSync(path, 'utf8'), file: path };
  }
  return undefined;
};

interface Block {
  /** Words after "yaml" in the fence, e.g. "invalid". */
  tag: string;
  text: string;
  /** 1-based line of the opening fence in the guide. */
  line: number;
}

function yamlBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const fence = /^```yaml\b([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;
  for (const m of markdown.matchAll(fence)) {
    const line = markdown.slice(0, m.index).split('\n').length;
    blocks.push({ tag: (m[1] ?? '').trim(), text: m[2] ?? '', line });
  }
  return blocks;
}

const doc = readFileSync(DOC_PATH, 'utf8');
const blocks = yamlBlocks(doc);
const label = (b: Block) => `line ${b.line}${/^id: *(\S+)/m.exec(b.text) ? ` (${/^id: *(\S+)/m.exec(b.text)?.[1]})` : ''}`;

/** Loads and builds like `georisk validate`; returns the model or throws GeoriskError. */
function validate(text: string, file = DOC_EXAMPLE_FILE) {
  const loaded = loadScenarioText(text, { file, resolveModule });
  try {
    return { loaded, model: buildModel(loaded.scenario) };
  } catch (error) {
    if (error instanceof GeoriskError) throw new GeoriskError(loaded.locate(error.issues));
    throw error;
  }
}

/** The codes of the GeoriskError that `fn` throws, or undefined when it does not throw. */
function codesThrownBy(fn: () => unknown): IssueCode[] | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof GeoriskError) return error.issues.map((i) => i.code);
    throw error;
  }
}

/** The code named on a block's first line, e.g. `# error: unknown_state`. */
function statedCode(b: Block, kind: 'error' | 'warning'): IssueCode {
  const first = b.text.split('\n')[0] ?? '';
  const m = new RegExp(`^#\\s*${kind}:\\s*([a-z_]+)\\s*$`).exec(first);
  if (!m) throw new Error(`the block at line ${b.line} must start with "# ${kind}: CODE", not "${first}"`);
  const code = m[1]!;
  if (!Object.hasOwn(ISSUE_CODES, code)) throw new Error(`the block at line ${b.line} names "${code}", which is not an issue code`);
  return code as IssueCode;
}

/** A file's text without its leading comment lines. */
function withoutLeadingComments(text: string): string {
  const lines = text.split('\n');
  while (lines.length > 0 && lines[0]!.startsWith('#')) lines.shift();
  return lines.join('\n');
}

describe('docs/scenario-language.md examples', () => {
  it('has examples of every kind, and no unknown fence tags', () => {
    const tags = new Set(blocks.map((b) => b.tag));
    for (const tag of tags) expect(['', 'fragment', 'invalid', 'warning', 'module']).toContain(tag);
    for (const tag of ['', 'fragment', 'invalid', 'warning', 'module']) expect(tags.has(tag)).toBe(true);
  });

  const complete = blocks.filter((b) => b.tag === '');
  it.each(complete.map((b) => [label(b), b] as const))('complete scenario at %s loads, builds without warnings and runs', (_name, b) => {
    expect(b.text.startsWith('id:'), 'a complete scenario starts with "id:"; tag partial examples ```yaml fragment').toBe(true);
    const { loaded, model } = validate(b.text);
    expect(model.warnings).toEqual([]);
    const result = runScenario(loaded.scenario, { trials: EXAMPLE_TRIALS, seed: 1 });
    expect(result.trials).toBe(EXAMPLE_TRIALS);
    for (const [name, m] of Object.entries(result.metrics)) {
      expect(m.n + (m.invalid ?? 0), `metric ${name}`).toBe(EXAMPLE_TRIALS);
    }
    // An example that claims to be a file in scenarios/examples/ must be that file.
    const file = join(EXAMPLES, `${loaded.scenario.id}.yaml`);
    if (existsSync(file)) expect(b.text).toBe(withoutLeadingComments(readFileSync(file, 'utf8')));
  });

  const invalid = blocks.filter((b) => b.tag === 'invalid');
  it.each(invalid.map((b) => [label(b), b] as const))('invalid example at %s fails with the stated code', (_name, b) => {
    const code = statedCode(b, 'error');
    const atValidation = codesThrownBy(() => validate(b.text));
    if (RUN_TIME_CODES.has(code)) {
      expect(atValidation, 'a run-time error must pass validation first').toBeUndefined();
      const atRun = codesThrownBy(() => runScenario(validate(b.text).loaded.scenario, { trials: EXAMPLE_TRIALS, seed: 1 }));
      expect(atRun).toContain(code);
    } else {
      expect(atValidation, 'the example should not validate').toBeDefined();
      expect(atValidation).toContain(code);
    }
  });

  const warning = blocks.filter((b) => b.tag === 'warning');
  it.each(warning.map((b) => [label(b), b] as const))('warning example at %s warns with the stated code and still runs', (_name, b) => {
    const code = statedCode(b, 'warning');
    const { loaded, model } = validate(b.text);
    expect(model.warnings.map((w) => w.code)).toContain(code);
    expect(model.warnings.every((w) => w.severity === 'warning')).toBe(true);
    expect(runScenario(loaded.scenario, { trials: EXAMPLE_TRIALS, seed: 1 }).trials).toBe(EXAMPLE_TRIALS);
  });

  const modules = blocks.filter((b) => b.tag === 'module');
  it.each(modules.map((b) => [label(b), b] as const))('module listing at %s is the file in scenarios/examples/', (_name, b) => {
    const parsed = ModuleSchema.safeParse(readDocument(b.text).value);
    expect(parsed.success).toBe(true);
    const file = join(EXAMPLES, `${parsed.data?.id}.yaml`);
    expect(existsSync(file), `${relative(ROOT, file)} should exist`).toBe(true);
    expect(b.text).toBe(readFileSync(file, 'utf8'));
  });

  const fragments = blocks.filter((b) => b.tag === 'fragment');
  it.each(fragments.map((b) => [label(b), b] as const))('fragment at %s is well-formed YAML', (_name, b) => {
    expect(() => readDocument(b.text)).not.toThrow();
  });
});

describe('docs/scenario.schema.json', () => {
  it('is what scenarioJsonSchema() generates now (regenerate: georisk schema > docs/scenario.schema.json)', () => {
    const onDisk = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
    expect(onDisk).toEqual(scenarioJsonSchema());
  });
});

describe('the error table of docs/scenario-language.md', () => {
  const section = doc.slice(doc.indexOf('## Error codes'));
  const listed = [...section.matchAll(/^\|\s*`([a-z_]+)`\s*\|/gm)].map((m) => m[1]!);

  it('lists every issue code exactly once', () => {
    expect([...listed].sort()).toEqual(Object.keys(ISSUE_CODES).sort());
  });
});

/** Every *.yaml file under a directory, recursively. */
function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(path));
    else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

describe('scenario files', () => {
  const files = yamlFiles(SCENARIOS).filter((f) => {
    const value = readDocument(readFileSync(f, 'utf8'), f).value as { kind?: unknown } | null;
    // Modules, the backtest's episode list, the reference class of clashes and observations (packages/engine/test/observe-read.test.ts) are not scenarios.
    return (
      value?.kind !== 'module' && value?.kind !== 'backtest-episodes' && value?.kind !== 'reference-class' && value?.kind !== 'observations'
    );
  });

  it('include the founding case and the module example', () => {
    const names = files.map((f) => relative(SCENARIOS, f));
    expect(names).toContain('armenia-azerbaijan-2022.yaml');
    expect(names).toContain(join('examples', 'modular-example.yaml'));
  });

  it.each(files.map((f) => [relative(ROOT, f), f] as const))('%s validates with no errors', (_name, file) => {
    const problems = codesThrownBy(() => validate(readFileSync(file, 'utf8'), file));
    expect(problems).toBeUndefined();
  });

  it.each(
    ['armenia-azerbaijan-2022.yaml', 'reconstruction/armenia-azerbaijan-2022-reconstruction.yaml', 'examples/modular-example.yaml'].map(
      (f) => [f, join(SCENARIOS, f)] as const,
    ),
  )('%s has no warnings either', (_name, file) => {
    expect(validate(readFileSync(file, 'utf8'), file).model.warnings).toEqual([]);
  });
});
