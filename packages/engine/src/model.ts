/**
 * Builds a runnable model from a checked scenario document: resolves every name, compiles every
 * expression, and reports all cross-reference problems at once. The model holds closures, so it
 * never crosses a worker boundary; workers build their own from the scenario (it takes microseconds).
 */
import { GeoriskError, type Issue, issue, suggestion } from './errors.ts';
import { type CompiledExpression, compileExpression, type ExpressionContext, type NameTable, RESERVED_NAMES } from './expression.ts';
import type { Distribution, Expression, ScenarioDocument } from './scenario-schema.ts';

/** Most steps one trial may take (horizon / dt). */
export const MAX_STEPS = 1_000_000;

export interface CompiledTransition {
  index: number;
  from: number;
  to: number;
  kind: 'rate' | 'probability';
  value: CompiledExpression;
  set: Assignment[];
  add: Assignment[];
  path: string;
}

export interface Assignment {
  /** Parameter (`param`) or variable (`var`) slot. */
  target: { kind: 'param' | 'var'; index: number };
  value: CompiledExpression;
}

export interface TrackModel {
  name: string;
  index: number;
  states: readonly string[];
  initial: number;
  /** Slot of state 0 in the flattened per-(track, state) arrays. */
  stateOffset: number;
  /** Outgoing transitions of each state. */
  outgoing: CompiledTransition[][];
  /** Tracks (other than this one) that any outgoing expression of a state reads. */
  dependsOn: number[];
  /** Per state: true when some outgoing expression reads time or variables (must be re-evaluated each step). */
  dynamic: boolean[];
}

export interface FlowModel {
  variable: number;
  amount: CompiledExpression;
  when?: CompiledExpression;
  path: string;
}

export interface EventModel {
  index: number;
  /** Step index at which the event applies (time = step·dt), for timed events. */
  atStep?: number;
  when?: CompiledExpression;
  set: Assignment[];
  add: Assignment[];
  force: { track: number; state: number }[];
  path: string;
}

export interface MetricModel {
  name: string;
  expr: CompiledExpression;
  unit?: string;
  description?: string;
}

/** A scenario compiled for running. */
export interface Model {
  scenario: ScenarioDocument;
  dt: number;
  horizon: number;
  unit: 'day' | 'hour';
  steps: number;
  params: { names: string[]; values: Float64Array; uncertainty: (Distribution | undefined)[] };
  vars: { names: string[]; initial: Float64Array };
  tracks: TrackModel[];
  totalStates: number;
  flows: FlowModel[];
  events: EventModel[];
  metrics: MetricModel[];
  /** True when every flow and condition event reads only parameters and track states (quiet steps can be skipped). */
  skippable: boolean;
  warnings: Issue[];
}

/** Parameter values to use instead of the defaults. */
export type Overrides = Record<string, number>;

/**
 * Compiles a scenario; throws `GeoriskError` listing every problem.
 * @example const model = buildModel(loadScenarioText(text).scenario, { ceasefire_rate: 0.3 })
 */
