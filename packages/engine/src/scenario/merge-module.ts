/**
 * Merging one included module into the scenario: its parameters (with `with` values), variables,
 * tracks (new, or transitions added to an existing one), flows, events and metrics, each name
 * passed through the include's `rename`.
 */
import { type Issue, issue, nearest, suggestion } from '../errors.ts';
import { renameSymbols, symbolNames } from '../expression/expression.ts';
import { type DocPath, type LoadedDocument, locateIssues } from '../load-document.ts';
import type { ScenarioDocument } from '../scenario-schema.ts';

/** Where a part of the expanded scenario came from: a document and a path into it. */
export interface Origin {
  doc: LoadedDocument;
  path: DocPath;
}

/** One include being merged: the scenario so far, the expanded module, and where problems go. */
export interface IncludeMerge {
  /** The scenario being expanded (merged into in place). */
  out: ScenarioDocument;
  /** The including document, and the module's. */
  doc: LoadedDocument;
  moduleDoc: LoadedDocument;
  /** The module with its own includes expanded. */
  nested: ScenarioDocument;
  /** The include's number and its path (`include[n]`). */
  n: number;
  where: string;
  include: NonNullable<ScenarioDocument['include']>[number];
  /** The include's renames, and the name each module name becomes. */
  rename: Record<string, string>;
  r: (name: string) => string;
  origins: Map<string, Origin>;
  /** Which include declared each parameter that came from a module (the rest are the scenario's own). */
  includedBy: Map<string, number>;
  /** The label of this include's module, recorded per parameter it declares (see `parameterModules`). */
  label: string;
  modules: Record<string, string>;
  problems: Issue[];
}

/** Merges every part of one included module into the scenario, in document order. */
export function mergeModule(m: IncludeMerge): void {
  checkWithKeys(m);
  checkRenameKeys(m);
  mergeParameters(m);
  mergeVariables(m);
  mergeTracks(m);
  appendFlows(m);
  appendEvents(m);
  mergeMetrics(m);
}

/** Every `with` key must name one of the module's parameters. */
function checkWithKeys({ nested, include, where, doc, problems }: IncludeMerge): void {
  const withValues = include.with ?? {};
  for (const key of Object.keys(withValues)) {
    if (!Object.hasOwn(nested.parameters, key)) {
      const params = Object.keys(nested.parameters);
      problems.push(
        ...locateIssues(doc, [
          issue(
            'unknown_name',
            `${where}.with.${key}`,
            `the module "${include.module}" has no parameter "${key}"`,
            nearest(key, params) !== undefined ? suggestion(key, params, 'parameters') : `its parameters: ${params.join(', ') || 'none'}`,
          ),
        ]),
      );
    }
  }
}

/**
 * Every `rename` key must be a name the module declares or reads: a misspelt one renamed nothing,
 * so a module included twice merged its two copies into one track with every transition twice.
 */
function checkRenameKeys({ nested, include, where, doc, problems }: IncludeMerge): void {
  const keys = Object.keys(include.rename ?? {});
  if (keys.length === 0) return;
  const names = moduleNames(nested);
  for (const key of keys) {
    if (names.has(key)) continue;
    const known = [...names].sort();
    problems.push(
      ...locateIssues(doc, [
        issue(
          'unknown_name',
          `${where}.rename.${key}`,
          `the module "${include.module}" has no name "${key}" to rename`,
          suggestion(key, known, 'names of the module (parameters, variables, tracks, metrics and the names it reads)'),
        ),
      ]),
    );
  }
}

/** The names a module declares (parameters, variables, tracks, metrics) and those its expressions and assignments read or set. */
function moduleNames(module: ScenarioDocument): Set<string> {
  const names = new Set<string>([
    ...Object.keys(module.parameters),
    ...Object.keys(module.variables),
    ...Object.keys(module.tracks),
    ...Object.keys(module.metrics),
  ]);
  const read = (expr: string | number | undefined) => {
    if (typeof expr === 'string') for (const name of symbolNames(expr)) names.add(name);
  };
  const assigned = (a: Record<string, string | number> | undefined) => {
    for (const [name, value] of Object.entries(a ?? {})) {
      names.add(name);
      read(value);
    }
  };
  for (const t of Object.values(module.tracks)) {
    for (const tr of t.transitions) {
      read(tr.rate);
      read(tr.probability);
      assigned(tr.set);
      assigned(tr.add);
    }
  }
  for (const f of module.flows) {
    names.add(f.to);
    read(f.amount);
    read(f.when);
  }
  for (const e of module.events) {
    read(e.when);
    assigned(e.set);
    assigned(e.add);
    for (const track of Object.keys(e.force ?? {})) names.add(track);
  }
  for (const m of Object.values(module.metrics)) read(m.expr);
  return names;
}

