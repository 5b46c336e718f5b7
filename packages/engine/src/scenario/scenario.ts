/**
 * From text to a checked scenario: read the document, check its shape with the zod schema, expand
 * included modules, then check every cross-reference and expression by building the model.
 */
import { defined } from '../defined.ts';
import { GeoriskError, type Issue, issue } from '../errors.ts';
import { formatPath, type LoadedDocument, locateIssues, readDocument } from '../load-document.ts';
import { buildModel } from '../model/model.ts';
import { type ScenarioDocument, ScenarioSchema } from '../scenario-schema.ts';
import { documentLimitIssues, loadBudget } from './document-limits.ts';
import { expandIncludes } from './expand-includes.ts';
import type { Origin } from './merge-module.ts';
import { isRecord, zodIssues } from './zod-issues.ts';

export { zodIssues } from './zod-issues.ts';

/** Finds the text of a module named by an `include`, relative to the file that includes it. */
export type ModuleResolver = (ref: string, from: string | undefined) => { text: string; file: string } | undefined;

/** Options of `loadScenarioText`. */
export interface LoadOptions {
  /** File name for messages, and the base for module references. */
  file?: string;
  /** How `include` finds modules; without it, a scenario with includes is refused. */
  resolveModule?: ModuleResolver;
}

/** A scenario with its modules expanded, and a way to point issues at source lines. */
export interface LoadedScenario {
  scenario: ScenarioDocument;
  /**
   * The module each parameter came from (parameter → the label of the scenario's include that
   * declared it, such as `clash-module`); the scenario's own parameters are absent. Kept beside the
   * document, not in it, so scenario hashes stay as they were.
   */
  parameterModules: Record<string, string>;
  /** Adds file, line and column to issues that carry a path into the expanded scenario. */
  locate(issues: Issue[]): Issue[];
}

/** The other documents georisk reads, named by their `kind`: what each is and where it goes instead. */
const OTHER_KINDS: Readonly<Record<string, { what: string; use: string }>> = {
  module: { what: 'a module', use: 'include it from a scenario with include: [{module: FILE}]' },
  observations: { what: 'a set of observations', use: 'give it to georisk update SCENARIO --observed FILE' },
  'reference-class': { what: 'a reference class of past episodes', use: 'georisk calibrate and georisk backtest read it' },
};

/**
 * Reads a scenario and expands its modules; throws `GeoriskError` with every problem found.
 * @example loadScenarioText(fs.readFileSync(f, 'utf8'), { file: f, resolveModule })
 */
export function loadScenarioText(text: string, options: LoadOptions = {}): LoadedScenario {
  const doc = readDocument(text, options.file);
  const budget = loadBudget(text.length);
  const limits = documentLimitIssues(doc.value, budget);
  if (limits.length > 0) throw new GeoriskError(locateIssues(doc, limits));
  const parsed = ScenarioSchema.safeParse(doc.value);
  if (!parsed.success) {
    const other = isRecord(doc.value) && typeof doc.value.kind === 'string' ? OTHER_KINDS[doc.value.kind] : undefined;
    const issues = other
      ? [issue('invalid_value', 'kind', `this file is ${other.what}, not a scenario`, other.use)]
      : zodIssues(parsed.error, doc.value);
    const later = other ? [] : laterIssues(doc, issues, options, budget);
    throw new GeoriskError(locateIssues(doc, [...issues, ...later]));
  }
  const origins = new Map<string, Origin>();
  const parameterModules: Record<string, string> = {};
  const scenario = expandIncludes(parsed.data, doc, options, origins, [options.file ?? '<scenario>'], budget, parameterModules);
  return {
    scenario,
    parameterModules,
    locate: (issues) => locateExpanded(doc, origins, issues),
  };
}

/**
 * Issues about the expanded scenario with the file, line and column they came from: the longest
 * recorded prefix of an issue's path says which document (the scenario or a module) and where.
 */
function locateExpanded(doc: LoadedDocument, origins: Map<string, Origin>, issues: Issue[]): Issue[] {
  return issues.map((i) => {
    if (i.line !== undefined) return i;
    let prefix = i.path;
    for (;;) {
      const origin = origins.get(prefix);
      if (origin) {
        const rest = i.path.slice(prefix.length);
        const full = `${formatPath(origin.path)}${rest}`;
        const [located] = locateIssues(origin.doc, [{ ...i, path: full }]);
        return { ...defined(located, 'one located issue per issue'), path: i.path };
      }
      const cut = Math.max(prefix.lastIndexOf('.'), prefix.lastIndexOf('['));
      if (cut <= 0) break;
      prefix = prefix.slice(0, cut);
    }
    return defined(locateIssues(doc, [i])[0], 'one located issue per issue');
  });
}

/**
 * The problems the next checks (includes, names, expressions, constant probabilities) find once the
 * parts the schema refused are taken out, so one pass reports a misspelt key and a probability of 1.7
 * together instead of the second only after the first is fixed. Best effort: when taking a part out
 * leaves the document still unreadable (a required key), there is nothing more to add.
 */
function laterIssues(
  doc: ReturnType<typeof readDocument>,
  refused: Issue[],
  options: LoadOptions,
  budget: ReturnType<typeof loadBudget>,
): Issue[] {
  const repaired = copyData(doc.value);
  for (const i of refused) removeAt(repaired, i.path);
  const parsed = ScenarioSchema.safeParse(repaired);
  if (!parsed.success) return [];
  const origins = new Map<string, Origin>();
  try {
    buildModel(expandIncludes(parsed.data, doc, options, origins, [options.file ?? '<scenario>'], budget, {}));
    return [];
  } catch (error) {
    if (!(error instanceof GeoriskError)) return [];
    // Problems in the object that held a refused part are left for the next pass: they are often the same
    // mistake seen twice (an unquoted expression that YAML split at its comma into a key and a stub).
    const parent = (path: string) => path.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
    const held = new Set(refused.map((r) => parent(r.path)));
    // Located here: a module's issue belongs to the module's file (the caller knows only this one).
    return locateExpanded(
      doc,
      origins,
      error.issues.filter((i) => i.severity === 'error' && !held.has(parent(i.path)) && !refused.some((r) => i.path.startsWith(r.path))),
    );
  }
}

/** A deep copy of plain data (what YAML reads: mappings, lists and scalars). */
function copyData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyData);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyData(v)]));
  return value;
}

/** Deletes the value at `path` (`a.b[0].c`) from plain data, if it is there. */
function removeAt(value: unknown, path: string): void {
  const parts = path.match(/[^.[\]]+/g) ?? [];
  let node: unknown = value;
  for (const [k, part] of parts.entries()) {
    if (!isRecord(node) && !Array.isArray(node)) return;
    const key = Array.isArray(node) ? Number(part) : part;
    if (k === parts.length - 1) {
      if (Array.isArray(node)) node.splice(key as number, 1);
      else delete (node as Record<string, unknown>)[key as string];
      return;
    }
    node = (node as Record<string | number, unknown>)[key];
  }
}