export function buildModel(scenario: ScenarioDocument, overrides: Overrides = {}): Model {
  const problems: Issue[] = [];
  const warnings: Issue[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof GeoriskError) {
        problems.push(...error.issues);
        return undefined;
      }
      throw error;
    }
  };

  // Time.
  const { dt, horizon, unit } = scenario.time;
  const stepsExact = horizon / dt;
  const steps = Math.round(stepsExact);
  if (Math.abs(stepsExact - steps) > 1e-9 * Math.max(1, steps)) {
    problems.push(
      issue(
        'bad_time',
        'time.horizon',
        `horizon ${horizon} is not a whole number of steps of ${dt}`,
        `use a horizon that is a multiple of dt, e.g. ${Math.max(1, Math.round(stepsExact)) * dt}`,
      ),
    );
  }
  if (steps > MAX_STEPS) {
    problems.push(
      issue(
        'bad_time',
        'time.horizon',
        `${steps} steps per trial is more than the limit of ${MAX_STEPS}`,
        'use a larger dt or a shorter horizon',
      ),
    );
  }

  // Names: one namespace for parameters, variables and tracks.
  const seen = new Map<string, string>();
  const declare = (kind: string, name: string) => {
    if (RESERVED_NAMES.has(name)) {
      problems.push(issue('invalid_name', `${kind}.${name}`, `"${name}" is reserved by the expression language`, 'choose another name'));
    }
    const prior = seen.get(name);
    if (prior !== undefined) {
      problems.push(
        issue(
          'duplicate_name',
          `${kind}.${name}`,
          `"${name}" is already declared in ${prior}`,
          'names of parameters, variables and tracks must be distinct',
        ),
      );
    }
    seen.set(name, kind);
  };

  const paramNames = Object.keys(scenario.parameters);
  const paramValues = new Float64Array(paramNames.length);
  const uncertainty: (Distribution | undefined)[] = [];
  paramNames.forEach((name, i) => {
    declare('parameters', name);
    const p = scenario.parameters[name];
    if (!p) return;
    paramValues[i] = p.default;
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
    if (p.uncertainty) {
      const msg = distributionProblem(p.uncertainty);
      if (msg) problems.push(issue('bad_distribution', `${path}.uncertainty`, msg));
    }
  });
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

  const varNames = Object.keys(scenario.variables);
  const varInitial = new Float64Array(varNames.length);
  varNames.forEach((name, i) => {
    declare('variables', name);
    varInitial[i] = scenario.variables[name]?.initial ?? 0;
  });

  const trackNames = Object.keys(scenario.tracks);
  let offset = 0;
  const trackInfo = new Map<string, { index: number; states: readonly string[]; stateOffset: number }>();
  trackNames.forEach((name, index) => {
    declare('tracks', name);
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
    trackInfo.set(name, { index, states: t.states, stateOffset: offset });
    offset += t.states.length;
  });

  const names: NameTable = {
    params: new Map(paramNames.map((n, i) => [n, i])),
    vars: new Map(varNames.map((n, i) => [n, i])),
    tracks: trackInfo,
    dt,
    horizon,
  };
  const compile = (src: Expression, ctx: ExpressionContext, path: string) => attempt(() => compileExpression(src, ctx, names, path));

  const assignments = (a: Record<string, Expression> | undefined, path: string, allowParams: boolean): Assignment[] => {
    const out: Assignment[] = [];
    for (const [name, src] of Object.entries(a ?? {})) {
      const v = names.vars.get(name);
      const p = allowParams ? names.params.get(name) : undefined;
      const value = compile(src, 'amount', `${path}.${name}`);
      if (v === undefined && p === undefined) {
        const candidates = allowParams ? [...varNames, ...paramNames] : varNames;
        problems.push(
          issue(
            'unknown_name',
            `${path}.${name}`,
            `"${name}" is not a ${allowParams ? 'parameter or variable' : 'variable'}`,
            names.params.has(name)
              ? `"${name}" is a parameter: only an event's "set" can change parameters; declare a variable to change here`
              : suggestion(name, candidates, allowParams ? 'parameters and variables' : 'variables'),
          ),
        );
        continue;
      }
      if (value) out.push({ target: v !== undefined ? { kind: 'var', index: v } : { kind: 'param', index: p as number }, value });
    }
    return out;
  };

  const stateIndex = (track: string, state: string, path: string): number | undefined => {
    const info = trackInfo.get(track);
    if (!info) return undefined;
    const i = info.states.indexOf(state);
    if (i < 0) {
      problems.push(
        issue('unknown_state', path, `the track "${track}" has no state "${state}"`, suggestion(state, info.states, `states of ${track}`)),
      );
      return undefined;
    }
    return i;
  };

  // Tracks and transitions.
  const tracks: TrackModel[] = [];
  let transitionIndex = 0;
  for (const [name, t] of Object.entries(scenario.tracks)) {
    const info = trackInfo.get(name);
    if (!info) continue;
    const initial = t.initial === undefined ? 0 : stateIndex(name, t.initial, `tracks.${name}.initial`);
    const outgoing: CompiledTransition[][] = info.states.map(() => []);
    t.transitions.forEach((tr, i) => {
      const path = `tracks.${name}.transitions[${i}]`;
      const to = stateIndex(name, tr.to, `${path}.to`);
      const froms = (Array.isArray(tr.from) ? tr.from : [tr.from]).map((f, j) =>
        stateIndex(name, f, Array.isArray(tr.from) ? `${path}.from[${j}]` : `${path}.from`),
      );
      const kind = tr.rate !== undefined ? 'rate' : 'probability';
      const value = compile((tr.rate ?? tr.probability) as Expression, kind, `${path}.${kind}`);
      const set = assignments(tr.set, `${path}.set`, false);
      const add = assignments(tr.add, `${path}.add`, false);
      if (value?.constant !== undefined && !Number.isFinite(value.constant)) {
        problems.push(
          issue(
            'bad_number',
            `${path}.${kind}`,
            `the ${kind} "${value.source}" evaluates to ${value.constant}`,
            `a ${kind} must be a finite number; check for division by zero, overflow or the log or square root of a negative number`,
          ),
        );
      } else if (value?.constant !== undefined) {
        // Show the expression too when the value was computed from one.
        const shown = value.source === String(value.constant) ? `${value.constant}` : `"${value.source}" = ${value.constant}`;
        if (kind === 'rate' && value.constant < 0)
          problems.push(
            issue('negative_rate', `${path}.rate`, `rate ${shown} is negative`, 'rates are hazards per time unit and must be >= 0'),
          );
        if (kind === 'probability' && (value.constant < 0 || value.constant > 1)) {
          problems.push(
            issue(
              'probability_range',
              `${path}.probability`,
              `probability ${shown} is outside [0, 1]`,
              'a per-step probability lies between 0 and 1; for a hazard per time unit, use "rate" instead',
            ),
          );
        }
      }
      for (const from of froms) {
        if (from === undefined || to === undefined || value === undefined) continue;
        if (from === to) {
          problems.push(
            issue('invalid_value', path, `a transition from "${tr.to}" to itself has no effect`, 'remove it, or use a flow or an event'),
          );
          continue;
        }
        outgoing[from]?.push({ index: transitionIndex, from, to, kind, value, set, add, path });
      }
      transitionIndex++;
    });
    const dependsOn = new Set<number>();
    const dynamic = outgoing.map((list) =>
      list.some((tr) => {
        for (const d of tr.value.reads.tracks) if (d !== info.index) dependsOn.add(d);
        return tr.value.reads.time || tr.value.reads.vars.size > 0;
      }),
    );
    // Constant per-step probabilities out of one state must not add up to more than 1.
    outgoing.forEach((list, s) => {
      const total = list.reduce(
        (sum, tr) => sum + (tr.kind === 'probability' && tr.value.constant !== undefined ? tr.value.constant : 0),
        0,
      );
      if (total > 1 + 1e-12) {
        problems.push(
          issue(
            'probability_range',
            `tracks.${name}.transitions`,
            `the probabilities out of "${info.states[s]}" add up to ${total}`,
            'they are competing outcomes of one step; their sum must be <= 1',
          ),
        );
      }
    });
    tracks.push({
      name,
      index: info.index,
      states: info.states,
      initial: initial ?? 0,
      stateOffset: info.stateOffset,
      outgoing,
      dependsOn: [...dependsOn].sort((a, b) => a - b),
      dynamic,
    });
  }

  // Flows.
  const flows: FlowModel[] = [];
  scenario.flows.forEach((f, i) => {
    const path = `flows[${i}]`;
    const variable = names.vars.get(f.to);
    if (variable === undefined) {
      problems.push(issue('unknown_name', `${path}.to`, `"${f.to}" is not a variable`, suggestion(f.to, varNames, 'variables')));
    }
    const amount = compile(f.amount, 'amount', `${path}.amount`);
    const when = f.when === undefined ? undefined : compile(f.when, 'condition', `${path}.when`);
    if (variable === undefined || amount === undefined || (f.when !== undefined && when === undefined)) return;
    flows.push(when ? { variable, amount, when, path } : { variable, amount, path });
  });

  // Events.
  const events: EventModel[] = [];
  scenario.events.forEach((e, i) => {
    const path = `events[${i}]`;
    const ev: EventModel = {
      index: i,
      set: assignments(e.set, `${path}.set`, true),
      add: assignments(e.add, `${path}.add`, false),
      force: [],
      path,
    };
    if (e.at !== undefined) {
      const k = e.at / dt;
      if (e.at < 0 || e.at > horizon || Math.abs(k - Math.round(k)) > 1e-9 * Math.max(1, k)) {
        problems.push(
          issue('invalid_value', `${path}.at`, `time ${e.at} is not a step time between 0 and ${horizon}`, `use a multiple of dt = ${dt}`),
        );
      }
      ev.atStep = Math.round(k);
    } else if (e.when !== undefined) {
      const when = compile(e.when, 'condition', `${path}.when`);
      if (when) ev.when = when;
    }
    for (const [trackName, state] of Object.entries(e.force ?? {})) {
      const info = trackInfo.get(trackName);
      if (!info) {
        problems.push(
          issue('unknown_name', `${path}.force.${trackName}`, `"${trackName}" is not a track`, suggestion(trackName, trackNames, 'tracks')),
        );
        continue;
      }
      const s = stateIndex(trackName, state, `${path}.force.${trackName}`);
      if (s !== undefined) ev.force.push({ track: info.index, state: s });
    }
    events.push(ev);
  });

  // Metrics.
  const metrics: MetricModel[] = [];
  for (const [name, m] of Object.entries(scenario.metrics)) {
    const expr = compile(m.expr, 'metric', `metrics.${name}.expr`);
    if (!expr) continue;
    const metric: MetricModel = { name, expr };
    if (m.unit !== undefined) metric.unit = m.unit;
    if (m.description !== undefined) metric.description = m.description;
    metrics.push(metric);
  }
  if (metrics.length === 0 && Object.keys(scenario.metrics).length === 0) {
    warnings.push({
      ...issue('invalid_value', 'metrics', 'the scenario defines no metrics', 'add metrics such as war: { expr: ever(conflict, "war") }'),
      severity: 'warning',
    });
  }

  if (problems.length > 0) throw new GeoriskError(problems);

  warnings.push(...structuralWarnings(tracks, events));
  const staticExpr = (e: CompiledExpression | undefined) => e === undefined || (!e.reads.time && e.reads.vars.size === 0);
  const skippable = flows.every((f) => staticExpr(f.when) && staticExpr(f.amount)) && events.every((e) => staticExpr(e.when));
  return {
    scenario,
    dt,
    horizon,
    unit,
    steps,
    params: { names: paramNames, values: paramValues, uncertainty },
    vars: { names: varNames, initial: varInitial },
    tracks,
    totalStates: offset,
    flows,
    events,
    metrics,
    skippable,
    warnings,
  };
}

