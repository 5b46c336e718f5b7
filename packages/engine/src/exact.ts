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

/** Largest joint state space (track states × condition-event flags) the solver accepts. */
export const MAX_EXACT_STATES = 1 << 24;
/** Joint spaces up to this size are accumulated in a dense array (8 bytes a state). */
const MAX_DENSE_STATES = 1 << 22;
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
  /** Size of the joint state space and the most joint states that had probability at once. */
  jointStates: { space: number; largestSupport: number };
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
  const solver = new ExactSolver(model);
  const notes: string[] = [];
  const base = solver.propagate(undefined);
  model.params.uncertainty.forEach((d, i) => {
    if (d !== undefined) {
      notes.push(
        `parameter "${model.params.names[i]}" has an uncertainty distribution (${d.dist}); this is the exact answer at ${model.params.values[i]}, and the answer averaged over the uncertainty needs sampling (georisk run)`,
      );
    }
  });
  // ever and first by taboo propagation: of every (track, state) unless the space is large, then
  // only of those the metrics read.
  const everyState = options.everyState ?? solver.space.size <= EVERY_STATE_LIMIT;
  const needed = new Set(model.metrics.flatMap((m) => m.expr.metricCalls.filter((c) => c.fn !== 'time_in').map((c) => c.slot)));
  const firstPmf = new Map<number, Float64Array>();
  for (const t of model.tracks) {
    t.states.forEach((_, s) => {
      const slot = t.stateOffset + s;
      if (everyState || needed.has(slot)) firstPmf.set(slot, solver.propagate({ track: t.index, state: s }).firstPmf);
    });
  }
  if (!everyState) {
    notes.push(
      `the joint state space is large (${solver.space.size.toLocaleString('en-US')} states), so "ever" and first-passage results are given only for the states the metrics read; pass everyState to get them all`,
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
    const answer = exactMetric(model, m.expr, { base, firstPmf, variables, solver });
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
    jointStates: { space: solver.space.size, largestSupport: solver.largestSupport },
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
  /** Per (track, state) slot, P(in that state) at each time index 0..steps. Base run only. */
  occupancy: Float64Array[];
  /** Per variable, its exact mean at the horizon (NaN where not exact). Base run only. */
  variableMeans: Float64Array;
  /** P(first entry at time index k), taboo runs only. */
  firstPmf: Float64Array;
  /** Final distribution over joint states (index → probability). */
  final: Map<number, number>;
  /** Expected time spent in each slot over the horizon. */
  timeIn: Float64Array;
}

class ExactSolver {
  readonly space: Space;
  largestSupport = 0;
  private readonly s: EvalState;
  private readonly timeDependent: boolean;
  private readonly params: Float64Array;
  private readonly cache = new Map<number, Successors>();
  private readonly foldedCache = new Map<number, Successors>();
  /** Time indices at which timed events apply. */
  private readonly timedSteps: Set<number>;
  private cacheGeneration = 0;
  private readonly variables: VariableStatus;

  constructor(private readonly model: Model) {
    const tracks = model.tracks;
    const strides = new Int32Array(tracks.length);
    let trackSpace = 1;
    for (let i = tracks.length - 1; i >= 0; i--) {
      strides[i] = trackSpace;
      trackSpace *= (tracks[i] as TrackModel).states.length;
    }
    const conditional = model.events.filter((e) => e.atStep === undefined);
    this.space = { tracks, strides, trackSpace, conditional, size: trackSpace * 2 ** conditional.length };
    this.params = new Float64Array(model.params.values);
    this.s = {
      p: this.params,
      v: new Float64Array(model.vars.names.length),
      k: new Int32Array(tracks.length),
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
    this.variables = variableStatus(model);
    this.timedSteps = new Set(model.events.flatMap((e) => (e.atStep === undefined ? [] : [e.atStep])));
  }

  private decode(index: number): number {
    const { tracks, strides, trackSpace } = this.space;
    const trackIndex = index % trackSpace;
    for (let i = 0; i < tracks.length; i++)
      this.s.k[i] = Math.floor(trackIndex / (strides[i] as number)) % (tracks[i] as TrackModel).states.length;
    return Math.floor(index / trackSpace);
  }

  private encode(fired: number): number {
    let index = 0;
    const { strides, trackSpace } = this.space;
    for (let i = 0; i < strides.length; i++) index += (this.s.k[i] as number) * (strides[i] as number);
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
    const tracks = model.tracks;
    const fired = this.decode(index);
    s.t = m * model.dt;
    const increments = new Float64Array(model.vars.names.length);
    for (const f of model.flows) {
      if (this.variables[f.variable] !== undefined) continue;
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
          : o.tr.add.filter((a) => a.target.kind === 'var').map((a) => [a.target.index, expectation(a.value, s)] as const),
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
          s.k[j] = o?.tr === undefined ? (start[j] as number) : o.tr.to;
          const effects = effectMeans[j]?.[choice[j] as number];
          if (effects) for (const [v, mean] of effects) if (this.variables[v] === undefined) increments[v] += p * mean;
        }
        to.push(this.encode(fired));
        ps.push(p);
        for (let j = 0; j < tracks.length; j++) s.k[j] = start[j] as number;
        return;
      }
      const list = options[i] as { tr: CompiledTransition | undefined; p: number }[];
      for (let c = 0; c < list.length; c++) {
        choice[i] = c;
        visit(i + 1, p * (list[c] as { p: number }).p);
      }
    };
    visit(0, 1);
    const result: Successors = { to: Int32Array.from(to), p: Float64Array.from(ps), increments };
    if (!this.timeDependent) this.cache.set(index, result);
    return result;
  }

  /** Timed events at time index m, applied to a whole distribution (they fire in every trial). */
  private applyTimedEvents(m: number, dist: Map<number, number>, means: Float64Array | undefined): Map<number, number> {
    const due = this.model.events.filter((e) => e.atStep === m);
    if (due.length === 0) return dist;
    const { s } = this;
    s.t = m * this.model.dt;
    for (const e of due) {
      // Parameters set at a fixed time change for every trial at once.
      const params = e.set.filter((a) => a.target.kind === 'param');
      if (params.length > 0) {
        for (const a of params) this.params[a.target.index] = a.value.fn(s);
        this.cache.clear();
        this.foldedCache.clear();
        this.cacheGeneration++;
      }
      const next = new Map<number, number>();
      const setMeans = new Map<number, number>();
      for (const [index, p] of dist) {
        const fired = this.decode(index);
        if (means) {
          for (const a of e.set)
            if (a.target.kind === 'var') setMeans.set(a.target.index, (setMeans.get(a.target.index) ?? 0) + p * expectation(a.value, s));
          for (const a of e.add)
            if (a.target.kind === 'var' && this.variables[a.target.index] === undefined)
              means[a.target.index] += p * expectation(a.value, s);
        }
        for (const f of e.force) s.k[f.track] = f.state;
        const after = this.encode(fired);
        next.set(after, (next.get(after) ?? 0) + p);
      }
      if (means) for (const [v, mean] of setMeans) if (this.variables[v] === undefined) means[v] = mean;
      dist = next;
    }
    return dist;
  }

  /** Condition events at time index m over a whole distribution (each state fires or not). */
  private applyConditional(m: number, dist: Map<number, number>, means: Float64Array | undefined): Map<number, number> {
    if (this.space.conditional.length === 0) return dist;
    this.s.t = m * this.model.dt;
    const next = new Map<number, number>();
    const increments = means ? new Float64Array(means.length) : undefined;
    for (const [index, p] of dist) {
      const fired = this.applyConditionEvents(this.decode(index), increments, p);
      const after = this.encode(fired);
      next.set(after, (next.get(after) ?? 0) + p);
    }
    if (means && increments)
      for (let v = 0; v < means.length; v++) if (this.variables[v] === undefined) means[v] += increments[v] as number;
    return next;
  }

  /** The distribution at t = 0: initial states, then the events due at 0. */
  private initial(means: Float64Array | undefined): Map<number, number> {
    this.params.set(this.model.params.values);
    if (this.cacheGeneration !== 0) {
      this.cache.clear();
      this.foldedCache.clear();
      this.cacheGeneration = 0;
    }
    for (const t of this.model.tracks) this.s.k[t.index] = t.initial;
    const start = new Map<number, number>([[this.encode(0), 1]]);
    return this.applyConditional(0, this.applyTimedEvents(0, start, means), means);
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
    const folded: Successors = { to, p: raw.p, increments };
    for (let v = 0; v < increments.length; v++) if (this.variables[v] !== undefined) increments[v] = 0;
    if (!this.timeDependent) this.foldedCache.set(index, folded);
    return folded;
  }

  /** One step of the whole distribution from time index m: moves, then events due at m + 1 (steps 1–4). */
  private advance(dist: Map<number, number>, m: number, means: Float64Array | undefined): Map<number, number> {
    const next = new Map<number, number>();
    const dense = this.denseScratch();
    // Without a timed event at m + 1, the condition events ride along with the cached successors.
    const fold = this.space.conditional.length > 0 && !this.timedSteps.has(m + 1);
    const successors = (index: number) => (fold ? this.foldedSuccessors(index, m) : this.successors(index, m));
    if (dense) {
      // Accumulate into a dense array (much cheaper than map updates), then collect the touched states.
      const touched = this.touched;
      let count = 0;
      for (const [index, p] of dist) {
        const succ = successors(index);
        if (means) for (let v = 0; v < means.length; v++) means[v] += p * (succ.increments[v] as number);
        for (let j = 0; j < succ.to.length; j++) {
          const y = succ.to[j] as number;
          if (dense[y] === 0) touched[count++] = y;
          dense[y] += p * (succ.p[j] as number);
        }
      }
      for (let i = 0; i < count; i++) {
        const y = touched[i] as number;
        const q = dense[y] as number;
        dense[y] = 0;
        if (q > 0) next.set(y, q);
      }
    } else {
      for (const [index, p] of dist) {
        const succ = successors(index);
        if (means) for (let v = 0; v < means.length; v++) means[v] += p * (succ.increments[v] as number);
        for (let j = 0; j < succ.to.length; j++) {
          const y = succ.to[j] as number;
          next.set(y, (next.get(y) ?? 0) + p * (succ.p[j] as number));
        }
      }
    }
    if (fold) return next;
    return this.applyConditional(m + 1, this.applyTimedEvents(m + 1, next, means), means);
  }

  private dense: Float64Array | undefined;
  private touched = new Int32Array(0);

  /** A zeroed accumulator over the whole joint space, when it is small enough to hold densely. */
  private denseScratch(): Float64Array | undefined {
    if (this.space.size > MAX_DENSE_STATES) return undefined;
    if (this.dense === undefined) {
      this.dense = new Float64Array(this.space.size);
      this.touched = new Int32Array(this.space.size);
    }
    return this.dense;
  }

  /**
   * Propagates the chain over the horizon. With `taboo`, mass entering that (track, state) is
   * removed as it enters and recorded as the first-passage distribution.
   */
  propagate(taboo: { track: number; state: number } | undefined): Propagation {
    const { model } = this;
    const n = model.steps;
    const slots = model.totalStates;
    const base = taboo === undefined;
    const occupancy = base ? Array.from({ length: slots }, () => new Float64Array(n + 1)) : [];
    const timeIn = new Float64Array(slots);
    const means = base ? Float64Array.from(model.vars.initial) : undefined;
    const firstPmf = new Float64Array(n + 1);
    // Step 5: records for time index m; in a taboo run, mass that has entered the state leaves here.
    const record = (m: number, d: Map<number, number>) => {
      if (!base) {
        for (const [index, p] of d) {
          this.decode(index);
          if (this.s.k[taboo.track] === taboo.state) {
            firstPmf[m] += p;
            d.delete(index);
          }
        }
        return d;
      }
      for (const [index, p] of d) {
        this.decode(index);
        for (const t of model.tracks) {
          const slot = t.stateOffset + (this.s.k[t.index] as number);
          (occupancy[slot] as Float64Array)[m] += p;
          if (m < n) timeIn[slot] += p * model.dt;
        }
      }
      return d;
    };
    let dist = record(0, this.initial(means));
    for (let m = 0; m < n; m++) {
      this.largestSupport = Math.max(this.largestSupport, dist.size);
      dist = record(m + 1, this.advance(dist, m, means));
    }
    const variableMeans = means ?? new Float64Array(model.vars.names.length).fill(Number.NaN);
    for (let v = 0; v < variableMeans.length; v++) if (this.variables[v] !== undefined) variableMeans[v] = Number.NaN;
    return { occupancy, variableMeans, firstPmf, final: dist, timeIn };
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
   * (track, state) pairs, as a map from flag bits to a distribution over joint states.
   */
  propagateWithFlags(flags: { track: number; state: number }[]): Map<number, Map<number, number>> {
    const n = this.model.steps;
    const flagBits = (index: number, bits: number) => {
      this.decode(index);
      let b = bits;
      flags.forEach((fl, i) => {
        if (this.s.k[fl.track] === fl.state) b |= 1 << i;
      });
      return b;
    };
    // Split a distribution by the flags its states set, on top of the flags already held.
    const regroup = (into: Map<number, Map<number, number>>, bits: number, d: Map<number, number>) => {
      for (const [index, p] of d) {
        const b = flagBits(index, bits);
        const group = into.get(b) ?? new Map<number, number>();
        group.set(index, (group.get(index) ?? 0) + p);
        into.set(b, group);
      }
    };
    let groups = new Map<number, Map<number, number>>();
    regroup(groups, 0, this.initial(undefined));
    for (let m = 0; m < n; m++) {
      const next = new Map<number, Map<number, number>>();
      // Timed events that set parameters change them once per step, whichever group comes first.
      const params = Float64Array.from(this.params);
      for (const [bits, d] of groups) {
        this.params.set(params);
        regroup(next, bits, this.advance(d, m, undefined));
      }
      groups = next;
    }
    return groups;
  }
}

interface MetricContext {
  base: Propagation;
  firstPmf: Map<number, Float64Array>;
  variables: VariableStatus;
  solver: ExactSolver;
}

/** The exact answer for one metric, or the reason there is none. */
function exactMetric(model: Model, expr: CompiledExpression, ctx: MetricContext): ExactMetric | string {
  const { solver } = ctx;
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
      values.push(evaluateWithFirst(ctx.solver, expr, slot, k * model.dt));
      probabilities.push(p);
    }
    if (1 - reached > 1e-15) {
      values.push(evaluateWithFirst(ctx.solver, expr, slot, Number.NaN));
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
  const groups = flags.length === 0 ? new Map([[0, ctx.base.final]]) : solver.propagateWithFlags(flags);
  const values: number[] = [];
  const probabilities: number[] = [];
  for (const [bits, final] of groups) {
    for (const [index, p] of final) {
      values.push(
        solver.evaluateAt(expr, index, (s) => {
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
