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

import * as dm from './det-math.ts';
import { samplerMean } from './distributions.ts';
import { GeoriskError, type Issue, issue } from './errors.ts';
import type { CompiledExpression, EvalState } from './expression.ts';
import {
  type Assignment,
  buildModel,
  type CompiledTransition,
  type EventModel,
  type Model,
  type Overrides,
  type TrackModel,
} from './model.ts';
import { scenarioHash } from './results.ts';
import { TrialStream } from './rng.ts';
import type { ScenarioDocument } from './scenario-schema.ts';
import { QUANTILES, type QuantileName } from './summarize.ts';
import { ENGINE_VERSION } from './version.ts';

/**
 * Largest joint state space (track states × condition-event flags) the solver accepts: it holds
 * distributions densely (8 bytes a state), and a chain this large takes minutes per solve anyway.
 */
export const MAX_EXACT_STATES = 1 << 22;
/** Most condition events (each doubles the state space with its "has fired" flag). */
const MAX_CONDITION_EVENTS = 12;

/** An exact answer for one metric. */
export interface ExactMetric {
  mean: number;
  /** `distribution` when the whole distribution is known, `mean` when only the mean is. */
  exactness: 'distribution' | 'mean';
  sd?: number;
  /** For metrics whose values are 0 or 1. */
  probability?: number;
  quantiles?: Record<QuantileName, number>;
  distribution?: { values: number[]; probabilities: number[] };
  /** For `first(...)` metrics: the probability of never entering within the horizon. */
  censored?: number;
  unit?: string;
  description?: string;
}

/** What one track does, exactly (the same fields as a Monte Carlo run, without intervals). */
export interface ExactTrack {
  states: string[];
  final: Record<string, number>;
  ever: Record<string, number>;
  occupancy: Record<string, number[]>;
  firstPassage: Record<string, { reached: number; censored: number; cumulative: number[] }>;
}

/** The result of `analyzeExact`, shaped like a Monte Carlo result. */
export interface ExactResult {
  scenario: { id: string; title?: string; hash: string };
  engine: { version: string };
  horizon: number;
  dt: number;
  unit: 'day' | 'hour';
  overrides: Overrides;
  tracks: Record<string, ExactTrack>;
  metrics: Record<string, ExactMetric>;
  /** Metrics without an exact answer here, with the reason (Monte Carlo still estimates them). */
  unavailable: Record<string, string>;
  /** Caveats, e.g. parameters whose uncertainty is held at a fixed value. */
  notes: string[];
  /**
   * Size of the whole joint state space; of the largest closed part actually solved (tracks that
   * nothing else moves are solved apart, see `closedPart`); and the most joint states of a part
   * that had probability at once.
   */
  jointStates: { space: number; largestPart: number; largestSupport: number };
  timing: { seconds: number };
}

/** Options of `analyzeExact`. */
export interface ExactOptions {
  /** Compute ever and first passage for every (track, state), not only those metrics read (default: when the space is small). */
  everyState?: boolean;
}

/** Joint spaces up to this size get ever and first passage for every state by default. */
const EVERY_STATE_LIMIT = 50_000;

/** A joint state: track states plus the "has fired" flags of condition events. */
interface Space {
  tracks: TrackModel[];
  strides: Int32Array;
  trackSpace: number;
  conditional: EventModel[];
  size: number;
}

/** Where a state goes in one step: successor indices and probabilities, and expected increments. */
interface Successors {
  to: Int32Array;
  p: Float64Array;
  /** Expected increase of each variable during the step (flows, transition effects, condition events). */
  increments: Float64Array;
  /**
   * Base run: the probability mass that has taken this row since its increments were last added
   * to the variable means (adding them once per row, not once per row and step, saves most of the work).
   */
  weight: number;
}

/** Successor rows by joint state: an array for spaces up to a million states, a map beyond. */
class RowCache {
  private readonly rows: (Successors | undefined)[] | undefined;
  private readonly map: Map<number, Successors> | undefined;

  constructor(size: number) {
    if (size <= 1 << 20) this.rows = new Array<Successors | undefined>(size).fill(undefined);
    else this.map = new Map();
  }

  get(i: number): Successors | undefined {
    return this.rows === undefined ? this.map?.get(i) : this.rows[i];
  }

  set(i: number, row: Successors): void {
    if (this.rows === undefined) this.map?.set(i, row);
    else this.rows[i] = row;
  }

  clear(): void {
    this.rows?.fill(undefined);
    this.map?.clear();
  }
}

/** A set of (track, state) pairs: "in any of these states". */
type Taboo = { track: number; state: number }[];

/** Some tracks (in declaration order) and the condition events that can move them. */
interface Part {
  tracks: TrackModel[];
  events: EventModel[];
}

/**
 * The smallest part of the model that contains `seeds` and moves on its own: every track whose
 * state a part's transitions read, and every condition event that forces a part's track (with the
 * tracks its condition reads), added until nothing more is. First passages and "ever" flags of
 * the seed tracks are the same in the part as in the whole chain, which can be far smaller:
 * in the 2022 scenario, the conflict and mediation tracks with one event are 42 joint states of 504.
 */
export function closedPart(model: Model, seeds: Iterable<number>, seedEvents: Iterable<EventModel> = []): Part {
  const inPart = new Set(seeds);
  const conditional = model.events.filter((e) => e.atStep === undefined);
  const events = new Set<EventModel>();
  for (const e of seedEvents) {
    if (e.atStep !== undefined) continue;
    events.add(e);
    for (const r of (e.when as CompiledExpression).reads.tracks) inPart.add(r);
  }
  for (let grew = true; grew; ) {
    grew = false;
    const add = (track: number) => {
      if (inPart.has(track)) return;
      inPart.add(track);
      grew = true;
    };
    for (const t of inPart.size > 0 ? [...inPart] : []) {
      for (const list of (model.tracks[t] as TrackModel).outgoing) for (const tr of list) for (const r of tr.value.reads.tracks) add(r);
    }
    for (const e of conditional) {
      if (events.has(e) || !e.force.some((f) => inPart.has(f.track))) continue;
      events.add(e);
      grew = true;
      for (const r of (e.when as CompiledExpression).reads.tracks) add(r);
    }
  }
  return { tracks: model.tracks.filter((t) => inPart.has(t.index)), events: conditional.filter((e) => events.has(e)) };
}