function distributionProblem(d: Distribution): string | undefined {
  switch (d.dist) {
    case 'uniform':
      return d.min <= d.max ? undefined : `uniform needs min <= max, got ${d.min} > ${d.max}`;
    case 'triangular':
      return d.min <= d.mode && d.mode <= d.max && d.min < d.max ? undefined : 'triangular needs min <= mode <= max and min < max';
    case 'normal':
      return d.sd >= 0 ? undefined : 'normal needs sd >= 0';
    case 'lognormal':
      return d.sigma >= 0 ? undefined : 'lognormal needs sigma >= 0';
    default:
      return undefined;
  }
}

/** Unreachable states and states with no way out, reported as warnings. */
function structuralWarnings(tracks: TrackModel[], events: EventModel[]): Issue[] {
  const out: Issue[] = [];
  for (const t of tracks) {
    const reach = new Set<number>([t.initial]);
    for (const e of events) for (const f of e.force) if (f.track === t.index) reach.add(f.state);
    const queue = [...reach];
    while (queue.length > 0) {
      const s = queue.pop() as number;
      for (const tr of t.outgoing[s] ?? []) {
        if (tr.value.constant === 0) continue;
        if (!reach.has(tr.to)) {
          reach.add(tr.to);
          queue.push(tr.to);
        }
      }
    }
    t.states.forEach((name, s) => {
      if (!reach.has(s)) {
        out.push({
          ...issue(
            'unreachable_state',
            `tracks.${t.name}.states`,
            `the state "${name}" of track "${t.name}" can never be entered`,
            'add a transition into it, or remove it',
          ),
          severity: 'warning',
        });
      }
    });
    // A state with no way out is a trap unless it is listed last, where terminal states belong.
    t.states.forEach((name, s) => {
      const closed = (t.outgoing[s] ?? []).every((tr) => tr.value.constant === 0);
      if (reach.has(s) && closed && s !== t.states.length - 1) {
        out.push({
          ...issue(
            'absorbing_trap',
            `tracks.${t.name}`,
            `the state "${name}" of track "${t.name}" has no way out`,
            'add transitions out of it, or list it last if it is meant to be final',
          ),
          severity: 'warning',
        });
      }
    });
  }
  return out;
}
