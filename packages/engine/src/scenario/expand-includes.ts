/** Include expansion: each `include` of a scenario loads its module, expands the module's own includes, and merges it in. */
import { GeoriskError, type Issue, type IssueCode, issue } from '../errors.ts';
import { type LoadedDocument, locateIssues, readDocument } from '../load-document.ts';
import { type ModuleDocument, ModuleSchema, type ScenarioDocument } from '../scenario-schema.ts';
import { documentLimitIssues, expandedSizeIssue, type LoadBudget } from './document-limits.ts';
import { mergeModule, type Origin } from './merge-module.ts';
import type { LoadOptions } from './scenario.ts';
import { isRecord, zodIssues } from './zod-issues.ts';

/** Codes of limits that hold for a whole load: once one is broken, expansion stops. */
const LOAD_LIMITS: ReadonlySet<IssueCode> = new Set<IssueCode>(['too_many_names', 'too_many_includes', 'expanded_too_large']);

/**
 * The scenario with every include expanded (recursively, modules relative to their file);
 * records in `origins` where each merged part came from. Throws `GeoriskError` with every problem.
 */
export function expandIncludes(
  base: ScenarioDocument,
  doc: LoadedDocument,
  options: LoadOptions,
  origins: Map<string, Origin>,
  chain: string[],
  budget: LoadBudget,
  modules: Record<string, string> = {},
): ScenarioDocument {
  const out: ScenarioDocument = JSON.parse(JSON.stringify(base));
  if (!base.include || base.include.length === 0) return out;
  const problems: Issue[] = [];
  recordOwnOrigins(out, doc, origins);
  const includedBy = new Map<string, number>();
  const labels = moduleLabels(base.include.map((i) => i.module));
  for (const [n, include] of base.include.entries()) {
    const where = `include[${n}]`;
    const loaded = loadModule(include.module, where, doc, options, chain, budget);
    if (Array.isArray(loaded)) {
      // Past the expanded size, the problems found so far are mostly the repeats that amplified it.
      if (loaded.some((i) => i.code === 'expanded_too_large')) throw new GeoriskError(loaded);
      problems.push(...loaded);
      // Past a load-wide limit, loading more modules only repeats the same refusal.
      if (loaded.some((i) => LOAD_LIMITS.has(i.code))) break;
      continue;
    }
    const { moduleDoc, mod, file } = loaded;
    // A module's own includes expand first, relative to the module file.
    const nested = expandIncludes(
      { ...mod, time: out.time, kind: 'scenario' } as ScenarioDocument,
      moduleDoc,
      { ...options, file },
      new Map(),
      [...chain, file],
      budget,
    );
    const rename = include.rename ?? {};
    // Own properties only: names such as "toString" must not find Object.prototype's members.
    const r = (name: string) => (Object.hasOwn(rename, name) ? rename[name] : undefined) ?? name;
    const label = labels[n] ?? where;
    mergeModule({ out, doc, moduleDoc, nested, n, where, include, rename, r, origins, includedBy, label, modules, problems });
  }
  if (problems.length > 0) throw new GeoriskError(problems);
  delete out.include;
  return out;
}

/**
 * A label per include: its module's file name without folder or extension, followed by its
 * include number when the same name is included more than once (`pipeline-module[3]`).
 */
function moduleLabels(refs: readonly string[]): string[] {
  const names = refs.map((ref) => (ref.split('/').pop() ?? ref).replace(/\.ya?ml$/i, ''));
  return names.map((name, n) => (names.filter((x) => x === name).length > 1 ? `${name}[${n}]` : name));
}

/** Records where the scenario's own list items came from, before modules append to them. */
function recordOwnOrigins(out: ScenarioDocument, doc: LoadedDocument, origins: Map<string, Origin>): void {
  out.flows.forEach((_, i) => origins.set(`flows[${i}]`, { doc, path: ['flows', i] }));
  out.events.forEach((_, i) => origins.set(`events[${i}]`, { doc, path: ['events', i] }));
  for (const [name, track] of Object.entries(out.tracks)) {
    track.transitions.forEach((_, i) => {
      origins.set(`tracks.${name}.transitions[${i}]`, { doc, path: ['tracks', name, 'transitions', i] });
    });
  }
}

/** Finds, reads and checks the module an include names; the problems (located) when it cannot. */
function loadModule(
  ref: string,
  where: string,
  doc: LoadedDocument,
  options: LoadOptions,
  chain: string[],
  budget: LoadBudget,
): { moduleDoc: LoadedDocument; mod: ModuleDocument; file: string } | Issue[] {
  const resolved = options.resolveModule?.(ref, doc.file);
  if (!resolved) {
    return locateIssues(doc, [
      options.resolveModule === undefined
        ? issue(
            'module_not_found',
            `${where}.module`,
            `cannot include the module "${ref}": modules can only be included when the scenario is loaded with a module resolver`,
            "pass loadScenarioText a resolveModule that reads module files (the CLI and the server do; README, 'Sensitivity and sweeps'), or paste the module's contents into the scenario",
          )
        : issue(
            'module_not_found',
            `${where}.module`,
            `cannot find the module "${ref}"`,
            'give a path relative to this file, e.g. ../modules/ceasefire.yaml',
          ),
    ]);
  }
  if (chain.includes(resolved.file)) {
    return locateIssues(doc, [
      issue(
        'module_cycle',
        `${where}.module`,
        `modules include each other: ${[...chain, resolved.file].join(' → ')}`,
        'remove one of these includes: a module cannot include itself, directly or through others',
      ),
    ]);
  }
  const tooLarge = expandedSizeIssue(resolved.text, `${where}.module`, budget);
  if (tooLarge) return locateIssues(doc, [tooLarge]);
  try {
    const moduleDoc = readDocument(resolved.text, resolved.file);
    const limits = documentLimitIssues(moduleDoc.value, budget);
    if (limits.length > 0) throw new GeoriskError(locateIssues(moduleDoc, limits));
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
    if (!parsed.success) throw new GeoriskError(locateIssues(moduleDoc, zodIssues(parsed.error, moduleDoc.value, ModuleSchema)));
    return { moduleDoc, mod: parsed.data, file: resolved.file };
  } catch (error) {
    if (error instanceof GeoriskError) return error.issues;
    throw error;
  }
}
