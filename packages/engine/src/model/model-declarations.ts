/** The declarations of a model: parameters (with their overrides), variables and tracks, each name declared once. */
import { issue, suggestion } from '../errors.ts';
import { describeLevels, parameterLevels } from '../parameter-levels.ts';
import { priorRangeIssue } from '../parameter-prior.ts';
import type { Distribution, ScenarioDocument } from '../scenario-schema.ts';
import type { Overrides } from './model.ts';
import type { ModelIssues, TrackInfo } from './model-context.ts';

/** The parameters' names, values (defaults, then overrides) and uncertainty distributions. */
export interface ParameterTable {
  names: string[];
  values: Float64Array;
  uncertainty: (Distribution | undefined)[];
}

/** Declares the parameters, checks their ranges and distributions, then applies the overrides. */
export function declareParameters(scenario: ScenarioDocument, overrides: Overrides, issues: ModelIssues): ParameterTable {
  const { problems } = issues;
  const names = Object.keys(scenario.parameters);
  const values = new Float64Array(names.length);
  const uncertainty: (Distribution | undefined)[] = [];
  names.forEach((name, i) => {
    issues.declare('parameters', name);
    const p = scenario.parameters[name];
    if (!p) return;
    values[i] = p.default;
    uncertainty.push(p.uncertainty);
    const path = `parameters.${name}`;
    if (p.range) {
      const [lo, hi] = p.range;
      if (lo > hi) problems.push(issue('bad_range', `${path}.range`, `range [${lo}, ${hi}] has min > max`, 'write it as [min, max]'));
      else if (p.default < lo || p.default > hi) {
        problems.push(
          issue(
            'bad_range',
            `${path}.default`,
            `default ${p.default} lies outside its range [${lo}, ${hi}]`,
            'move the default into the range or widen the range',
          ),
        );
      }
    }
    const levels = parameterLevels(p);
    if (levels !== undefined && !levels.includes(p.default)) {
      const hint = "set it to one of its values (a module's `with:` may have changed it)";
      problems.push(
        issue('bad_range', `${path}.default`, `the default ${p.default} of "${name}" is not one of ${describeLevels(levels)}`, hint),
      );
    }
    if (p.uncertainty) {
      const problem = distributionProblem(p.uncertainty);
      if (problem) problems.push(issue('bad_distribution', `${path}.uncertainty`, problem.message, problem.hint));
      // A prior that contradicts the range is an error wherever the scenario is used: a plain run
      // draws it every trial, so letting it through would run values the range calls implausible.
      else {
        const outside = priorRangeIssue(name, p);
        if (outside) problems.push(outside);
      }
    }
  });
  const table = { names, values, uncertainty };
  applyOverrides(scenario, overrides, table, issues);
  return table;
}

/** Puts override values in place of the defaults (an explicit value replaces the uncertainty too). */
function applyOverrides(scenario: ScenarioDocument, overrides: Overrides, table: ParameterTable, issues: ModelIssues): void {
  const { names: paramNames, values: paramValues, uncertainty } = table;
  const { problems, warnings } = issues;
  for (const [name, value] of Object.entries(overrides)) {
    const i = paramNames.indexOf(name);
    if (i < 0) {
      problems.push(
        issue('bad_override', `overrides.${name}`, `there is no parameter "${name}"`, suggestion(name, paramNames, 'parameters')),
      );
    } else if (!Number.isFinite(value)) {
      problems.push(issue('bad_override', `overrides.${name}`, `the value for "${name}" must be a finite number`));
    } else {
      paramValues[i] = value;
      uncertainty[i] = undefined; // an explicit value replaces the uncertainty
      const p = scenario.parameters[name];
      const levels = p === undefined ? undefined : parameterLevels(p);
      if (levels !== undefined && !levels.includes(value)) {
        const what = p?.kind === 'switch' ? 'a switch' : 'a choice';
        const message = `"${name}" is ${what}: it takes ${describeLevels(levels)}, not ${value}`;
        const hint = p?.kind === 'switch' ? `set ${name}=0 (off) or ${name}=1 (on)` : `choose one of ${describeLevels(levels)}`;
        problems.push(issue('bad_override', `overrides.${name}`, message, hint));
        continue;
      }
      const range = scenario.parameters[name]?.range;
      if (range && range[0] <= range[1] && (value < range[0] || value > range[1])) {
        // The range says what the author finds plausible; a value beyond it may be a deliberate stress test.
        warnings.push({
          ...issue(
            'bad_override',
            `overrides.${name}`,
            `the value ${value} for "${name}" lies outside its range [${range[0]}, ${range[1]}]`,
            'the run uses it anyway; check for a typo or a wrong unit, or widen the range in the scenario',
          ),
          severity: 'warning',
        });
      }
    }
  }
}

function distributionProblem(d: Distribution): { message: string; hint: string } | undefined {
  switch (d.dist) {
    case 'uniform':
      return d.min <= d.max
        ? undefined
        : {
            message: `uniform needs min <= max, got ${d.min} > ${d.max}`,
            hint: `swap them: { dist: uniform, min: ${d.max}, max: ${d.min} }`,
          };
    case 'triangular':
      return d.min <= d.mode && d.mode <= d.max && d.min < d.max
        ? undefined
        : {
            message: `triangular needs min <= mode <= max and min < max, got min ${d.min}, mode ${d.mode}, max ${d.max}`,
            hint: d.min < d.max ? `move the mode into [${d.min}, ${d.max}]` : 'give min below max, and the mode between them',
          };
    case 'normal':
      return d.sd >= 0 ? undefined : { message: `normal needs sd >= 0, got ${d.sd}`, hint: `the spread is a size: sd: ${-d.sd}` };
    case 'lognormal':
      return d.sigma >= 0
        ? undefined
        : { message: `lognormal needs sigma >= 0, got ${d.sigma}`, hint: `the spread is a size: sigma: ${-d.sigma}` };
    default:
      return undefined;
  }
}

/** Declares the variables; their initial values. */
export function declareVariables(scenario: ScenarioDocument, issues: ModelIssues): { names: string[]; initial: Float64Array } {
  const names = Object.keys(scenario.variables);
  const initial = new Float64Array(names.length);
  names.forEach((name, i) => {
    issues.declare('variables', name);
    initial[i] = scenario.variables[name]?.initial ?? 0;
  });
  return { names, initial };
}

/** Declares the tracks and lays out their states (a track without states, or with one twice, is a problem). */
export function declareTracks(
  scenario: ScenarioDocument,
  issues: ModelIssues,
): { names: string[]; info: Map<string, TrackInfo>; totalStates: number } {
  const { problems } = issues;
  const names = Object.keys(scenario.tracks);
  let offset = 0;
  const info = new Map<string, TrackInfo>();
  names.forEach((name, index) => {
    issues.declare('tracks', name);
    const t = scenario.tracks[name];
    if (!t) return;
    if (!t.states) {
      problems.push(
        issue(
          'missing_key',
          `tracks.${name}.states`,
          `the track "${name}" has no states`,
          'list its states, e.g. states: [calm, clash, war]',
        ),
      );
      return;
    }
    const dup = t.states.find((s, i) => t.states?.indexOf(s) !== i);
    if (dup) problems.push(issue('duplicate_name', `tracks.${name}.states`, `the state "${dup}" is listed twice`, 'list each state once'));
    info.set(name, { index, states: t.states, stateOffset: offset });
    offset += t.states.length;
  });
  return { names, info, totalStates: offset };
}