/** The tracks and condition events a variable's mean depends on: whatever changes it, and what that reads. */
function variableSeeds(model: Model, v: number): { tracks: number[]; events: EventModel[] } {
  const tracks = new Set<number>();
  const events: EventModel[] = [];
  const reads = (e: CompiledExpression | undefined) => {
    for (const t of e?.reads.tracks ?? []) tracks.add(t);
  };
  for (const f of model.flows) {
    if (f.variable !== v) continue;
    reads(f.when);
    reads(f.amount);
  }
  for (const t of model.tracks) {
    for (const list of t.outgoing) {
      for (const tr of list) {
        for (const a of [...tr.add, ...tr.set]) {
          if (a.target.kind !== 'var' || a.target.index !== v) continue;
          tracks.add(t.index);
          reads(a.value);
        }
      }
    }
  }
  for (const e of model.events) {
    const mine = [...e.add, ...e.set].filter((a) => a.target.kind === 'var' && a.target.index === v);
    if (mine.length === 0) continue;
    if (e.atStep === undefined) events.push(e);
    for (const a of mine) reads(a.value);
  }
  return { tracks: [...tracks], events };
}

/** Whether part `inner` lies within part `outer`. */
function within(inner: Part, outer: Part): boolean {
  return inner.tracks.every((t) => outer.tracks.includes(t)) && inner.events.every((e) => outer.events.includes(e));
}

/** Why a variable's mean is not exact, or undefined when it is. */
type VariableStatus = (string | undefined)[];

/**
 * Solves a scenario exactly; throws `GeoriskError` (`not_markov`) naming every expression that
 * prevents it.
 * @example const exact = analyzeExact(loadScenarioText(text).scenario); exact.metrics.war_reached.mean
 */
