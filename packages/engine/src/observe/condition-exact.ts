/**
 * Exact conditioning of a Markov scenario on observations: forward filtering in the exact solver.
 * The joint-state distribution is stepped to each observation time, multiplied by the
 * observation's likelihood and renormalized, then stepped on to the horizon.
 */
import { exp, log } from '../det-math.ts';
import { GeoriskError, issue } from '../errors.ts';
import { MAX_BLOCK_ENTRIES } from '../exact/block.ts';
import { clampProbability } from '../exact/discrete-metric.ts';
import type { ExactMetric, ExactTrack } from '../exact/exact-result.ts';
import type { ExactSolver } from '../exact/exact-solver.ts';
import { representabilityProblems } from '../exact/representability.ts';
import type { Model } from '../model/model.ts';
import { conditionedMetrics } from './conditioned-metrics.ts';
import { ConditioningParts, type Filter, partSlots } from './conditioning-parts.ts';
import type { CheckedObservation, Observations } from './read-observations.ts';

/** One observation's probability given the ones before it, under the model. */
export interface ObservationProbability {
  name: string;
  t: number;
  probability: number;
}

/** The exactly conditioned forecast: per track, the fields of an exact analysis, and the evidence. */
export interface ExactUpdate {
  method: 'exact';
  /** Time of the last observation (or `as_of`), in the scenario's unit. */
  asOf: number;
  /** P(all observations) under the model. */
  evidence: number;
  /**
   * The joint space of the whole chain and of the largest part filtered: each track and metric is
   * conditioned in the smallest closed part holding it and everything observed.
   */
  jointStates: { space: number; largestPart: number };
  observations: ObservationProbability[];
  /**
   * Conditioned on every observation at and after `asOf`; at earlier times, occupancy and first
   * passage are conditioned on the observations up to that time (filtering, not smoothing).
   */
  tracks: Record<string, ExactTrack>;
  /** The scenario's metrics that `georisk exact` answers, conditioned on every observation. */
  metrics: Record<string, ExactMetric>;
  /** Metrics without an exact conditioned answer, with the reason (the sampled update estimates them). */
  unavailable: Record<string, string>;
  notes: string[];
}

/** Why a scenario with these observations cannot be conditioned exactly, or undefined when it can. */
export function exactConditioningProblem(model: Model, observed: Observations): string | undefined {
  const problems = representabilityProblems(model);
  if (problems.length > 0) return `the scenario is not a Markov chain (${problems[0]!.path}: ${problems[0]!.message})`;
  const variable = observed.list.find((o) => o.kind === 'variable');
  if (variable !== undefined) return `${variable.name} observes a variable, which accumulates along each trial`;
  return undefined;
}

/**
 * Conditions a Markov scenario exactly on track and event observations; throws `not_markov` when
 * it cannot, and `impossible_observation` naming the first observation with probability zero.
 * @example conditionExact(buildModel(scenario), readObservations(text, model)).tracks.conflict.final
 */
export function conditionExact(model: Model, observed: Observations): ExactUpdate {
  const problem = exactConditioningProblem(model, observed);
  if (problem !== undefined) {
    throw new GeoriskError([issue('not_markov', '', `cannot condition exactly: ${problem}`, 'use the sampled update (method smc)')]);
  }
  const parts = new ConditioningParts(model, observed);
  // Each track's answers come from the smallest part that holds it and everything observed.
  const groups = parts.trackGroups();
  // Filled slot by slot below: every track is in exactly one group, so every slot gets its part's arrays.
  const occupancy: Float64Array[] = new Array(model.totalStates);
  const never: (Float64Array | undefined)[] = new Array(model.totalStates).fill(undefined);
  const finals = new Map<ExactSolver, Map<number, number>>();
  const notes: string[] = [];
  let evidence: { probabilities: ObservationProbability[]; logEvidence: number } | undefined;
  for (const [solver, tracks] of groups) {
    const filtered = filterPart(parts.filter(solver), tracks);
    for (const [local, slot] of filtered.slots.entries()) {
      occupancy[slot] = filtered.occupancy[local]!;
      never[slot] = filtered.never?.[local];
    }
    finals.set(solver, filtered.final);
    // Every part holds the observed part, so each gives the same evidence; the first is reported.
    evidence ??= filtered;
    if (filtered.never === undefined) {
      notes.push(
        `the joint state space of ${tracks.map((t) => t.name).join(', ')} (${solver.space.size} states) is too large to give "ever" and first passage under conditioning`,
      );
    }
  }
  const { metrics, unavailable } = conditionedMetrics(model, parts, { occupancy, finals });
  const uncertain = model.params.names.filter((_, i) => model.params.uncertainty[i] !== undefined);
  if (uncertain.length > 0) {
    notes.push(
      `the exact conditional holds ${uncertain.length} parameters with an uncertainty distribution at their values (${uncertain.join(', ')}); the sampled update draws them, so the two differ by more than sampling error where those priors matter`,
    );
  }
  const { probabilities, logEvidence } = evidence ?? { probabilities: [], logEvidence: 0 };
  return {
    method: 'exact',
    asOf: observed.asOfStep * model.dt,
    evidence: exp(logEvidence),
    jointStates: parts.jointStates,
    observations: probabilities,
    tracks: trackResults(model, occupancy, never),
    metrics,
    unavailable,
    notes,
  };
}

/** One part's filtered propagation: occupancy and "never entered" per slot of its tracks, its final distribution and the evidence. */
interface FilteredPart {
  /** The model slots of the part's tracks, in the order of the arrays below. */
  slots: number[];
  occupancy: Float64Array[];
  /** Undefined when the block with one distribution per slot would be too large. */
  never: Float64Array[] | undefined;
  final: Map<number, number>;
  probabilities: ObservationProbability[];
  logEvidence: number;
}

