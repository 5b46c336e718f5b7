/**
 * Exact analysis: when every rate depends only on parameters, track states and time, the joint
 * track state is a finite Markov chain, and its distribution can be propagated step by step under
 * the same one-step rule the Monte Carlo samples. That gives the "infinite trials" answer: per
 * track final, ever and occupancy; first-passage distributions; exact means of variables fed by
 * flows; and the effect of events.
 *
 * The chain is sparse: only joint states with positive probability are visited, and each one's
 * successors (every combination of the tracks' moves, with events applied) are computed once and
 * reused while nothing they depend on changes. `ever` and `first` come from "taboo" propagations:
 * the same chain with the mass that enters the state removed as it enters.
 */

import { defined } from '../defined.ts';
import { GeoriskError } from '../errors.ts';
import { explainRuntimeIssues } from '../model/explain-runtime-issues.ts';
import { buildModel, type Model, type Overrides } from '../model/model.ts';
import { scenarioHash } from '../results.ts';
import type { ScenarioDocument } from '../scenario-schema.ts';
import { ENGINE_VERSION } from '../version.ts';
import { clampProbability } from './discrete-metric.ts';
import { exactMetric, type MetricContext } from './exact-metric.ts';
import type { ExactMetric, ExactOptions, ExactResult, ExactTrack } from './exact-result.ts';
import { metricScope } from './metric-answers.ts';
import type { BaseRun } from './part-solvers.ts';
import { PartSolvers } from './part-solvers.ts';
import { representabilityProblems, variableStatus } from './representability.ts';

/** Joint spaces up to this size get ever and first passage for every state by default. */
const EVERY_STATE_LIMIT = 50_000;

/**
 * Solves a scenario exactly; throws `GeoriskError` (`not_markov`) naming every expression that
 * prevents it.
 * @example const exact = analyzeExact(loadScenarioText(text).scenario); exact.metrics.war_reached.mean
 */
export function analyzeExact(scenario: ScenarioDocument, overrides: Overrides = {}, options: ExactOptions = {}): ExactResult {
  const started = performance.now();
  const model = buildModel(scenario, overrides);
  try {
    return solveModel(model, overrides, options, started);
  } catch (error) {
    if (error instanceof GeoriskError) throw new GeoriskError(explainRuntimeIssues(model, error.issues));
    throw error;
  }
}

function solveModel(model: Model, overrides: Overrides, options: ExactOptions, started: number): ExactResult {
  const problems = representabilityProblems(model);
  if (problems.length > 0) throw new GeoriskError(problems);
  const variables = variableStatus(model);
  const parts = new PartSolvers(model, variables);
  const notes = uncertaintyNotes(model);
  // Solving for some metrics: only the parts they read, with only their first passages.
  const scope = options.metrics === undefined ? undefined : metricScope(model, options.metrics);
  // ever and first by taboo propagation: of every (track, state) unless the space is large, then
  // only of those the metrics read.
  const everyState = scope === undefined && (options.everyState ?? parts.fullSize <= EVERY_STATE_LIMIT);
  const needed =
    scope?.firstPassages ?? new Set(model.metrics.flatMap((m) => m.expr.metricCalls.filter((c) => c.fn !== 'time_in').map((c) => c.slot)));
  const base = parts.baseRun((slot) => everyState || needed.has(slot), scope?.only);
  if (scope !== undefined) {
    notes.push(
      `solved for ${scope.chosen.length === 1 ? 'the metric' : 'the metrics'} ${scope.chosen.map((m) => m.name).join(', ')} only: the tracks they read, with "ever" and first passage of the states they read`,
    );
  } else if (!everyState) {
    notes.push(
      `the joint state space is large (${parts.fullSize.toLocaleString('en-US')} states), so "ever" and first-passage results are given only for the states the metrics read; pass everyState to get them all`,
    );
  }
  const solved = scope === undefined ? model.tracks : model.tracks.filter((t) => scope.only.tracks.has(t.index));
  const tracks = trackResults(solved, base, model.steps);
  const { metrics, unavailable } = metricResults(model, scope?.chosen ?? model.metrics, {
    base,
    firstPmf: base.firstPmf,
    variables,
    parts,
  });
  const hash = scenarioHash(model);
  return {
    scenario:
      model.scenario.title === undefined ? { id: model.scenario.id, hash } : { id: model.scenario.id, title: model.scenario.title, hash },
    engine: { version: ENGINE_VERSION },
    horizon: model.horizon,
    dt: model.dt,
    unit: model.unit,
    overrides,
    tracks,
    metrics,
    unavailable,
    notes,
    jointStates: { space: parts.fullSize, largestPart: parts.largestPart, largestSupport: parts.largestSupport },
    timing: { seconds: (performance.now() - started) / 1000 },
  };
}

/** A note for each parameter whose uncertainty the exact answer holds at its value. */
function uncertaintyNotes(model: Model): string[] {
  const notes: string[] = [];
  model.params.uncertainty.forEach((d, i) => {
    if (d !== undefined) {
      notes.push(
        `parameter "${model.params.names[i]}" has an uncertainty distribution (${d.dist}); this is the exact answer at ${model.params.values[i]}; for the answer averaged over that uncertainty, georisk run samples it and georisk run --exact also solves it exactly`,
      );
    }
  });
  return notes;
}

/** Per track solved: final, ever, occupancy and first passage of each state, from the base run. */
function trackResults(solved: Model['tracks'], base: BaseRun, steps: number): Record<string, ExactTrack> {
  const tracks: Record<string, ExactTrack> = {};
  for (const t of solved) {
    const out: ExactTrack = { states: [...t.states], final: {}, ever: {}, occupancy: {}, firstPassage: {} };
    t.states.forEach((name, s) => {
      const occupancy = defined(base.occupancy[t.stateOffset + s], 'an occupancy for each track state');
      out.occupancy[name] = Array.from(occupancy);
      out.final[name] = clampProbability(defined(occupancy[steps], 'an occupancy for each step'));
      const pmf = base.firstPmf.get(t.stateOffset + s);
      if (pmf === undefined) return;
      const cumulative: number[] = [];
      let reached = 0;
      // One probability per step 0…steps.
      for (const p of pmf) cumulative.push((reached += p));
      reached = clampProbability(reached);
      out.ever[name] = reached;
      out.firstPassage[name] = { reached, censored: 1 - reached, cumulative };
    });
    tracks[t.name] = out;
  }
  return tracks;
}

/** Each chosen metric's exact answer (with its unit and description), or the reason it has none. */
function metricResults(
  model: Model,
  chosen: Model['metrics'],
  ctx: MetricContext,
): { metrics: Record<string, ExactMetric>; unavailable: Record<string, string> } {
  const metrics: Record<string, ExactMetric> = {};
  const unavailable: Record<string, string> = {};
  for (const m of chosen) {
    const answer = exactMetric(model, m.expr, ctx);
    if (typeof answer === 'string') {
      unavailable[m.name] = answer;
      continue;
    }
    if (m.unit !== undefined) answer.unit = m.unit;
    if (m.description !== undefined) answer.description = m.description;
    metrics[m.name] = answer;
  }
  return { metrics, unavailable };
}
