/**
 * Builds a runnable model from a checked scenario document: resolves every name, compiles every
 * expression, and reports all cross-reference problems at once. The model holds closures, so it
 * never crosses a worker boundary; workers build their own from the scenario (it takes microseconds).
 */
import { DOCUMENT_SUGGESTION_CELLS, GeoriskError, type Issue, issue } from '../errors.ts';
import { calendarOf } from '../expression/calendar.ts';
import type { CompiledExpression, NameTable } from '../expression/expression.ts';
import type { Distribution, ScenarioDocument } from '../scenario-schema.ts';
import { checkAtParameterValues } from './check-at-parameter-values.ts';
import { explainRuntimeIssues } from './explain-runtime-issues.ts';
import { buildEvents, buildFlows, buildMetrics } from './model-behaviour.ts';
import { ModelIssues, ModelNames } from './model-context.ts';
import { declareParameters, declareTracks, declareVariables } from './model-declarations.ts';
import { buildTracks } from './model-tracks.ts';
import { type StreamKeys, streamKeys } from './stream-keys.ts';
import { structuralWarnings } from './structural-warnings.ts';

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
  /** A timed event applied after the condition events due at its time (the snapshots of `georisk update`). */
  afterConditions?: boolean;
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
  /** The key of each component's random stream (stable under edits elsewhere in the document). */
  streams: StreamKeys;
  warnings: Issue[];
}

/** Parameter values to use instead of the defaults. */
export type Overrides = Record<string, number>;

/**
 * Compiles a scenario; throws `GeoriskError` listing every problem.
 * @example const model = buildModel(loadScenarioText(text).scenario, { ceasefire_rate: 0.3 })
 */
export function buildModel(scenario: ScenarioDocument, overrides: Overrides = {}): Model {
  const issues = new ModelIssues();
  const { dt, horizon, unit } = scenario.time;
  const steps = checkTime(scenario, issues);
  // Names: one namespace for parameters, variables and tracks.
  const params = declareParameters(scenario, overrides, issues);
  const vars = declareVariables(scenario, issues);
  const declared = declareTracks(scenario, issues);
  const table: NameTable = {
    params: new Map(params.names.map((n, i) => [n, i])),
    vars: new Map(vars.names.map((n, i) => [n, i])),
    tracks: declared.info,
    dt,
    horizon,
    calendar: calendarOf(scenario.start, unit),
    suggestions: { cells: DOCUMENT_SUGGESTION_CELLS },
  };
  const names = new ModelNames(issues, table, params.names, vars.names, declared.names);
  const tracks = buildTracks(scenario, names, issues);
  const flows = buildFlows(scenario, names, issues);
  const events = buildEvents(scenario, names, issues);
  const metrics = buildMetrics(scenario, names, issues);
  if (issues.problems.length > 0) throw new GeoriskError(issues.problems);

  const warnings = issues.warnings;
  warnings.push(...structuralWarnings(tracks, events));
  const staticExpr = (e: CompiledExpression | undefined) => e === undefined || (!e.reads.time && e.reads.vars.size === 0);
  const skippable = flows.every((f) => staticExpr(f.when) && staticExpr(f.amount)) && events.every((e) => staticExpr(e.when));
  const model: Model = {
    scenario,
    dt,
    horizon,
    unit,
    steps,
    params,
    vars,
    tracks,
    totalStates: declared.totalStates,
    flows,
    events,
    metrics,
    skippable,
    streams: streamKeys(
      scenario,
      params.names,
      tracks.map((t) => t.name),
      metrics.map((m) => m.name),
    ),
    warnings,
  };
  // A rate or probability that is wrong at these values fails every trial that reaches its state.
  const atValues = checkAtParameterValues(model);
  if (atValues.length > 0) throw new GeoriskError(explainRuntimeIssues(model, atValues));
  return model;
}

/** The number of steps per trial: the horizon must be a whole number of steps, and not too many. */
function checkTime(scenario: ScenarioDocument, issues: ModelIssues): number {
  const { dt, horizon } = scenario.time;
  const stepsExact = horizon / dt;
  const steps = Math.round(stepsExact);
  if (Math.abs(stepsExact - steps) > 1e-9 * Math.max(1, steps)) {
    issues.problems.push(
      issue(
        'bad_time',
        'time.horizon',
        `horizon ${horizon} is not a whole number of steps of ${dt}`,
        `use a horizon that is a multiple of dt, e.g. ${Math.max(1, Math.round(stepsExact)) * dt}`,
      ),
    );
  }
  if (steps > MAX_STEPS) {
    issues.problems.push(
      issue(
        'bad_time',
        'time.horizon',
        `${steps} steps per trial is more than the limit of ${MAX_STEPS}`,
        'use a larger dt or a shorter horizon',
      ),
    );
  }
  return steps;
}