/** New parameters get the module's declaration (with the `with` value as default); existing ones stay bound. */
function mergeParameters({
  out,
  nested,
  include,
  where,
  doc,
  moduleDoc,
  n,
  r,
  origins,
  includedBy,
  label,
  modules,
  problems,
}: IncludeMerge): void {
  const withValues = include.with ?? {};
  for (const [name, p] of Object.entries(nested.parameters)) {
    const target = r(name);
    const override = Object.hasOwn(withValues, name) ? withValues[name] : undefined;
    if (Object.hasOwn(out.parameters, target)) {
      // Bound to an existing parameter: its value is set where it is declared, so "with" cannot change it.
      if (override !== undefined) problems.push(...locateIssues(doc, [boundWithIssue(where, name, target, includedBy.get(target))]));
      continue;
    }
    const declared = target === name ? p : withoutLabel(p);
    out.parameters[target] = override === undefined ? declared : { ...declared, default: override };
    includedBy.set(target, n);
    modules[target] = label;
    origins.set(`parameters.${target}`, { doc: moduleDoc, path: ['parameters', name] });
    // A default given by "with" is the include's: a problem with it points there, not at the module's.
    if (override !== undefined) origins.set(`parameters.${target}.default`, { doc, path: ['include', n, 'with', name] });
  }
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

/** New variables are added; a variable the scenario already has is shared. */
function mergeVariables({ out, nested, moduleDoc, r, origins }: IncludeMerge): void {
  for (const [name, v] of Object.entries(nested.variables)) {
    const target = r(name);
    if (!Object.hasOwn(out.variables, target)) {
      out.variables[target] = v;
      origins.set(`variables.${target}`, { doc: moduleDoc, path: ['variables', name] });
    }
  }
}

/** New tracks are added; a module track with an existing name extends it with its transitions (same states only). */
function mergeTracks({ out, nested, moduleDoc, rename, r, origins, problems }: IncludeMerge): void {
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
}

/** The module's flows follow the scenario's, renamed. */
function appendFlows({ out, nested, moduleDoc, rename, r, origins }: IncludeMerge): void {
  nested.flows.forEach((f, i) => {
    origins.set(`flows[${out.flows.length}]`, { doc: moduleDoc, path: ['flows', i] });
    out.flows.push({
      ...f,
      to: r(f.to),
      amount: renameExpression(f.amount, rename),
      ...(f.when !== undefined ? { when: renameExpression(f.when, rename) } : {}),
    });
  });
}

/** The module's events follow the scenario's, renamed. */
function appendEvents({ out, nested, moduleDoc, rename, r, origins }: IncludeMerge): void {
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
}

/** The module's metrics are added; a name already taken is refused. */
function mergeMetrics({ out, nested, moduleDoc, rename, r, origins, problems }: IncludeMerge): void {
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
    out.metrics[target] = { ...(target === name ? m : withoutLabel(m)), expr: renameExpression(m.expr, rename) };
    origins.set(`metrics.${target}`, { doc: moduleDoc, path: ['metrics', name] });
  }
}

/**
 * A renamed parameter or metric drops the module's label: the module's words name its own name
 * ("Side A military deaths"), and the new name, read as words, says more ("armenian_deaths").
 */
function withoutLabel<T extends { label?: string | undefined }>(declared: T): T {
  const { label: _label, ...rest } = declared;
  return rest as unknown as T;
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
    Object.entries(a).map(([k, v]) => [(Object.hasOwn(rename, k) ? rename[k] : undefined) ?? k, renameExpression(v, rename)]),
  );
}