/**
 * Forward filtering in one part: the joint distribution is stepped to each observation time,
 * multiplied by the observation's likelihood and renormalized, then stepped on to the horizon. One
 * "never entered" distribution per state of `tracks` rides with the base one when it fits.
 */
function filterPart(f: Filter, tracks: Model['tracks']): FilteredPart {
  const { model, solver, observed, likelihoods } = f;
  const { slots, slotsOf } = partSlots(solver, tracks);
  const riding = (1 + slots.length) * solver.space.size <= MAX_BLOCK_ENTRIES;
  const k = riding ? 1 + slots.length : 1;
  const n = model.steps;
  const occupancy = slots.map(() => new Float64Array(n + 1));
  const never = riding ? slots.map(() => new Float64Array(n + 1)) : undefined;
  const probabilities: ObservationProbability[] = [];
  let logEvidence = 0;
  const pair = solver.initial(k, k, undefined);
  let next = 0;
  const observe = (m: number) => {
    for (; next < observed.list.length && observed.list[next]!.step === m; next++) {
      const o = observed.list[next]!;
      const mass = weigh(pair.cur, k, likelihoods[next]!);
      if (!(mass > 0)) throw impossible(o);
      probabilities.push({ name: o.name, t: m * model.dt, probability: mass });
      logEvidence += log(mass);
    }
  };
  const mass = new Float64Array(n + 1);
  const records = { slotsOf, occupancy, never, mass };
  observe(0);
  recordStep(pair.cur, k, 0, records);
  for (let m = 0; m < n; m++) {
    solver.advance(pair, m, undefined);
    observe(m + 1);
    recordStep(pair.cur, k, m + 1, records);
  }
  // As shares of the base's mass, summed in the same order: a state nobody can have entered yet
  // keeps every path, so its share is exactly 1 (and its first passage exactly 0), not 1 − 1e-16.
  for (const notEntered of never ?? []) for (let m = 0; m <= n; m++) if (mass[m]! > 0) notEntered[m]! /= mass[m]!;
  return { slots, occupancy, never, final: pair.cur.distribution(0), probabilities, logEvidence };
}

/** The error for an observation with probability zero given the ones before it. */
function impossible(o: CheckedObservation): GeoriskError {
  return new GeoriskError([
    issue(
      'impossible_observation',
      `observations[${o.index}]`,
      `${o.name} has probability zero under the model, given the observations before it`,
      'check it against the scenario (its states, rates and events), or widen it',
    ),
  ]);
}

/**
 * Step 5 of the filtered propagation at time index m: occupancy from the base distribution; each
 * "never entered" distribution loses its mass inside its (track, state) and records what is left.
 */
function recordStep(
  cur: { p: Float64Array; support: Int32Array; count: number },
  k: number,
  m: number,
  records: { slotsOf: Int32Array[]; occupancy: Float64Array[]; never: Float64Array[] | undefined; mass: Float64Array },
): void {
  const { slotsOf, occupancy, never, mass } = records;
  for (let a = 0; a < cur.count; a++) {
    const index = cur.support[a]!;
    const at = index * k;
    const p = cur.p[at]!;
    mass[m]! += p;
    for (const slotOf of slotsOf) occupancy[slotOf[index]!]![m]! += p;
    if (never === undefined) continue;
    for (let v = 1; v < k; v++) {
      const q = cur.p[at + v]!;
      if (q === 0) continue;
      let inside = false;
      for (const slotOf of slotsOf) if (slotOf[index] === v - 1) inside = true;
      if (inside) cur.p[at + v] = 0;
      else never[v - 1]![m]! += q;
    }
  }
}

/** Multiplies every distribution of the block by the likelihood, renormalizes by the base's mass, and returns that mass. */
function weigh(block: { p: Float64Array; support: Int32Array; count: number }, k: number, likelihood: Float64Array): number {
  let mass = 0;
  for (let a = 0; a < block.count; a++) {
    const i = block.support[a]!;
    const l = likelihood[i]!;
    for (let v = 0; v < k; v++) block.p[i * k + v]! *= l;
    mass += block.p[i * k]!;
  }
  if (!(mass > 0)) return mass;
  for (let a = 0; a < block.count; a++) {
    const at = block.support[a]! * k;
    for (let v = 0; v < k; v++) block.p[at + v]! /= mass;
  }
  return mass;
}

/** Per track: final, ever, occupancy and first passage from the filtered propagation. */
function trackResults(model: Model, occupancy: Float64Array[], never: (Float64Array | undefined)[]): Record<string, ExactTrack> {
  const tracks: Record<string, ExactTrack> = {};
  for (const t of model.tracks) {
    const out: ExactTrack = { states: [...t.states], final: {}, ever: {}, occupancy: {}, firstPassage: {} };
    t.states.forEach((name, s) => {
      const slot = t.stateOffset + s;
      const occ = occupancy[slot]!;
      out.occupancy[name] = Array.from(occ, clampProbability);
      out.final[name] = clampProbability(occ[model.steps]!);
      const notEntered = never[slot];
      if (notEntered === undefined) return;
      const cumulative = Array.from(notEntered, (q) => clampProbability(1 - q));
      const reached = cumulative[model.steps]!;
      out.ever[name] = reached;
      out.firstPassage[name] = { reached, censored: 1 - reached, cumulative };
    });
    tracks[t.name] = out;
  }
  return tracks;
}