export function analyzeExact(scenario: ScenarioDocument, overrides: Overrides = {}, options: ExactOptions = {}): ExactResult {
  const started = performance.now();
  const model = buildModel(scenario, overrides);
  const problems = representabilityProblems(model);
  if (problems.length > 0) throw new GeoriskError(problems);
  const variables = variableStatus(model);
  const parts = new PartSolvers(model, variables);
  const notes: string[] = [];
  model.params.uncertainty.forEach((d, i) => {
    if (d !== undefined) {
      notes.push(
        `parameter "${model.params.names[i]}" has an uncertainty distribution (${d.dist}); this is the exact answer at ${model.params.values[i]}, and the answer averaged over the uncertainty needs sampling (georisk run)`,
      );
    }
  });
  // ever and first by taboo propagation: of every (track, state) unless the space is large, then
  // only of those the metrics read.
  const everyState = options.everyState ?? parts.fullSize <= EVERY_STATE_LIMIT;
  const needed = new Set(model.metrics.flatMap((m) => m.expr.metricCalls.filter((c) => c.fn !== 'time_in').map((c) => c.slot)));
  const base = parts.baseRun((slot) => everyState || needed.has(slot));
  const firstPmf = base.firstPmf;
  if (!everyState) {
    notes.push(
      `the joint state space is large (${parts.fullSize.toLocaleString('en-US')} states), so "ever" and first-passage results are given only for the states the metrics read; pass everyState to get them all`,
    );
  }
  const tracks: Record<string, ExactTrack> = {};
  for (const t of model.tracks) {
    const out: ExactTrack = { states: [...t.states], final: {}, ever: {}, occupancy: {}, firstPassage: {} };
    t.states.forEach((name, s) => {
      const occupancy = base.occupancy[t.stateOffset + s] as Float64Array;
      out.occupancy[name] = Array.from(occupancy);
      out.final[name] = clampProbability(occupancy[model.steps] as number);
      const pmf = firstPmf.get(t.stateOffset + s);
      if (pmf === undefined) return;
      const cumulative: number[] = [];
      let reached = 0;
      for (let k = 0; k <= model.steps; k++) cumulative.push((reached += pmf[k] as number));
      reached = clampProbability(reached);
      out.ever[name] = reached;
      out.firstPassage[name] = { reached, censored: 1 - reached, cumulative };
    });
    tracks[t.name] = out;
  }
  const metrics: Record<string, ExactMetric> = {};
  const unavailable: Record<string, string> = {};
  for (const m of model.metrics) {
    const answer = exactMetric(model, m.expr, { base, firstPmf, variables, parts });
    if (typeof answer === 'string') {
      unavailable[m.name] = answer;
      continue;
    }
    if (m.unit !== undefined) answer.unit = m.unit;
    if (m.description !== undefined) answer.description = m.description;
    metrics[m.name] = answer;
  }
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

/** Sums of many probabilities can stray from [0, 1] by rounding; a probability is reported inside it. */
function clampProbability(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/** Everything that stops the joint track state from being a Markov chain, as issues. */
export function representabilityProblems(model: Model): Issue[] {
  const out: Issue[] = [];
  const varName = (i: number) => model.vars.names[i] ?? `#${i}`;
  const readsVars = (e: CompiledExpression | undefined) => (e ? [...e.reads.vars].map(varName) : []);
  const problem = (path: string, message: string) =>
    out.push(
      issue(
        'not_markov',
        path,
        message,
        'use Monte Carlo (georisk run) for this scenario, or make it depend on track states, parameters and time only',
      ),
    );
  for (const t of model.tracks) {
    const seen = new Set<number>();
    for (const list of t.outgoing) {
      for (const tr of list) {
        if (seen.has(tr.index)) continue;
        seen.add(tr.index);
        for (const v of readsVars(tr.value))
          problem(`${tr.path}.${tr.kind}`, `reads variable "${v}", whose value accumulates along each trial`);
      }
    }
  }
  const conditional = model.events.filter((e) => e.atStep === undefined);
  for (const e of model.events) {
    if (e.when)
      for (const v of readsVars(e.when)) problem(`${e.path}.when`, `reads variable "${v}", so when it fires differs between trials`);
    for (const a of e.set) {
      if (a.target.kind !== 'param') continue;
      const varies = e.atStep === undefined || a.value.reads.random || a.value.reads.vars.size > 0 || a.value.reads.tracks.size > 0;
      if (varies) problem(`${e.path}.set`, `sets parameter "${model.params.names[a.target.index]}" to a value that differs between trials`);
    }
  }
  if (conditional.length > MAX_CONDITION_EVENTS) {
    problem('events', `${conditional.length} condition events; exact analysis handles at most ${MAX_CONDITION_EVENTS}`);
  }
  const trackSpace = model.tracks.reduce((n, t) => n * t.states.length, 1);
  const size = trackSpace * 2 ** Math.min(conditional.length, 30);
  if (size > MAX_EXACT_STATES) {
    problem(
      'tracks',
      `the joint state space has ${size.toExponential(2)} states; exact analysis handles at most ${MAX_EXACT_STATES.toExponential(2)}`,
    );
  }
  return out;
}

/** Whether each variable's mean can be computed exactly (undefined) or why not. */
function variableStatus(model: Model): VariableStatus {
  const out: VariableStatus = model.vars.names.map(() => undefined);
  const mark = (v: number, why: string) => {
    out[v] ??= why;
  };
  for (const f of model.flows) {
    if (f.when && f.when.reads.vars.size > 0) mark(f.variable, `its flow ${f.path} runs on a condition that reads variables`);
    if (!expectable(f.amount)) mark(f.variable, `the amount of ${f.path} has no closed-form mean`);
  }
  for (const t of model.tracks) {
    for (const list of t.outgoing) {
      for (const tr of list) {
        for (const a of tr.set) if (a.target.kind === 'var') mark(a.target.index, `${tr.path} sets it to a new value`);
        for (const a of tr.add)
          if (a.target.kind === 'var' && !expectable(a.value)) mark(a.target.index, `the amount ${tr.path} adds has no closed-form mean`);
      }
    }
  }
  for (const e of model.events) {
    for (const a of [...e.set, ...e.add]) {
      if (a.target.kind !== 'var') continue;
      if (!expectable(a.value)) mark(a.target.index, `the value ${e.path} gives it has no closed-form mean`);
      if (e.atStep === undefined && e.set.includes(a)) mark(a.target.index, `${e.path} sets it when a condition first holds`);
    }
  }
  return out;
}

/** True when E[expression | state] has a closed form: no variables, and randomness only as one draw at the root. */
function expectable(e: CompiledExpression): boolean {
  if (e.reads.vars.size > 0) return false;
  if (!e.reads.random) return true;
  return e.sampler !== undefined && !e.sampler.argsRandom;
}

/** E[expression | state], for expressions that pass `expectable`. */
function expectation(e: CompiledExpression, s: EvalState): number {
  if (e.constant !== undefined) return e.constant;
  if (e.sampler !== undefined && e.reads.random) {
    return samplerMean(
      e.sampler.name,
      e.sampler.args.map((a) => a(s)),
    );
  }
  return e.fn(s);
}

interface Propagation {
  /** Per (track, state) slot, P(in that state) at each time index 0..steps. */
  occupancy: Float64Array[];
  /** Per variable, its exact mean at the horizon (NaN where not exact). */
  variableMeans: Float64Array;
  /** Final distribution over joint states (index → probability). */
  final: Map<number, number>;
  /** Expected time spent in each slot over the horizon. */
  timeIn: Float64Array;
  /** P(first entry at time index m) for each taboo asked of the run. */
  firstPmf: Float64Array[];
}

class ExactSolver {
  readonly space: Space;
  largestSupport = 0;
  private readonly s: EvalState;
  private readonly timeDependent: boolean;
  private readonly params: Float64Array;
  private readonly cache: RowCache;
  private readonly foldedCache: RowCache;
  /** Base run: rows whose increments still owe the variable means their accumulated weight. */
  private owed: Successors[] = [];
  /** Time indices at which timed events apply. */
  private readonly timedSteps: Set<number>;
  private cacheGeneration = 0;
  /** The variables whose means this part determines (everything that changes them lies within it). */
  readonly meanVars: Set<number>;

  /**
   * A solver over a closed part of the chain (see `closedPart`): some tracks and the condition
   * events that move them, which nothing outside the part moves. It answers for the part's own
   * tracks and for the variables whose changes lie within it (`meanVars`).
   */
  constructor(
    private readonly model: Model,
    part: Part,
    variableParts: readonly (Part | undefined)[],
  ) {
    const tracks = part.tracks;
    this.meanVars = new Set(variableParts.flatMap((vp, v) => (vp !== undefined && within(vp, part) ? [v] : [])));
    const strides = new Int32Array(tracks.length);
    let trackSpace = 1;
    for (let i = tracks.length - 1; i >= 0; i--) {
      strides[i] = trackSpace;
      trackSpace *= (tracks[i] as TrackModel).states.length;
    }
    const conditional = part.events;
    this.space = { tracks, strides, trackSpace, conditional, size: trackSpace * 2 ** conditional.length };
    this.cache = new RowCache(this.space.size);
    this.foldedCache = new RowCache(this.space.size);
    this.params = new Float64Array(model.params.values);
    this.s = {
      p: this.params,
      v: new Float64Array(model.vars.names.length),
      k: new Int32Array(model.tracks.length),
      t: 0,
      rng: new TrialStream(0),
      ever: new Uint8Array(model.totalStates),
      first: new Float64Array(model.totalStates),
      timeIn: new Float64Array(model.totalStates),
    };
    const readsTime = (e: CompiledExpression | undefined) => e?.reads.time === true;
    this.timeDependent =
      tracks.some((t) =>
        t.outgoing.some((list) => list.some((tr) => readsTime(tr.value) || [...tr.add, ...tr.set].some((a) => readsTime(a.value)))),
      ) ||
      model.flows.some((f) => readsTime(f.when) || readsTime(f.amount)) ||
      conditional.some((e) => readsTime(e.when) || [...e.add, ...e.set].some((a) => readsTime(a.value)));
    this.timedSteps = new Set(model.events.flatMap((e) => (e.atStep === undefined ? [] : [e.atStep])));
  }

  private decode(index: number): number {
    const { tracks, strides, trackSpace } = this.space;
    const trackIndex = index % trackSpace;
    for (let i = 0; i < tracks.length; i++) {
      const t = tracks[i] as TrackModel;
      this.s.k[t.index] = Math.floor(trackIndex / (strides[i] as number)) % t.states.length;
    }
    return Math.floor(index / trackSpace);
  }

  private encode(fired: number): number {
    let index = 0;
    const { tracks, strides, trackSpace } = this.space;
    for (let i = 0; i < tracks.length; i++) index += (this.s.k[(tracks[i] as TrackModel).index] as number) * (strides[i] as number);
    return index + fired * trackSpace;
  }

  /** Condition events that hold now and have not fired: applied in order, as in a trial. Returns the new fired bits. */
  private applyConditionEvents(fired: number, increments: Float64Array | undefined, weight: number): number {
    const events = this.space.conditional;
    for (let j = 0; j < events.length; j++) {
      const e = events[j] as EventModel;
      if (fired & (1 << j) || !(e.when as CompiledExpression).fn(this.s)) continue;
      fired |= 1 << j;
      if (increments) {
        for (const a of e.add) if (a.target.kind === 'var') increments[a.target.index] += weight * expectation(a.value, this.s);
      }
      for (const f of e.force) this.s.k[f.track] = f.state;
    }
    return fired;
  }

  /** One step's successors of joint state `index` at time index m: every combination of moves, before events. */
  private successors(index: number, m: number): Successors {
    if (!this.timeDependent) {
      const hit = this.cache.get(index);
      if (hit) return hit;
    }
    const { model, s } = this;
    const tracks = this.space.tracks;
    const fired = this.decode(index);
    s.t = m * model.dt;
    const increments = new Float64Array(model.vars.names.length);
    for (const f of model.flows) {
      if (!this.meanVars.has(f.variable)) continue;
      if (f.when !== undefined && !f.when.fn(s)) continue;
      increments[f.variable] += expectation(f.amount, s);
    }
    // Each track's move distribution: probabilities first, then competing rates (as in simulate.ts).
    const options: { tr: CompiledTransition | undefined; p: number }[][] = tracks.map((t) => {
      const list = t.outgoing[s.k[t.index] as number] as CompiledTransition[];
      let probability = 0;
      let hazard = 0;
      const values = list.map((tr) => {
        const x = tr.value.fn(s);
        if (tr.kind === 'rate') {
          if (!(x >= 0) || x === Number.POSITIVE_INFINITY) {
            throw new GeoriskError([
              issue('runtime_value', `${tr.path}.rate`, `the rate evaluated to ${x} at t = ${s.t}; rates must be finite and >= 0`),
            ]);
          }
          hazard += x;
        } else {
          if (!(x >= 0 && x <= 1)) {
            throw new GeoriskError([
              issue('probability_range', `${tr.path}.probability`, `the probability evaluated to ${x} at t = ${s.t}`),
            ]);
          }
          probability += x;
        }
        return x;
      });
      probability = Math.min(1, probability);
      const rateLeave = hazard > 0 ? -dm.expm1(-hazard * model.dt) : 0;
      const stay = (1 - probability) * (1 - rateLeave);
      const out: { tr: CompiledTransition | undefined; p: number }[] = [{ tr: undefined, p: stay }];
      list.forEach((tr, j) => {
        const x = values[j] as number;
        const p = tr.kind === 'probability' ? x : hazard > 0 ? ((1 - probability) * rateLeave * x) / hazard : 0;
        if (p > 0) out.push({ tr, p });
      });
      return out.filter((o) => o.p > 0);
    });
    // Transition effects read the state at the start of the step.
    const effectMeans = options.map((list) =>
      list.map((o) =>
        o.tr === undefined
          ? undefined
          : o.tr.add
              .filter((a) => a.target.kind === 'var' && this.meanVars.has(a.target.index))
              .map((a) => [a.target.index, expectation(a.value, s)] as const),
      ),
    );
    const start = Int32Array.from(s.k);
    const to: number[] = [];
    const ps: number[] = [];
    const choice = new Int32Array(tracks.length);
    const visit = (i: number, p: number) => {
      if (i === tracks.length) {
        for (let j = 0; j < tracks.length; j++) {
          const o = (options[j] as { tr: CompiledTransition | undefined; p: number }[])[choice[j] as number];
          const track = (tracks[j] as TrackModel).index;
          s.k[track] = o?.tr === undefined ? (start[track] as number) : o.tr.to;
          const effects = effectMeans[j]?.[choice[j] as number];
          if (effects) for (const [v, mean] of effects) increments[v] += p * mean;
        }
        to.push(this.encode(fired));
        ps.push(p);
        s.k.set(start);
        return;
      }
      const list = options[i] as { tr: CompiledTransition | undefined; p: number }[];
      for (let c = 0; c < list.length; c++) {
        choice[i] = c;
        visit(i + 1, p * (list[c] as { p: number }).p);
      }
    };
    visit(0, 1);
    const result: Successors = { to: Int32Array.from(to), p: Float64Array.from(ps), increments, weight: 0 };
    if (!this.timeDependent) this.cache.set(index, result);
    return result;
  }

  /**
   * Timed events at time index m, applied to whole distributions (they fire in every trial):
   * parameters they set change once for all; each joint state moves where the event forces it.
   */
  private applyTimedEvents(m: number, pair: BlockPair, means: Float64Array | undefined): void {
    const due = this.model.events.filter((e) => e.atStep === m);
    if (due.length === 0) return;
    // Events may set variables: the means must be up to date first.
    this.settle();
    const { s } = this;
    s.t = m * this.model.dt;
    for (const e of due) {
      // Parameters set at a fixed time change for every trial at once.
      const params = e.set.filter((a) => a.target.kind === 'param');
      if (params.length > 0) {
        for (const a of params) this.params[a.target.index] = a.value.fn(s);
        this.clearCaches();
        this.cacheGeneration++;
      }
      const setMeans = new Map<number, number>();
      pair.remap((index, p) => {
        const fired = this.decode(index);
        if (means) {
          for (const a of e.set)
            if (a.target.kind === 'var') setMeans.set(a.target.index, (setMeans.get(a.target.index) ?? 0) + p * expectation(a.value, s));
          for (const a of e.add)
            if (a.target.kind === 'var' && this.meanVars.has(a.target.index)) means[a.target.index] += p * expectation(a.value, s);
        }
        for (const f of e.force) s.k[f.track] = f.state;
        return this.encode(fired);
      });
      if (means) for (const [v, mean] of setMeans) if (this.meanVars.has(v)) means[v] = mean;
    }
  }

  /** Condition events at time index m over whole distributions (each joint state fires or not). */
  private applyConditional(m: number, pair: BlockPair, means: Float64Array | undefined): void {
    if (this.space.conditional.length === 0) return;
    this.s.t = m * this.model.dt;
    const increments = means ? new Float64Array(means.length) : undefined;
    pair.remap((index, p) => this.encode(this.applyConditionEvents(this.decode(index), increments, p)));
    if (means && increments) for (let v = 0; v < means.length; v++) if (this.meanVars.has(v)) means[v] += increments[v] as number;
  }

  private clearCaches(): void {
    this.settle();
    this.cache.clear();
    this.foldedCache.clear();
  }

  /**
   * The distributions at t = 0: the initial joint state in each of `vectors` (the others empty),
   * then the events due at 0.
   */
  private initial(k: number, vectors: number, means: Float64Array | undefined): BlockPair {
    this.params.set(this.model.params.values);
    if (this.cacheGeneration !== 0) {
      this.clearCaches();
      this.cacheGeneration = 0;
    }
    for (const t of this.model.tracks) this.s.k[t.index] = t.initial;
    const pair = new BlockPair(this.space.size, k);
    const start = this.encode(0);
    for (let v = 0; v < vectors; v++) pair.cur.add(start, v, 1);
    this.applyTimedEvents(0, pair, means);
    this.applyConditional(0, pair, means);
    return pair;
  }

  /**
   * Successors with the condition events of the next time already applied to each target: valid
   * for steps with no timed event at m + 1 (timed events come first when there are).
   */
  private foldedSuccessors(index: number, m: number): Successors {
    if (!this.timeDependent) {
      const hit = this.foldedCache.get(index);
      if (hit) return hit;
    }
    const raw = this.successors(index, m);
    const increments = Float64Array.from(raw.increments);
    const to = new Int32Array(raw.to.length);
    this.s.t = (m + 1) * this.model.dt;
    for (let j = 0; j < raw.to.length; j++) {
      const fired = this.decode(raw.to[j] as number);
      to[j] = this.encode(this.applyConditionEvents(fired, increments, raw.p[j] as number));
    }
    const folded: Successors = { to, p: raw.p, increments, weight: 0 };
    for (let v = 0; v < increments.length; v++) if (!this.meanVars.has(v)) increments[v] = 0;
    if (!this.timeDependent) this.foldedCache.set(index, folded);
    return folded;
  }

  /** Adds what the rows owe to the variable means (see `Successors.weight`). */
  private settle(): void {
    const means = this.means;
    for (const row of this.owed) {
      if (means) for (let v = 0; v < means.length; v++) means[v] += row.weight * (row.increments[v] as number);
      row.weight = 0;
    }
    this.owed = [];
  }

  /** The variable means of the base run while it propagates. */
  private means: Float64Array | undefined;

  /**
   * One step of every distribution in the pair from time index m: moves, then the events due at
   * m + 1 (steps 1–4). Each joint state's successors are looked up once for all distributions.
   */
  private advance(pair: BlockPair, m: number, means: Float64Array | undefined): void {
    // Without a timed event at m + 1, the condition events ride along with the cached successors.
    const fold = this.space.conditional.length > 0 && !this.timedSteps.has(m + 1);
    const { cur, spare } = pair;
    const { k, p: from } = cur;
    const rows = this.timeDependent ? undefined : fold ? this.foldedCache : this.cache;
    spare.clear();
    // The hot loop: locals only, the support list of the target block kept by hand.
    const to = spare.p;
    const listed = spare.listed;
    const support = spare.support;
    let count = 0;
    for (let a = 0; a < cur.count; a++) {
      const i = cur.support[a] as number;
      const at = i * k;
      if (k === 1 ? from[i] === 0 : !cur.holdsMass(i)) continue;
      const succ = rows?.get(i) ?? (fold ? this.foldedSuccessors(i, m) : this.successors(i, m));
      const targets = succ.to;
      const probabilities = succ.p;
      if (k === 1) {
        const p = from[i] as number;
        if (means) {
          if (succ.weight === 0) this.owed.push(succ);
          succ.weight += p;
        }
        for (let j = 0; j < targets.length; j++) {
          const y = targets[j] as number;
          if (listed[y] === 0) {
            listed[y] = 1;
            support[count++] = y;
          }
          to[y] += (probabilities[j] as number) * p;
        }
        continue;
      }
      if (means) {
        // The base distribution is the first of the block.
        const p = from[at] as number;
        if (p !== 0) {
          if (succ.weight === 0) this.owed.push(succ);
          succ.weight += p;
        }
      }
      for (let j = 0; j < targets.length; j++) {
        const y = targets[j] as number;
        const q = probabilities[j] as number;
        if (listed[y] === 0) {
          listed[y] = 1;
          support[count++] = y;
        }
        const yat = y * k;
        for (let v = 0; v < k; v++) to[yat + v] += q * (from[at + v] as number);
      }
    }
    spare.count = count;
    pair.flip();
    // Rows made afresh each step (time-dependent chains) are not kept: settle them now.
    if (this.timeDependent) this.settle();
    if (fold) return;
    this.applyTimedEvents(m + 1, pair, means);
    this.applyConditional(m + 1, pair, means);
  }

  /**
   * The base run: occupancy of every (track, state), time spent in each, variable means, the final
   * distribution; and the first passages of `taboos` (see `firstPassage`), which step in the same
   * block as the base distribution when it fits, so each joint state's successors are read once.
   */
  propagate(taboos: Taboo[] = []): Propagation {
    const { model } = this;
    const n = model.steps;
    const slots = model.totalStates;
    const occupancy = Array.from({ length: slots }, () => new Float64Array(n + 1));
    const timeIn = new Float64Array(slots);
    const means = Float64Array.from(model.vars.initial);
    const certain = this.enteredAtStart(taboos);
    const open = taboos.filter((_, i) => !certain[i]);
    const riding = (1 + open.length) * this.space.size <= MAX_BLOCK_ENTRIES && open.length <= 31 ? open : [];
    const pmfs = riding.map(() => new Float64Array(n + 1));
    const k = 1 + riding.length;
    this.means = means;
    const pair = this.initial(k, k, means);
    const tracks = this.space.tracks;
    // The (track, state) slots of each joint state, looked up once instead of decoded every step;
    // and bit v set where the joint state lies inside taboo v.
    const slotsOf = tracks.map((t) => this.marks(() => t.stateOffset + (this.s.k[t.index] as number)));
    const insideOf =
      riding.length === 0
        ? undefined
        : this.marks(() => riding.reduce((bits, taboo, v) => (this.inside(taboo) ? bits | (1 << v) : bits), 0));
    // Step 5: records for time index m; mass of a taboo distribution that has entered its taboo leaves it here.
    const record = (m: number) => {
      const { cur } = pair;
      for (let a = 0; a < cur.count; a++) {
        const index = cur.support[a] as number;
        const at = index * k;
        const p = cur.p[at] as number;
        if (p === 0) continue;
        for (const slotOf of slotsOf) {
          const slot = slotOf[index] as number;
          (occupancy[slot] as Float64Array)[m] += p;
          if (m < n) timeIn[slot] += p * model.dt;
        }
        const bits = insideOf === undefined ? 0 : (insideOf[index] as number);
        if (bits === 0) continue;
        for (let v = 0; v < riding.length; v++) {
          if ((bits & (1 << v)) === 0) continue;
          (pmfs[v] as Float64Array)[m] += cur.p[at + 1 + v] as number;
          cur.p[at + 1 + v] = 0;
        }
      }
    };
    record(0);
    for (let m = 0; m < n; m++) {
      this.largestSupport = Math.max(this.largestSupport, pair.cur.count);
      this.advance(pair, m, means);
      record(m + 1);
    }
    this.settle();
    this.means = undefined;
    for (let v = 0; v < means.length; v++) if (!this.meanVars.has(v)) means[v] = Number.NaN;
    const final = pair.cur.distribution(0);
    let next = 0;
    const firstPmf =
      riding.length === open.length
        ? taboos.map((_, i) => {
            if (!certain[i]) return pmfs[next++] as Float64Array;
            const entered = new Float64Array(n + 1);
            entered[0] = 1;
            return entered;
          })
        : this.firstPassage(taboos);
    return { occupancy, variableMeans: means, final, timeIn, firstPmf };
  }

  /**
   * First-passage distributions by taboo propagation: one distribution per taboo, a set of
   * (track, state) pairs, whose mass is removed as it enters any of them and recorded as
   * P(first entry at time index m). All step together, in blocks small enough to keep memory flat.
   */
  firstPassage(taboos: Taboo[]): Float64Array[] {
    const n = this.model.steps;
    const out = taboos.map(() => new Float64Array(n + 1));
    const certain = this.enteredAtStart(taboos);
    certain.forEach((yes, i) => {
      if (yes) (out[i] as Float64Array)[0] = 1;
    });
    const open = taboos.flatMap((taboo, i) => (certain[i] ? [] : [{ taboo, i }]));
    const perBlock = Math.max(1, Math.min(31, Math.floor(MAX_BLOCK_ENTRIES / this.space.size)));
    for (let first = 0; first < open.length; first += perBlock) {
      const block = open.slice(first, first + perBlock);
      const k = block.length;
      const pmfs = block.map((taboo) => out[taboo.i] as Float64Array);
      const pair = this.initial(k, k, undefined);
      // Bit v of a joint state's mark: it lies inside taboo v.
      const insideOf = this.marks(() => block.reduce((bits, { taboo }, v) => (this.inside(taboo) ? bits | (1 << v) : bits), 0));
      const record = (m: number) => {
        const { cur } = pair;
        for (let a = 0; a < cur.count; a++) {
          const index = cur.support[a] as number;
          const bits = insideOf[index] as number;
          if (bits === 0) continue;
          for (let v = 0; v < k; v++) {
            if ((bits & (1 << v)) === 0) continue;
            (pmfs[v] as Float64Array)[m] += cur.p[index * k + v] as number;
            cur.p[index * k + v] = 0;
          }
        }
      };
      record(0);
      for (let m = 0; m < n; m++) {
        this.advance(pair, m, undefined);
        record(m + 1);
      }
    }
    return out;
  }

  /** A number for every joint state, computed once from its decoded track states. */
  private marks(of: () => number): Int32Array {
    const out = new Int32Array(this.space.size);
    for (let i = 0; i < out.length; i++) {
      this.decode(i);
      out[i] = of();
    }
    return out;
  }

  /** Whether the decoded joint state lies inside a taboo (in any of its states). */
  private inside(taboo: Taboo): boolean {
    return taboo.some((c) => this.s.k[c.track] === c.state);
  }

  /**
   * For each taboo, whether every trial starts inside it: then it is entered at time 0 for
   * certain (P(first entry at 0) = 1) and needs no propagation.
   */
  private enteredAtStart(taboos: Taboo[]): boolean[] {
    const start = [...this.initial(1, 1, undefined).cur.distribution(0).keys()];
    return taboos.map((taboo) =>
      start.every((index) => {
        this.decode(index);
        return this.inside(taboo);
      }),
    );
  }

  /** Evaluates a metric expression in the state of a final joint index. */
  evaluateAt(expr: CompiledExpression, index: number, set: (s: EvalState) => void): number {
    this.decode(index);
    this.s.t = this.model.horizon;
    set(this.s);
    return expr.fn(this.s);
  }

  get horizon(): number {
    return this.model.horizon;
  }

  get evalState(): EvalState {
    return this.s;
  }

  /**
   * The final joint distribution of the chain together with "has visited" flags for some
   * (track, state) pairs, as a map from flag bits to a distribution over joint states. One
   * distribution per combination of flags; mass moves to the combination with a flag set as it
   * enters that flag's state.
   */
  propagateWithFlags(flags: { track: number; state: number }[]): Map<number, Map<number, number>> {
    const n = this.model.steps;
    const k = 1 << flags.length;
    const pair = this.initial(k, 1, undefined);
    // Bit i of a joint state's mark: it is in the state of flag i.
    const flagsOf = this.marks(() => flags.reduce((bits, fl, i) => (this.s.k[fl.track] === fl.state ? bits | (1 << i) : bits), 0));
    const record = () => {
      const { cur } = pair;
      for (let a = 0; a < cur.count; a++) {
        const index = cur.support[a] as number;
        const here = flagsOf[index] as number;
        if (here === 0) continue;
        const at = index * k;
        for (let bits = 0; bits < k; bits++) {
          const into = bits | here;
          if (into === bits) continue;
          cur.p[at + into] += cur.p[at + bits] as number;
          cur.p[at + bits] = 0;
        }
      }
    };
    record();
    for (let m = 0; m < n; m++) {
      this.advance(pair, m, undefined);
      record();
    }
    const groups = new Map<number, Map<number, number>>();
    for (let bits = 0; bits < k; bits++) {
      const d = pair.cur.distribution(bits);
      if (d.size > 0) groups.set(bits, d);
    }
    return groups;
  }
}

/** Largest number of (state, distribution) entries held at once by one block of distributions. */
const MAX_BLOCK_ENTRIES = 1 << 23;

/**
 * `k` probability distributions over the joint space, dense and interleaved (the mass of joint
 * state i in distribution v is at i·k + v), with the list of states that have been given mass.
 */
class Block {
  readonly p: Float64Array;
  readonly support: Int32Array;
  count = 0;
  readonly listed: Uint8Array;

  constructor(
    size: number,
    readonly k: number,
  ) {
    this.p = new Float64Array(size * k);
    this.support = new Int32Array(size);
    this.listed = new Uint8Array(size);
  }

  /** Lists state i as holding mass (its entries are then added to). */
  touch(i: number): void {
    if (this.listed[i] === 0) {
      this.listed[i] = 1;
      this.support[this.count++] = i;
    }
  }

  add(i: number, v: number, mass: number): void {
    this.touch(i);
    this.p[i * this.k + v] += mass;
  }

  holdsMass(i: number): boolean {
    const at = i * this.k;
    for (let v = 0; v < this.k; v++) if (this.p[at + v] !== 0) return true;
    return false;
  }

  /** Empties the block (only the entries in use are cleared). */
  clear(): void {
    for (let a = 0; a < this.count; a++) {
      const i = this.support[a] as number;
      this.listed[i] = 0;
      const at = i * this.k;
      for (let v = 0; v < this.k; v++) this.p[at + v] = 0;
    }
    this.count = 0;
  }

  /** Distribution v as a map from joint state to probability (states with positive mass only). */
  distribution(v: number): Map<number, number> {
    const out = new Map<number, number>();
    for (let a = 0; a < this.count; a++) {
      const i = this.support[a] as number;
      const p = this.p[i * this.k + v] as number;
      if (p > 0) out.set(i, p);
    }
    return out;
  }
}

/** The current block and a spare one to step into; `flip` makes the spare current. */
class BlockPair {
  cur: Block;
  spare: Block;

  constructor(size: number, k: number) {
    this.cur = new Block(size, k);
    this.spare = new Block(size, k);
  }

  flip(): void {
    [this.cur, this.spare] = [this.spare, this.cur];
  }

  /**
   * Moves the mass of each joint state to `target(index, p)` in every distribution at once (p is
   * the mass of the first distribution, for expectations of the base run).
   */
  remap(target: (index: number, p: number) => number): void {
    const { cur, spare } = this;
    const k = cur.k;
    spare.clear();
    for (let a = 0; a < cur.count; a++) {
      const i = cur.support[a] as number;
      if (!cur.holdsMass(i)) continue;
      const y = target(i, cur.p[i * k] as number);
      spare.touch(y);
      for (let v = 0; v < k; v++) spare.p[y * k + v] += cur.p[i * k + v] as number;
    }
    this.flip();
  }
}

/**
 * Solvers of closed parts of the chain, one per part, made when first needed. Each question is
 * answered in the smallest part that holds it: a track's occupancy and first passages in its own
 * part, a variable's mean in the part of what changes it, a metric in the part of the tracks it reads.
 */
class PartSolvers {
  private readonly made = new Map<string, ExactSolver>();
  /** The part of each variable whose mean is exact. */
  private readonly variableParts: (Part | undefined)[];
  /** Size of the whole joint space (track states × condition-event flags). */
  readonly fullSize: number;

  constructor(
    private readonly model: Model,
    variables: VariableStatus,
  ) {
    this.variableParts = model.vars.names.map((_, v) => {
      if (variables[v] !== undefined) return undefined;
      const seeds = variableSeeds(model, v);
      return closedPart(model, seeds.tracks, seeds.events);
    });
    const conditional = model.events.filter((e) => e.atStep === undefined).length;
    this.fullSize = model.tracks.reduce((n, t) => n * t.states.length, 1) * 2 ** conditional;
  }

  /** The solver of the smallest closed part holding these tracks (and condition events). */
  for(tracks: Iterable<number>, events: Iterable<EventModel> = []): ExactSolver {
    return this.solverOf(closedPart(this.model, tracks, events));
  }

  private solverOf(part: Part): ExactSolver {
    const key = `${part.tracks.map((t) => t.index).join(',')}|${part.events.map((e) => e.path).join(',')}`;
    let solver = this.made.get(key);
    if (solver === undefined) {
      solver = new ExactSolver(this.model, part, this.variableParts);
      this.made.set(key, solver);
    }
    return solver;
  }

  /** The joint space of the largest part solved. */
  get largestPart(): number {
    return Math.max(0, ...[...this.made.values()].map((s) => s.space.size));
  }

  /** The most joint states with probability at once, in any part solved. */
  get largestSupport(): number {
    return Math.max(0, ...[...this.made.values()].map((s) => s.largestSupport));
  }

  /** Occupancy and time spent in every (track, state), and the exact variable means, each from its own part. */
  baseRun(firstPassageOf: (slot: number) => boolean): BaseRun {
    const { model } = this;
    // Each track's first passages ride along with the base run of its own part.
    const taboos = new Map<ExactSolver, { track: number; state: number; slot: number }[]>();
    for (const t of model.tracks) {
      const solver = this.for([t.index]);
      const list = taboos.get(solver) ?? [];
      t.states.forEach((_, state) => {
        const slot = t.stateOffset + state;
        if (firstPassageOf(slot)) list.push({ track: t.index, state, slot });
      });
      taboos.set(solver, list);
    }
    const runs = new Map<ExactSolver, Propagation>();
    const firstPmf = new Map<number, Float64Array>();
    const run = (solver: ExactSolver) => {
      let done = runs.get(solver);
      if (done === undefined) {
        const mine = taboos.get(solver) ?? [];
        done = solver.propagate(mine.map((x) => [x]));
        mine.forEach((x, i) => firstPmf.set(x.slot, done?.firstPmf[i] as Float64Array));
        runs.set(solver, done);
      }
      return done;
    };
    const occupancy: Float64Array[] = [];
    const timeIn = new Float64Array(model.totalStates);
    for (const t of model.tracks) {
      const own = run(this.for([t.index]));
      for (let s = 0; s < t.states.length; s++) {
        const slot = t.stateOffset + s;
        occupancy[slot] = own.occupancy[slot] as Float64Array;
        timeIn[slot] = own.timeIn[slot] as number;
      }
    }
    const variableMeans = new Float64Array(model.vars.names.length).fill(Number.NaN);
    this.variableParts.forEach((part, v) => {
      if (part !== undefined) variableMeans[v] = run(this.solverOf(part)).variableMeans[v] as number;
    });
    const evaluator = this.for([]);
    run(evaluator);
    return { occupancy, timeIn, variableMeans, firstPmf, finalOf: (tracks) => run(this.for(tracks)).final, evaluator };
  }
}

/** The base run's answers, assembled from the parts. */
interface BaseRun {
  occupancy: Float64Array[];
  timeIn: Float64Array;
  variableMeans: Float64Array;
  /** P(first entry at time index m) by (track, state) slot, for the slots asked for. */
  firstPmf: Map<number, Float64Array>;
  /** The final distribution of the part holding these tracks. */
  finalOf: (tracks: Iterable<number>) => Map<number, number>;
  /** A solver whose state metric expressions are evaluated in (parameters as at the horizon). */
  evaluator: ExactSolver;
}

interface MetricContext {
  parts: PartSolvers;
  base: BaseRun;
  firstPmf: Map<number, Float64Array>;
  variables: VariableStatus;
}

/** The exact answer for one metric, or the reason there is none. */
function exactMetric(model: Model, expr: CompiledExpression, ctx: MetricContext): ExactMetric | string {
  const solver = ctx.base.evaluator;
  const calls = expr.metricCalls;
  const kinds = new Set(calls.map((c) => c.fn));
  const slots = [...new Set(calls.map((c) => c.slot))];
  if (expr.reads.random) return 'it draws random numbers';
  if (expr.reads.vars.size > 0) {
    if (calls.length > 0 || expr.stateTests.size > 0) return 'it combines variables with track states or first-passage times';
    for (const v of expr.reads.vars) {
      const why = ctx.variables[v];
      if (why !== undefined) return `the mean of variable "${model.vars.names[v]}" is not exact: ${why}`;
    }
    // The mean of an affine function is the function of the means; check affinity by probing.
    const mean = affineMean(expr, solver.evalState, model, ctx.base.variableMeans, 'v');
    return mean === undefined
      ? 'it is not a linear function of the variables, so only its mean could be exact'
      : { mean, exactness: 'mean' };
  }
  if (kinds.has('time_in')) {
    if (kinds.size > 1 || expr.stateTests.size > 0) return 'it combines time_in with other track functions';
    const mean = affineMean(expr, solver.evalState, model, ctx.base.timeIn, 'timeIn');
    return mean === undefined ? 'it is not a linear function of time_in' : { mean, exactness: 'mean' };
  }
  // A function of one first-passage time: its distribution follows from the first-passage pmf.
  if (kinds.size === 1 && kinds.has('first') && slots.length === 1 && expr.stateTests.size === 0) {
    const slot = slots[0] as number;
    const pmf = ctx.firstPmf.get(slot) as Float64Array;
    const values: number[] = [];
    const probabilities: number[] = [];
    let reached = 0;
    for (let k = 0; k <= model.steps; k++) {
      const p = pmf[k] as number;
      reached += p;
      if (p <= 0) continue;
      values.push(evaluateWithFirst(solver, expr, slot, k * model.dt));
      probabilities.push(p);
    }
    if (1 - reached > 1e-15) {
      values.push(evaluateWithFirst(solver, expr, slot, Number.NaN));
      probabilities.push(1 - reached);
    }
    const result = discreteMetric(values, probabilities);
    if (expr.firstOf !== undefined) result.censored = Math.max(0, 1 - reached);
    return result;
  }
  if (kinds.has('first')) return 'it combines several first-passage times, or one with other track functions';
  // A function of "ever" flags and final states: the chain with those flags, at the horizon.
  if (slots.length > 6) return `it reads ${slots.length} ever() flags; exact analysis combines at most 6`;
  const flags = slots.map((slot) => {
    const c = calls.find((x) => x.slot === slot) as { track: number; state: number };
    return { track: c.track, state: c.state, slot };
  });
  // The flags, and the final states the expression tests, in the part of the chain that moves them.
  const part = ctx.parts.for([...flags.map((f) => f.track), ...expr.stateTests]);
  // A function of "any of these flags" (such as ever(a) or ever(b), or one flag alone) needs only
  // the first passage into the set of their states: one distribution, not one per combination.
  if (expr.stateTests.size === 0) {
    const value = (bits: number) =>
      part.evaluateAt(expr, 0, (s) => {
        flags.forEach((fl, i) => {
          s.ever[fl.slot] = bits & (1 << i) ? 1 : 0;
        });
      });
    const any = value(1);
    let onlyAny = true;
    for (let bits = 2; bits < 1 << flags.length && onlyAny; bits++) onlyAny = Object.is(value(bits), any);
    if (onlyAny) {
      const pmf = flags.length === 1 ? ctx.firstPmf.get((flags[0] as { slot: number }).slot) : undefined;
      let reached = 0;
      for (const p of pmf ?? (part.firstPassage([flags])[0] as Float64Array)) reached += p;
      reached = clampProbability(reached);
      const outcomes = [
        [value(0), 1 - reached],
        [any, reached],
      ].filter(([, p]) => (p as number) > 0);
      return discreteMetric(
        outcomes.map(([x]) => x as number),
        outcomes.map(([, p]) => p as number),
      );
    }
  }
  const groups = flags.length === 0 ? new Map([[0, ctx.base.finalOf(expr.stateTests)]]) : part.propagateWithFlags(flags);
  const values: number[] = [];
  const probabilities: number[] = [];
  for (const [bits, final] of groups) {
    for (const [index, p] of final) {
      values.push(
        part.evaluateAt(expr, index, (s) => {
          flags.forEach((fl, i) => {
            s.ever[fl.slot] = bits & (1 << i) ? 1 : 0;
          });
        }),
      );
      probabilities.push(p);
    }
  }
  return discreteMetric(values, probabilities);
}

function evaluateWithFirst(solver: ExactSolver, expr: CompiledExpression, slot: number, time: number): number {
  const s = solver.evalState;
  s.t = solver.horizon;
  const saved = s.first[slot] as number;
  s.first[slot] = time;
  const x = expr.fn(s);
  s.first[slot] = saved;
  return x;
}

/** Mean of an expression that is affine in `v` (variables) or `timeIn`, or undefined when it is not affine. */
function affineMean(expr: CompiledExpression, s: EvalState, model: Model, means: Float64Array, field: 'v' | 'timeIn'): number | undefined {
  const target = s[field];
  const saved = Float64Array.from(target);
  s.p.set(model.params.values);
  s.t = model.horizon;
  const at = (x: ArrayLike<number>) => {
    target.set(x);
    return expr.fn(s);
  };
  const zero = new Float64Array(target.length);
  const f0 = at(zero);
  const coefficients = new Float64Array(target.length);
  for (let i = 0; i < target.length; i++) {
    const e = new Float64Array(target.length);
    e[i] = 1;
    coefficients[i] = at(e) - f0;
  }
  // Probe a few other points: an affine function agrees with its linear part everywhere.
  const probes = [0.5, 3, 17.25].map((scale) => Float64Array.from(means, (m, i) => (Number.isFinite(m) ? m : 0) * scale + i + 1));
  for (const x of probes) {
    let linear = f0;
    for (let i = 0; i < x.length; i++) linear += (coefficients[i] as number) * (x[i] as number);
    const actual = at(x);
    if (!(Math.abs(actual - linear) <= 1e-9 * Math.max(1, Math.abs(actual)))) {
      target.set(saved);
      return undefined;
    }
  }
  let mean = f0;
  for (let i = 0; i < means.length; i++) if (coefficients[i] !== 0) mean += (coefficients[i] as number) * (means[i] as number);
  target.set(saved);
  return mean;
}

/** Summary statistics of a discrete distribution. */
function discreteMetric(values: number[], probabilities: number[]): ExactMetric {
  const merged = new Map<number, number>();
  values.forEach((x, i) => merged.set(x, (merged.get(x) ?? 0) + (probabilities[i] as number)));
  const pairs = [...merged].sort((a, b) => a[0] - b[0]);
  let mean = 0;
  let second = 0;
  for (const [x, p] of pairs) {
    mean += p * x;
    second += p * x * x;
  }
  const quantiles = {} as Record<QuantileName, number>;
  for (const [name, q] of Object.entries(QUANTILES) as [QuantileName, number][]) {
    let cumulative = 0;
    let value = pairs[pairs.length - 1]?.[0] ?? Number.NaN;
    for (const [x, p] of pairs) {
      cumulative += p;
      if (cumulative >= q - 1e-12) {
        value = x;
        break;
      }
    }
    quantiles[name] = value;
  }
  const out: ExactMetric = {
    mean,
    exactness: 'distribution',
    sd: Math.sqrt(Math.max(0, second - mean * mean)),
    quantiles,
    distribution: { values: pairs.map(([x]) => x), probabilities: pairs.map(([, p]) => p) },
  };
  if (pairs.every(([x]) => x === 0 || x === 1)) out.probability = clampProbability(merged.get(1) ?? 0);
  return out;
}

/** Used by assignments in events that target parameters (re-exported for tests). */
export type { Assignment };
