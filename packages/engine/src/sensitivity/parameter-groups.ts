/**
 * Groups of parameters for Sobol' analysis: each group is one factor (its members swapped together
 * in the Saltelli design), so the design's size follows the number of groups, not of parameters.
 */

import { GeoriskError, type Issue, issue, suggestion } from '../errors.ts';
import type { ResolvedRange } from '../sweep.ts';

/** Most groups one grouped analysis handles. */
export const MAX_GROUPS = 64;

/** The groups in design order and, per parameter (in `params` order), its group's index. */
export interface ResolvedGroups {
  names: string[];
  members: string[][];
  groupOf: number[];
}

/**
 * Settles `groups` (group name → parameter names) over the varied parameters: every name must be a
 * varied parameter, in one group only, and no group may be empty; parameters in no group stand alone.
 */
export function resolveGroups(groups: Record<string, readonly string[]>, params: readonly ResolvedRange[]): ResolvedGroups {
  const names = params.map((p) => p.name);
  const problems: Issue[] = [];
  const owner = new Map<string, string>();
  for (const [group, members] of Object.entries(groups)) {
    if (members.length === 0) {
      problems.push(
        issue(
          'bad_run_options',
          `groups.${group}`,
          `the group "${group}" names no parameter`,
          'list its parameters, or leave the group out',
        ),
      );
    }
    for (const m of members) {
      if (!names.includes(m)) {
        problems.push(
          issue(
            'bad_run_options',
            `groups.${group}`,
            `the group "${group}" names "${m}", which is not a varied parameter`,
            suggestion(m, names, 'varied parameters'),
          ),
        );
      } else if (owner.has(m) && owner.get(m) !== group) {
        problems.push(
          issue(
            'bad_run_options',
            `groups.${group}`,
            `"${m}" is in the groups "${owner.get(m)}" and "${group}"`,
            'put each parameter in one group only',
          ),
        );
      } else owner.set(m, group);
    }
  }
  if (problems.length > 0) throw new GeoriskError(problems);
  const order: string[] = [];
  const members = new Map<string, string[]>();
  for (const name of names) {
    const g = owner.get(name) ?? name;
    if (!members.has(g)) {
      order.push(g);
      members.set(g, []);
    }
    members.get(g)?.push(name);
  }
  if (order.length > MAX_GROUPS) {
    throw new GeoriskError([
      issue(
        'bad_run_options',
        'groups',
        `${order.length} groups and lone parameters; a grouped analysis handles at most ${MAX_GROUPS}`,
        'put more parameters in groups',
      ),
    ]);
  }
  return {
    names: order,
    members: order.map((g) => members.get(g) ?? []),
    groupOf: names.map((n) => order.indexOf(owner.get(n) ?? n)),
  };
}

/**
 * Each parameter's group: the `group` it declares, else the module it came from (`parameterModules`,
 * the loader's parameter → include label); parameters with neither are absent. The one notion of a
 * parameter's group, for Sobol' grouped by module and for the web app's folds.
 */
export function parameterGroupNames(
  parameters: Readonly<Record<string, { group?: string | undefined }>>,
  parameterModules: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, p] of Object.entries(parameters)) {
    const module = Object.hasOwn(parameterModules, name) ? parameterModules[name] : undefined;
    const group = p.group ?? module;
    if (group !== undefined) out[name] = group;
  }
  return out;
}

/**
 * The varied parameters grouped by their group (`parameterGroupNames`: a declared `group`, else the
 * module they came from); the others stand alone. Refused when no varied parameter has a group.
 */
export function moduleGroups(
  parameterModules: Readonly<Record<string, string>>,
  params: readonly ResolvedRange[],
): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  for (const p of params) {
    const module = Object.hasOwn(parameterModules, p.name) ? parameterModules[p.name] : undefined;
    if (module !== undefined) (groups[module] ??= []).push(p.name);
  }
  if (Object.keys(groups).length === 0) {
    throw new GeoriskError([
      issue(
        'bad_run_options',
        'groups',
        'grouping by module needs parameters that came from included modules or declare a `group`; none of the varied parameters did',
        "name the groups yourself (--group name=p1,p2), or leave grouping out (Sobol' screens by Morris first when there are many parameters)",
      ),
    ]);
  }
  return groups;
}
