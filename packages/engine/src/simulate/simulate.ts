/**
 * The Monte Carlo core: runs trials of a compiled model under the one-step rule of the design
 * (docs/scenario-language.md, "One step, exactly") and accumulates mergeable summaries.
 *
 * Two ways through a trial sample exactly the same distribution:
 * - stepping: every step draws each track's move (one uniform per track) and every flow;
 * - skipping: a track in a state whose rates read neither time nor variables leaves with the same
 *   probability L every step, so its next move is one geometric draw, kept while L stays the same
 *   (the memoryless property makes that exact) and redrawn when L changes; the steps until the
 *   earliest move are quiet, and the flows over them are one draw each when their sum has a closed
 *   form (Poisson, negative binomial, gamma, normal, constants). Tracks in states whose rates read
 *   time or variables draw every step. Timed events and the horizon cut a dwell short.
 *
 * Every component draws from its own stream of the trial (rng.ts): a track's moves from the
 * track's stream, a flow's amounts from the flow's, and so on; so a component's draws change only
 * when something it reads changes. Flows are drawn over the quiet stretches between moves of any
 * track, so they also follow the timing of every track's moves.
 */

import { defined } from '../defined.ts';
import * as dm from '../det-math.ts';
import * as dist from '../distributions.ts';
import { GeoriskError, issue } from '../errors.ts';
import type { Compiled, CompiledExpression, EvalState } from '../expression/expression.ts';
import { explainRuntimeIssues } from '../model/explain-runtime-issues.ts';
import type { Assignment, CompiledTransition, EventModel, Model, TrackModel } from '../model/model.ts';
import { MAX_PROBABILITY_SUM, probabilitySumError } from '../model/model-tracks.ts';
import { TrialStream, trialKey } from '../rng.ts';
import type { Distribution } from '../scenario-schema.ts';
import { addValue } from '../summarize.ts';
import { FlowSpecializations } from './flow-specializations.ts';
import { emptySummary, type RunSummary } from './run-summary.ts';
import {
  type BulkAmount,
  MAX_TABLE_ROWS,
  makeSampledBulk,
  newEvalState,
  planTrials,
  SAMPLER_ARGS,
  type SampledBulk,
  type TimedEvent,
} from './trial-plan.ts';

export { emptySummary, mergeSummaries, type RunSummary } from './run-summary.ts';

export interface SimulateOptions {
  seed: number;
  /** Index of the first trial (trial i always uses the streams of (seed, i)). */
  firstTrial: number;
  trials: number;
  /** Turn quiet-step skipping off (stepping only); the numbers differ but the distribution does not. */
  stepOnly?: boolean;
  /** Called every `progressEvery` trials with the number done so far. */
  onProgress?: (done: number) => void;
  progressEvery?: number;
  /** Run these trial indices (repeats allowed) instead of the range; `trials` must be their count. */
  trialList?: ArrayLike<number>;
  /** Called after each trial with its index and final state (conditioning reads observed values). */
  onTrialEnd?: (trial: number, s: EvalState) => void;
  /** Called after each trial with its metric values in model order (the array is reused; copy what you keep). */
  onTrialValues?: (trial: number, values: Float64Array) => void;
}

/**
 * Runs trials [firstTrial, firstTrial + trials) and returns their summary.
 * @example const summary = simulate(buildModel(scenario), { seed: 1, firstTrial: 0, trials: 10_000 })
 */
export function simulate(model: Model, options: SimulateOptions): RunSummary {
  const stepOnly = options.stepOnly === true;
  const cache = stepOnly ? steppingRunners : skippingRunners;
  // A worker runs chunk after chunk of one model: reusing its runner keeps its row caches and its
  // optimized code (building a second runner threw away the code of every hot method).
  let runner = cache.get(model);
  if (runner === undefined || runner.busy) runner = new TrialRunner(model, stepOnly);
  cache.set(model, runner);
  const summary = emptySummary(model);
  // Set before the trials: the first store after creation makes the field mutable, and a store
  // after the hot loops were optimized would throw away their code too (it relies on the map).
  summary.trialSteps = options.trials * model.steps;
  runner.onTrialEnd = options.onTrialEnd;
  runner.onTrialValues = options.onTrialValues;
  runner.busy = true;
  try {
    if (options.trialList) runner.runList(options.seed, options.trialList, summary, options.onProgress, options.progressEvery);
    else
      runner.runAll(
        options.seed,
        options.firstTrial,
        options.firstTrial + options.trials,
        summary,
        options.onProgress,
        options.progressEvery,
      );
  } catch (error) {
    // A trial that failed left the runner's state half-way: the next call builds a fresh one.
    cache.delete(model);
    throw error;
  } finally {
    runner.busy = false;
  }
  return summary;
}

/** The runner each model last used, per way through a trial (see `simulate`). */
const skippingRunners = new WeakMap<Model, TrialRunner>();
const steppingRunners = new WeakMap<Model, TrialRunner>();

/** A precomputed step rule for one (track, state, dependency states) combination. */
interface Row {
  /** Probability of leaving in one step. */
  leave: number;
  /** log(1 − leave). */
  logStay: number;
  /** Cumulative probabilities of each option given that the track leaves. */
  cumulative: Float64Array;
  options: CompiledTransition[];
  /** The stamp of its track state it was computed under (see `TrialRunner.slotStamp`). */
  generation: number;
  /**
   * A tabulated row's inputs beside the track states of its index: the parameters its transitions
   * read in those states, and their values when it was filled. A new stamp with the same values
   * keeps the row: a refill would give the same bits. Null when the row is filled again at every new
   * stamp: a transition reads a parameter drawn afresh each trial (its value all but never repeats,
   * so comparing and copying would be wasted).
   */
  keep: Int32Array | null;
  kept: Float64Array;
  /**
   * A tabulated row's transition values with its track states known (`CompiledExpression.specialize`),
   * one per option; null for a scratch row, which evaluates each transition's own closure.
   */
  values: Compiled[] | null;
}

class TrialRunner {
  /** The current trial's key (see rng.ts `trialKey`). */
  private readonly key = new Int32Array(2);
  /** Streams per component, in model order; a parameter's is used when it is uncertain. */
  private readonly trackRng: TrialStream[];
  private readonly flowRng: TrialStream[];
  private readonly eventRng: TrialStream[];
  private readonly paramRng: TrialStream[];
  private readonly metricRng: TrialStream[];
  /** Every stream above that a trial may draw from (armed at the start of each trial). */
  private readonly allRng: TrialStream[];
  /** Per track: the step at which it next moves, and the leave probability that was drawn under (NaN: none). */
  private readonly nextMove: Float64Array;
  private readonly pendingLeave: Float64Array;
  /** Per track: its state or a dependency's changed since nextMoveStep last looked at it. */
  private readonly dirty: Uint8Array;
  /** Per track: the tracks whose rates read its state. */
  private readonly dependents: Int32Array[];
  /** The table generation nextMoveStep last saw (a new one may change every row). */
  private checkedGeneration = 0;
  private readonly s: EvalState;
  private readonly startStates: Int32Array;
  private readonly enteredAt: Int32Array;
  private readonly fired: Uint8Array;
  private readonly flowScratch: Float64Array;
  private readonly chosen: (CompiledTransition | undefined)[];
  /** Scratch of `evaluateEffects`: each effect's assignment, whether it adds (1) or sets (0), and its value. */
  private readonly effectSlots: Assignment[] = [];
  private readonly effectIsAdd: number[] = [];
  private effectValues = new Float64Array(16);
  private readonly timed: TimedEvent[];
  private readonly conditional: EventModel[];
  private readonly rows: (Row | undefined)[][];
  /** Per track: 1 where its rows are tabulated (`rows[i]` is not empty). */
  private readonly tabulated: Uint8Array;
  private readonly rowScratch: Row[];
  private generation = 1;
  /**
   * Per track state (slot) and per flow: a stamp that changes when a parameter read by the state's
   * outgoing transitions or by the flow changes; a cached row or flow shape computed under the
   * current stamp is still right, so a new trial's parameter draws rebuild only what reads them.
   */
  private readonly slotStamp: Int32Array;
  private readonly flowStamp: Int32Array;
  private stamp = 1;
  /** Per parameter: the track states and flows that read it. */
  private readonly paramSlots: number[][];
  private readonly paramFlows: number[][];
  /** Parameters with an uncertainty distribution (drawn at the start of every trial), and per parameter 1 for those. */
  private readonly uncertain: number[];
  /** Per uncertain parameter (in `uncertain`'s order), its draw. */
  private readonly paramDraw: ParamDraws;
  private readonly drawnEachTrial: Uint8Array;
  /** An event set a parameter during the current trial. */
  private paramsChanged = false;
  private nextTimed = 0;
  private readonly tableParams: Float64Array;
  private readonly slotsPerTrack: number[];
  private readonly steps: number;
  private readonly dt: number;
  private readonly canSkip: boolean;
  private readonly bulk: BulkAmount[];
  /** Per track: the multiplier of each dependency's state in the table index. */
  private readonly radix: Int32Array[];
  /** Flow shapes per joint state (empty when the joint state space is too large to cache). */
  private readonly joints: (JointRow | undefined)[];
  /** Per track: the weight of its state in the joint-state index. */
  private readonly strides: Int32Array;
  /** Index of the current joint state (kept up to date wherever a track's state is set). */
  private jointIndex = 0;
  private jointScratch: JointRow | undefined;
  /** The joint row nextMoveStep last used (the state stays the same until the moving step's switch). */
  private joint: JointRow | undefined;
  private readonly cacheJoints: boolean;
  /**
   * A cached joint row's parts are brought up to date one by one where they are read, not all at
   * the row's first use in each table generation: a track's where nextMoveStep reads it (a dirty
   * track's), a flow's at its first flush in the state. A new generation, every trial when
   * parameters are drawn, then computes only the rows and shapes a trial reads. Only where a
   * parameter can change. Rows and shapes draw nothing (the expression checker refuses a sampler in
   * a rate, a probability or a flow's when), so when a part is computed cannot move a number.
   */
  private readonly lazyParts: boolean;
  /** Per flow: the variable it feeds, and whether that variable is deferred (see `deferred`). */
  private readonly flowVariable: Int32Array;
  private readonly flowDeferred: Uint8Array;
  /** Per flow: its amount's form (FORM_*), and for a sampler call (FORM_SAMPLED) its bulk sum from cached arguments. */
  private readonly flowForm: Uint8Array;
  /** Each flow's closures specialized to the states its shape is computed in (see flowShape). */
  private readonly flowClosures: FlowSpecializations;
  private readonly sampled: (SampledBulk | undefined)[];
  /** The length of a joint row's `flowArgs` (0 when no flow is FORM_SAMPLED). */
  private readonly sampledArgs: number;
  /**
   * Quiet steps of the trial so far, and per flow their number when its amount was last added
   * (skipping only): a flow's pending steps are the difference, so a quiet stretch costs one addition.
   */
  private bulkTotal = 0;
  private readonly bulkMark: Float64Array;
  /** The tracks whose drawn move step is the earliest (set by nextMoveStep), in model order. */
  private readonly movers: Int32Array;
  private moverCount = 0;
  /** Per track: the flows that read its state (added up before it moves). */
  private readonly flowsOfTrack: number[][];
  /** Per event: the flows to add up before it applies (see `flowsTouchedBy`). */
  private readonly flowsOfEvent: number[][];
  /** Per event: the parameters it sets (the only ones it can change). */
  private readonly paramsOfEvent: number[][];
  /** The parameters that can differ from their defaults in a trial: the drawn ones and those an event sets (nothing else sets one). */
  private readonly changeable: number[];
  /** Some track is in a state whose rates read time or variables (set by nextMoveStep). */
  private anyDynamic = false;
  /**
   * Every condition event reads track states only (no variable, parameter, time, metric function or
   * draw), and per track 1 where one reads it: such a condition can turn true only when one of its
   * tracks changes (see eventsDueAfterMoves).
   */
  private readonly conditionsReadStates: boolean;
  private readonly conditionReads: Uint8Array;
  /** Something changed since the condition events were last looked at, or they have not been this trial. */
  private conditionsStale = true;
  /**
   * The time index at which the condition events must be looked at again although no track moves
   * (skipping only): the step after a look at which some event applied. A condition looked at
   * before that event in the same pass may hold now, and stepping would fire it at the next step.
   */
  private lookAgainAt = Number.POSITIVE_INFINITY;
  /** Some event may apply at t = 0 (a timed one at 0, or any condition event). */
  private readonly eventsAtStart: boolean;
  /** The moving step's flows can join the bulk draw (no transition effect reads a variable). */
  private readonly foldFlows: boolean;
  /** Per variable: read by no expression but metrics and changed only by flows. */
  private readonly deferred: Uint8Array;
  /** Per flow into a deferred variable: the summed mean of Poisson amounts not yet drawn. */
  private readonly pendingMean: Float64Array;
  /** Some transition sets or adds to a variable. */
  private readonly hasEffects: boolean;
  /** Per metric: how it is read at the trial's end (READ_*), the index it reads, and for `first` the horizon it takes when censored. */
  private readonly metricFrom: Uint8Array;
  private readonly metricAt: Int32Array;
  private readonly metricHorizon: Float64Array;

  constructor(
    private readonly model: Model,
    stepOnly: boolean,
  ) {
    const plan = planTrials(model, stepOnly);
    const nTracks = model.tracks.length;
    const keys = model.streams;
    const streams = (list: number[]) => list.map((k) => new TrialStream(0, k));
    this.trackRng = streams(keys.tracks);
    this.flowRng = streams(keys.flows);
    this.eventRng = streams(keys.events);
    this.paramRng = streams(keys.params);
    this.metricRng = streams(keys.metrics);
    // Only streams that can draw are armed each trial: random draws appear in flow amounts and in
    // set/add of transitions and events, so metrics, constant flows and plain events never draw.
    const draws = (list: TrialStream[], random: (i: number) => boolean) => list.filter((_, i) => random(i));
    this.allRng = [
      ...this.trackRng,
      ...draws(this.flowRng, (i) => model.flows[i]!.amount.reads.random),
      ...draws(this.eventRng, (i) => [...model.events[i]!.set, ...model.events[i]!.add].some((a) => a.value.reads.random)),
      ...plan.uncertain.map((i) => this.paramRng[i]!),
      ...draws(this.metricRng, (i) => model.metrics[i]!.expr.reads.random),
    ];
    this.nextMove = new Float64Array(nTracks);
    this.pendingLeave = new Float64Array(nTracks);
    this.dirty = new Uint8Array(nTracks);
    this.dependents = model.tracks.map((t) =>
      Int32Array.from(
        model.tracks.filter((u) => u.dependsOn.includes(t.index)),
        (u) => u.index,
      ),
    );
    this.s = newEvalState(model, new TrialStream(0));
    this.startStates = new Int32Array(nTracks);
    this.enteredAt = new Int32Array(nTracks);
    this.fired = new Uint8Array(model.events.length);
    this.flowScratch = new Float64Array(model.flows.length);
    this.chosen = new Array(nTracks).fill(undefined);
    this.timed = plan.timed;
    this.conditional = plan.conditional;
    this.rows = plan.tableSizes.map((size) => new Array(size).fill(undefined));
    this.tabulated = Uint8Array.from(this.rows, (table) => (table.length > 0 ? 1 : 0));
    this.rowScratch = model.tracks.map((t) => newRow(Math.max(1, ...t.outgoing.map((o) => o.length))));
    this.tableParams = new Float64Array(model.params.values.length).fill(Number.NaN);
    this.slotStamp = new Int32Array(model.totalStates).fill(1);
    this.flowStamp = new Int32Array(model.flows.length).fill(1);
    const readers = readersOfParams(model);
    this.paramSlots = readers.slots;
    this.paramFlows = readers.flows;
    this.slotsPerTrack = plan.slotsPerTrack;
    this.steps = model.steps;
    this.dt = model.dt;
    this.canSkip = plan.canSkip;
    this.uncertain = plan.uncertain;
    this.paramDraw = new ParamDraws(
      plan.uncertain.map((i) => defined(model.params.uncertainty[i], 'an uncertain parameter has a distribution')),
    );
    this.drawnEachTrial = new Uint8Array(model.params.values.length);
    for (const i of plan.uncertain) this.drawnEachTrial[i] = 1;
    this.s.p.set(model.params.values);
    this.checkTableParams();
    this.bulk = plan.bulk;
    this.radix = plan.radix;
    this.strides = plan.strides;
    this.joints = plan.jointStates <= MAX_TABLE_ROWS ? new Array(plan.jointStates).fill(undefined) : [];
    this.cacheJoints = this.joints.length > 0;
    this.bulkMark = new Float64Array(model.flows.length);
    this.movers = new Int32Array(nTracks);
    this.flowVariable = Int32Array.from(model.flows, (f) => f.variable);
    this.flowDeferred = Uint8Array.from(model.flows, (f) => plan.deferred[f.variable]!);
    this.flowForm = Uint8Array.from(model.flows, (f) => flowForm(f.amount));
    this.flowClosures = new FlowSpecializations(model);
    this.sampledArgs = this.flowForm.includes(FORM_SAMPLED) ? model.flows.length * SAMPLER_ARGS : 0;
    this.sampled = model.flows.map((f, i) => {
      const sampler = f.amount.sampler;
      return this.flowForm[i] === FORM_SAMPLED && sampler ? makeSampledBulk(sampler.name, sampler.args.length, f.amount.source) : undefined;
    });
    this.flowsOfTrack = model.tracks.map((t) => flowIndices(model, (r) => r.tracks.has(t.index)));
    this.flowsOfEvent = model.events.map((e) => flowsTouchedBy(model, e));
    this.paramsOfEvent = model.events.map((e) => e.set.flatMap((a) => (a.target.kind === 'param' ? [a.target.index] : [])));
    this.changeable = [...new Set([...plan.uncertain, ...this.paramsOfEvent.flat()])];
    // With no parameter that can change, the generation never moves after the first trial's.
    this.lazyParts = this.cacheJoints && this.changeable.length > 0;
    this.eventsAtStart = plan.eventsAtStart;
    const conditions = plan.conditional.map((e) => e.when as CompiledExpression);
    this.conditionsReadStates = conditions.every(
      (c) => c.reads.params.size + c.reads.vars.size === 0 && !c.reads.time && !c.reads.random && c.metricCalls.length === 0,
    );
    this.conditionReads = new Uint8Array(nTracks);
    for (const c of conditions) for (const t of c.reads.tracks) this.conditionReads[t] = 1;
    this.deferred = plan.deferred;
    this.pendingMean = new Float64Array(model.flows.length);
    this.hasEffects = plan.hasEffects;
    this.foldFlows = plan.foldFlows;
    this.metricFrom = Uint8Array.from(model.metrics, (m) => (m.expr.read === undefined ? READ_CLOSURE : READ_CODES[m.expr.read.from]));
    this.metricAt = Int32Array.from(model.metrics, (m) => m.expr.read?.index ?? 0);
    this.metricHorizon = Float64Array.from(model.metrics, (m) => (m.expr.read?.from === 'first' ? m.expr.read.horizon : 0));
  }

  /** A `simulate` call is running trials on this runner (a nested call must not share it). */
  busy = false;
  /** Called after each trial (see `SimulateOptions.onTrialEnd`). */
  onTrialEnd: ((trial: number, s: EvalState) => void) | undefined;
  /** Called after each trial with its metric values (see `SimulateOptions.onTrialValues`). */
  onTrialValues: ((trial: number, values: Float64Array) => void) | undefined;
  /** The current trial's metric values, filled only when `onTrialValues` is set. */
  private values: Float64Array | undefined;

  /** Runs the listed trials, in order, into `summary`; `progress` hears every `every` trials how many are done. */
  runList(seed: number, list: ArrayLike<number>, summary: RunSummary, progress?: (done: number) => void, every = 1000): void {
    for (let i = 0; i < list.length; i++) {
      this.runAll(seed, list[i]!, list[i]! + 1, summary);
      if (progress && (i + 1) % every === 0) progress(i + 1);
    }
  }

  /** Runs trials [first, end) into `summary`; a failure names its trial and time. */
  runAll(seed: number, first: number, end: number, summary: RunSummary, progress?: (done: number) => void, every = 1000): void {
    let trial = first;
    try {
      for (; trial < end; trial++) {
        this.runTrial(seed, trial, summary);
        if (this.onTrialEnd) this.onTrialEnd(trial, this.s);
        if (this.onTrialValues && this.values) this.onTrialValues(trial, this.values);
        if (progress && (trial - first + 1) % every === 0) progress(trial - first + 1);
      }
    } catch (error) {
      if (error instanceof GeoriskError) {
        const at = `(trial ${trial}, t = ${this.s.t})`;
        throw new GeoriskError(
          explainRuntimeIssues(
            this.model,
            error.issues.map((i) => ({ ...i, message: `${i.message} ${at}` })),
            this.s.p,
          ),
        );
      }
      throw error;
    }
  }

  private runTrial(seed: number, trial: number, summary: RunSummary): void {
    const s = this.s;
    this.startTrial(seed, trial, summary);
    let m = 0;
    const n = this.steps;
    while (m < n) {
      let barrier = this.nextTimed < this.timed.length ? this.timed[this.nextTimed]!.atStep : n;
      if (this.lookAgainAt < barrier) barrier = this.lookAgainAt;
      if (this.canSkip) {
        s.t = m * this.dt;
        const next = this.nextMoveStep(m);
        if (next >= barrier) {
          // Every step up to the barrier is quiet: nothing moves, then events due there apply (the
          // barrier is mostly the horizon, with none: then nothing changes and nothing is recorded;
          // else a timed event's step, or the step after an event, see lookAgainAt).
          this.bulkFlows(barrier - m);
          m = barrier;
          s.t = m * this.dt;
          if (this.eventsDue(m)) {
            this.saveStartStates();
            this.afterSwitch(m, summary);
          }
          continue;
        }
        // The flows of the moving step read the same state as the quiet ones, so they join the
        // bulk draw, unless a transition effect or a dynamic rate must see the variables first.
        const fold = this.foldFlows && !this.anyDynamic;
        this.bulkFlows(next - m + (fold ? 1 : 0));
        m = next;
        s.t = m * this.dt;
        if (this.anyDynamic) this.movingStep(m, fold, summary);
        else this.moveDue(m, fold, summary);
      } else {
        s.t = m * this.dt;
        this.step(m, summary);
      }
      m++;
    }
    this.finishTrial(summary);
  }

  /** Resets the state for trial `trial`: its streams, parameters, variables, tracks and first records. */
  private startTrial(seed: number, trial: number, summary: RunSummary): void {
    const { model, s, key } = this;
    trialKey(seed, trial, key);
    const lo = key[0]!;
    const hi = key[1]!;
    for (const rng of this.allRng) rng.arm(lo, hi);
    // Element loops: these arrays are short, and a builtin fill costs more than the loop.
    for (let i = 0; i < this.dirty.length; i++) {
      this.pendingLeave[i] = Number.NaN;
      this.dirty[i] = 1;
    }
    this.bulkTotal = 0;
    for (let i = 0; i < this.bulkMark.length; i++) this.bulkMark[i] = 0;
    this.startParams();
    const initial = model.vars.initial;
    for (let j = 0; j < initial.length; j++) s.v[j] = initial[j]!;
    for (let j = 0; j < s.ever.length; j++) {
      s.ever[j] = 0;
      s.first[j] = Number.NaN;
      s.timeIn[j] = 0;
    }
    for (let i = 0; i < this.fired.length; i++) this.fired[i] = 0;
    s.t = 0;
    const tracks = model.tracks;
    this.jointIndex = 0;
    for (let i = 0; i < tracks.length; i++) {
      s.k[i] = tracks[i]!.initial;
      this.jointIndex += s.k[i]! * this.strides[i]!;
      this.enteredAt[i] = 0;
    }
    // Events at t = 0 apply to the initial state before anything is recorded.
    this.nextTimed = 0;
    this.conditionsStale = true;
    this.lookAgainAt = Number.POSITIVE_INFINITY;
    if (this.eventsAtStart) this.applyDueEvents(0);
    const firstWidth = this.steps + 1;
    for (let i = 0; i < tracks.length; i++) {
      const state = s.k[i]!;
      const slot = this.slotsPerTrack[i]! + state;
      s.ever[slot] = 1;
      summary.ever[slot]!++;
      s.first[slot] = 0;
      summary.firstAt[slot * firstWidth]!++;
    }
  }

  private startParams(): void {
    const { model, s } = this;
    // Parameters only need resetting when the last trial drew or changed them.
    if (this.uncertain.length === 0 && !this.paramsChanged) return;
    // Only the drawn ones can differ from the last trial's, and those an event set in it (nothing
    // else sets a parameter): those are set back to their defaults, and the drawn ones drawn.
    const only = this.paramsChanged ? this.changeable : this.uncertain;
    const defaults = model.params.values;
    if (this.paramsChanged) for (let j = 0; j < only.length; j++) s.p[only[j]!] = defaults[only[j]!]!;
    this.paramsChanged = false;
    const uncertain = this.uncertain;
    for (let j = 0; j < uncertain.length; j++) {
      const i = uncertain[j]!;
      s.p[i] = this.paramDraw.draw(j, this.paramRng[i]!);
    }
    this.checkTableParams(only);
  }

  /**
   * The earliest step from `m` on at which some track moves: each track in a static state keeps
   * its drawn move step while its leave probability is unchanged, and draws a new one otherwise;
   * a track in a dynamic state must draw at step m itself.
   */
  private nextMoveStep(step: number): number {
    // `step - 0` is the same number, typed as one for V8: a parameter is typed as anything, and a
    // move step that could be the parameter itself was kept boxed, so every step not a small
    // integer (Infinity for a track that cannot leave) allocated a heap number at each call
    // (175 B a trial on the reference model, by V8's sampling heap profiler).
    const m = step - 0;
    const { dirty, nextMove, pendingLeave, movers, lazyParts } = this;
    const joint = this.jointRow();
    this.joint = joint;
    let next = Number.POSITIVE_INFINITY;
    let count = 0;
    this.anyDynamic = false;
    if (this.checkedGeneration !== this.generation) {
      this.checkedGeneration = this.generation;
      // An element loop: the array is short, and the builtin fill costs more (as in startTrial).
      for (let i = 0; i < dirty.length; i++) dirty[i] = 1;
    }
    for (let i = 0; i < dirty.length; i++) {
      let at = nextMove[i]!;
      // A track whose state and dependencies are as they were keeps its draw (no move since).
      if (dirty[i] !== 0) {
        if (lazyParts) this.checkTrackPart(joint, i);
        const leave = joint.leave[i]!;
        if (Number.isNaN(leave)) {
          // A dynamic state: the track draws at every step (and stays dirty to be looked at again).
          pendingLeave[i] = Number.NaN;
          this.anyDynamic = true;
          next = m;
          continue;
        }
        dirty[i] = 0;
        if (leave !== pendingLeave[i] || at < m) {
          pendingLeave[i] = leave;
          at = leave <= 0 ? Number.POSITIVE_INFINITY : leave >= 1 ? m : m + quietSteps(this.trackRng[i]!, joint.logStay[i]!);
          nextMove[i] = at;
        }
      }
      // The tracks due at the earliest step, for moveDue (unused when some state is dynamic).
      if (at < next) {
        next = at;
        count = 0;
      }
      if (at === next) movers[count++] = i;
    }
    this.moverCount = count;
    return next;
  }

  /**
   * Invalidates the cached rows and flow shapes that read parameters which differ from those they
   * were built with; `only` lists the parameters that can differ, when the caller knows (else all).
   */
  private checkTableParams(only?: readonly number[]): void {
    const p = this.s.p;
    const built = this.tableParams;
    let changed = false;
    const count = only ? only.length : p.length;
    for (let j = 0; j < count; j++) {
      const i = only ? only[j]! : j;
      if (p[i] === built[i]) continue;
      if (!changed) {
        changed = true;
        this.stamp++;
      }
      built[i] = p[i]!;
      this.restamp(this.slotStamp, this.paramSlots[i]!);
      this.restamp(this.flowStamp, this.paramFlows[i]!);
    }
    if (changed) this.generation++;
  }

  /** Gives the listed tracks or flows the current stamp. */
  private restamp(stamps: Int32Array, list: number[]): void {
    for (let j = 0; j < list.length; j++) stamps[list[j]!] = this.stamp;
  }

  /** The step rule of a track in its current state, from the table or computed now. */
  private row(t: TrackModel): Row {
    const s = this.s;
    const state = s.k[t.index]!;
    const table = this.rows[t.index]!;
    if (table.length === 0 || t.dynamic[state]) {
      const scratch = this.rowScratch[t.index]!;
      fillRow(scratch, t.outgoing[state]!, null, s, this.dt);
      return scratch;
    }
    let index = state;
    const deps = t.dependsOn;
    const radix = this.radix[t.index]!;
    for (let j = 0; j < deps.length; j++) index = index * radix[j]! + s.k[deps[j]!]!;
    let row = table[index];
    const stamp = this.slotStamp[this.slotsPerTrack[t.index]! + state]!;
    if (row === undefined) {
      row = newRow(t.outgoing[state]!.length);
      row.values = rowValueFns(t, state, s.k);
      row.keep = keptParams(t.outgoing[state]!, s.k, this.drawnEachTrial);
      if (row.keep !== null) row.kept = new Float64Array(row.keep.length);
      table[index] = row;
      this.fill(t, row, state, stamp);
    } else if (row.generation !== stamp) this.refresh(t, row, state, stamp);
    return row;
  }

  /**
   * Brings a tabulated row up to its state's stamp `stamp`: kept when the parameters it reads hold
   * the values it was filled with (a refill would give the same bits), else filled again.
   */
  private refresh(t: TrackModel, row: Row, state: number, stamp: number): void {
    if (row.keep !== null && sameValues(row.keep, row.kept, this.s.p)) row.generation = stamp;
    else this.fill(t, row, state, stamp);
  }

  /** Fills a tabulated row for `state` under stamp `stamp`, keeping the values of the parameters it reads. */
  private fill(t: TrackModel, row: Row, state: number, stamp: number): void {
    const s = this.s;
    fillRow(row, t.outgoing[state]!, row.values, s, this.dt);
    row.generation = stamp;
    const keep = row.keep;
    if (keep !== null) for (let j = 0; j < keep.length; j++) row.kept[j] = s.p[keep[j]!]!;
  }

  /** Adds `count` quiet steps to every flow; they are drawn when something the flow reads changes. */
  private bulkFlows(count: number): void {
    this.bulkTotal += count;
  }

  /**
   * Adds flow i's accumulated steps to its variable, drawn from its own stream: one draw where the
   * sum has a closed form. Called before anything the flow reads changes, or its variable is read
   * or set, so its draws follow its own inputs and not the timing of unrelated tracks.
   */
  private flushFlow(i: number, current?: JointRow): void {
    const count = this.bulkTotal - this.bulkMark[i]!;
    if (count === 0) return;
    this.bulkMark[i] = this.bulkTotal;
    const joint = current ?? this.jointRow();
    const kind = joint.flowKind[i]!;
    const x = joint.flowValue[i]!;
    // The common cases first, kept small so that this inlines into the loops that call it.
    if (kind === FLOW_CONSTANT) this.s.v[this.flowVariable[i]!]! += count * x;
    // Poisson amounts into a variable nothing reads before the end add their means instead:
    // a sum of independent Poisson draws is one Poisson draw of the summed mean.
    else if (kind === FLOW_POISSON && this.flowDeferred[i] === 1) this.pendingMean[i]! += count * x;
    else if (kind !== FLOW_OFF) this.drawFlow(i, kind, x, count, joint);
  }

  /**
   * Adds `count` steps of flow i that need a draw (a Poisson, another sampler's or a general
   * amount), or whose part of the joint row is computed at this, its first flush in the state
   * (FLOW_STALE): then the steps are handed back to flushFlow, which adds them by the part's form.
   */
  private drawFlow(i: number, kind: number, x: number, count: number, joint: JointRow): void {
    if (kind === FLOW_STALE) {
      this.flowPart(joint, i);
      this.bulkMark[i] = this.bulkTotal - count;
      this.flushFlow(i, joint);
      return;
    }
    const { s } = this;
    const variable = this.flowVariable[i]!;
    if (kind === FLOW_POISSON) s.v[variable]! += dist.poisson(this.flowRng[i]!, count * x);
    else if (kind === FLOW_SAMPLED)
      s.v[variable]! += (this.sampled[i] as SampledBulk)(this.flowRng[i]!, joint.flowArgs, i * SAMPLER_ARGS, count);
    else {
      s.rng = this.flowRng[i]!;
      s.v[variable]! += this.bulk[i]!(s, count);
    }
  }

  /** Adds up every flow's accumulated steps (before variables are read or set). */
  private flushFlows(): void {
    // One joint row for all: adding a flow's steps changes no track state.
    const joint = this.jointRow();
    for (let i = 0; i < this.bulkMark.length; i++) this.flushFlow(i, joint);
  }

  /** The cached flow shapes of the current joint state (flows read only parameters and track states here). */
  private jointRow(): JointRow {
    if (this.cacheJoints) {
      const joint = this.joints[this.jointIndex];
      if (joint !== undefined && joint.generation === this.generation) return joint;
      if (joint !== undefined && this.lazyParts) return this.updateFlowParts(joint);
    }
    return this.buildJointRow();
  }

  /**
   * Computes (and caches) the rows and flow shapes of the current joint state. A cached joint row
   * keeps the parts whose stamps are unchanged (the scratch row of a large joint space may hold
   * another state, so it recomputes everything).
   */
  private buildJointRow(): JointRow {
    const { model, s } = this;
    const index = this.jointIndex;
    const cached = this.cacheJoints;
    let joint = cached ? this.joints[index] : this.jointScratch;
    joint ??= newJointRow(model.tracks.length, model.flows.length, this.sampledArgs);
    // Locals: the calls below could change any field of `this` or `joint` as far as V8 knows, so
    // each would be loaded again on every pass.
    const { tabulated, slotStamp, slotsPerTrack } = this;
    const trackStamp = joint.trackStamp;
    const k = s.k;
    for (let i = 0; i < trackStamp.length; i++) {
      const stamp = slotStamp[slotsPerTrack[i]! + k[i]!]!;
      if (cached && tabulated[i] === 1 && trackStamp[i] === stamp) continue;
      this.trackPart(joint, i, stamp);
    }
    const flowStamp = this.flowStamp;
    const shapeStamp = joint.flowStamp;
    for (let i = 0; i < flowStamp.length; i++) {
      if (cached && shapeStamp[i] === flowStamp[i]) continue;
      this.flowPart(joint, i);
    }
    joint.generation = this.generation;
    if (cached) this.joints[index] = joint;
    else this.jointScratch = joint;
    return joint;
  }

  /**
   * Track i's part of the joint row of the current state under its state's stamp `stamp`. A cached
   * joint row's tabulated row is the one of its states (tables keep their rows): no lookup, only a
   * refresh. Rows of dynamic states change from step to step: NaN sends nextMoveStep to stepping.
   */
  private trackPart(joint: JointRow, i: number, stamp: number): void {
    const k = this.s.k;
    const t = this.model.tracks[i]!;
    const inTable = this.tabulated[i] === 1;
    const kept = this.cacheJoints ? joint.rows[i] : undefined;
    let row: Row | undefined;
    if (kept !== undefined) {
      row = kept;
      if (kept.generation !== stamp) this.refresh(t, kept, k[i]!, stamp);
    } else row = t.dynamic[k[i]!] ? undefined : this.row(t);
    joint.leave[i] = row ? row.leave : Number.NaN;
    joint.logStay[i] = row ? row.logStay : Number.NaN;
    // A track too large to tabulate computes its row into a scratch row that later calls reuse.
    joint.rows[i] = inTable ? row : undefined;
    joint.trackStamp[i] = stamp;
  }

  /** Brings track i's part of a cached joint row up to its state's stamp (see `lazyParts`). */
  private checkTrackPart(joint: JointRow, i: number): void {
    const stamp = this.slotStamp[this.slotsPerTrack[i]! + this.s.k[i]!]!;
    if (joint.trackStamp[i] !== stamp) this.trackPart(joint, i, stamp);
  }

  /**
   * A cached joint row of an earlier generation, its out-of-date flow parts marked to be computed at
   * their first flush (see `lazyParts`; the tracks' parts are brought up to date where nextMoveStep
   * reads them).
   */
  private updateFlowParts(joint: JointRow): JointRow {
    const flowStamp = this.flowStamp;
    const shapeStamp = joint.flowStamp;
    for (let i = 0; i < flowStamp.length; i++) if (shapeStamp[i] !== flowStamp[i]) joint.flowKind[i] = FLOW_STALE;
    joint.generation = this.generation;
    return joint;
  }

  /** Flow i's part of the joint row of the current state, under the flow's current stamp. */
  private flowPart(joint: JointRow, i: number): void {
    this.flowShape(joint, i);
    joint.flowStamp[i] = this.flowStamp[i]!;
  }

  /** Flow i's shape in the current joint state: off, a constant per step, a Poisson mean per step, or general. */
  private flowShape(joint: JointRow, i: number): void {
    const s = this.s;
    const f = this.model.flows[i]!;
    s.rng = this.flowRng[i]!;
    // The joint state is fixed here, so the flow's closures specialized to it give the same numbers.
    const fns = this.flowClosures.of(i, s.k);
    if (fns.when !== undefined && !fns.when(s)) {
      joint.flowKind[i] = FLOW_OFF;
      return;
    }
    const amount = f.amount;
    const form = this.flowForm[i]!;
    if (form === FORM_CONSTANT) {
      joint.flowKind[i] = FLOW_CONSTANT;
      joint.flowValue[i] = amount.constant as number;
    } else if (form === FORM_POISSON) {
      const mean = fns.samplerArgs[0]!(s);
      if (!(mean >= 0 && mean < Number.POSITIVE_INFINITY)) {
        throw new GeoriskError([issue('runtime_value', f.path, `poisson mean must be finite and >= 0, got ${mean}`)]);
      }
      joint.flowKind[i] = FLOW_POISSON;
      joint.flowValue[i] = mean;
    } else if (form === FORM_COMPUTED) {
      joint.flowKind[i] = FLOW_CONSTANT;
      joint.flowValue[i] = fns.amount(s);
    } else if (form === FORM_SAMPLED) {
      // The arguments read only parameters and track states, as the flow's draws at each flush would.
      const args = fns.samplerArgs;
      for (let j = 0; j < args.length; j++) joint.flowArgs[i * SAMPLER_ARGS + j] = args[j]!(s);
      joint.flowKind[i] = FLOW_SAMPLED;
    } else {
      joint.flowKind[i] = FLOW_GENERIC;
    }
  }

  /** One ordinary step from index m to m + 1 under the step rule. */
  private step(m: number, summary: RunSummary): void {
    const tracks = this.model.tracks;
    // 1–2. Flows read the state at the start of the step.
    this.stepFlows();
    // 3. Each track draws its move independently.
    for (let i = 0; i < tracks.length; i++) {
      const row = this.row(tracks[i]!);
      this.chosen[i] = row.leave > 0 ? drawMove(this.trackRng[i]!, row, row.leave) : undefined;
    }
    this.commitStep(m, true, summary);
  }

  /** Evaluates every flow's amount for one step into `flowScratch`, each from its own stream. */
  private stepFlows(): void {
    const { s } = this;
    const flows = this.model.flows;
    for (let f = 0; f < flows.length; f++) {
      const flow = flows[f]!;
      s.rng = this.flowRng[f]!;
      this.flowScratch[f] = flow.when !== undefined && !flow.when.fn(s) ? 0 : flow.amount.fn(s);
    }
  }

  /**
   * The step at which some track moves (see nextMoveStep): tracks due now move, to a target drawn
   * from their own stream; tracks in dynamic states draw their step as in stepping.
   */
  private movingStep(m: number, fold: boolean, summary: RunSummary): void {
    const { model, s } = this;
    const tracks = model.tracks;
    // Without folding, this step's flows and rates see the variables as they are now.
    if (!fold) this.flushFlows();
    const rows = (this.joint as JointRow).rows;
    for (let i = 0; i < tracks.length; i++) {
      // A tabulated row in the joint row means a static state: the track moves only at its drawn step.
      const tabulated = rows[i];
      const t = tracks[i]!;
      if (tabulated === undefined && t.dynamic[s.k[i]!]) {
        const row = this.row(t);
        this.chosen[i] = row.leave > 0 ? drawMove(this.trackRng[i]!, row, row.leave) : undefined;
      } else if (this.nextMove[i] === m) {
        const row = tabulated ?? this.row(t);
        const last = row.options.length - 1;
        this.chosen[i] = last === 0 ? row.options[0] : drawOption(this.trackRng[i]!, row);
      } else {
        this.chosen[i] = undefined;
      }
    }
    if (!fold) this.stepFlows();
    this.commitStep(m, !fold, summary);
  }

  /**
   * The moving step when no track is in a dynamic state (see movingStep): only the tracks that
   * nextMoveStep found due move, so the other tracks are not looked at; numbers as commitStep's.
   */
  private moveDue(m: number, fold: boolean, summary: RunSummary): void {
    const { s, movers, chosen } = this;
    const tracks = this.model.tracks;
    const count = this.moverCount;
    if (!fold) this.flushFlows();
    const rows = (this.joint as JointRow).rows;
    for (let k = 0; k < count; k++) {
      const i = movers[k]!;
      const row = rows[i] ?? this.row(tracks[i]!);
      chosen[i] = row.options.length === 1 ? row.options[0] : drawOption(this.trackRng[i]!, row);
    }
    if (!fold) this.stepFlows();
    const effects = this.hasEffects ? this.evaluateMoverEffects() : 0;
    if (effects > 0) this.flushFlows();
    if (!fold) this.addStepFlows();
    if (effects > 0) this.applyEffects(effects);
    // With events due the records wait for them (they may force states); else each mover records now.
    const eventsDue = this.eventsDueAfterMoves(m + 1, count);
    if (eventsDue) this.saveStartStates();
    for (let k = 0; k < count; k++) {
      const i = movers[k]!;
      const tr = chosen[i];
      chosen[i] = undefined;
      if (tr === undefined) continue;
      const before = s.k[i]!;
      this.switchTrack(i, tr.to);
      if (!eventsDue && tr.to !== before) this.recordMove(i, before, m + 1, summary);
    }
    s.t = (m + 1) * this.dt;
    if (eventsDue) {
      this.applyDueEvents(m + 1);
      this.recordChanges(m + 1, summary);
    }
  }

  /** Adds the step's flows and transition effects, switches all tracks at once, then steps 4–5. */
  private commitStep(m: number, addFlows: boolean, summary: RunSummary): void {
    const { model, s } = this;
    const tracks = model.tracks;
    // Amounts of transition effects also read the start of the step.
    const effects = this.hasEffects ? this.evaluateEffects() : 0;
    // Effects may set what flows feed or read: the flows' earlier steps are added first.
    if (effects > 0 && this.canSkip) this.flushFlows();
    if (addFlows) this.addStepFlows();
    if (effects > 0) this.applyEffects(effects);
    const chosen = this.chosen;
    for (let i = 0; i < tracks.length; i++) {
      this.startStates[i] = s.k[i]!;
      const tr = chosen[i];
      if (tr === undefined) continue;
      chosen[i] = undefined;
      this.switchTrack(i, tr.to);
    }
    s.t = (m + 1) * this.dt;
    // Steps 4–5; most steps have no event to check, so they go straight to the records.
    if (this.eventsDue(m + 1)) this.applyDueEvents(m + 1);
    this.recordChanges(m + 1, summary);
  }

  /** Copies the tracks' states into startStates (an element loop: the arrays are short, and `set` costs more). */
  private saveStartStates(): void {
    const { startStates } = this;
    const k = this.s.k;
    for (let i = 0; i < startStates.length; i++) startStates[i] = k[i]!;
  }

  /** Adds the step's flow amounts (in flowScratch) to their variables. */
  private addStepFlows(): void {
    const { s, flowVariable, flowScratch } = this;
    for (let f = 0; f < flowScratch.length; f++) s.v[flowVariable[f]!]! += flowScratch[f]!;
  }

  /**
   * Some event may apply at time index m after the `count` movers of moveDue moved. Condition events
   * that read only track states need no look when no mover is a track they read and nothing has
   * changed since their last look (each was false then, or it fired): their inputs are as they were.
   */
  private eventsDueAfterMoves(m: number, count: number): boolean {
    if (this.timedDue(m)) return true;
    if (this.conditional.length === 0) return false;
    if (!this.conditionsReadStates || this.conditionsStale) return true;
    const movers = this.movers;
    for (let k = 0; k < count; k++) if (this.conditionReads[movers[k]!] === 1) return true;
    return false;
  }

  /** Some event may apply at time index m (a condition event, or a timed one due then). */
  private eventsDue(m: number): boolean {
    return this.conditional.length > 0 || this.timedDue(m);
  }

  /** The next timed event not yet applied is due at time index m. */
  private timedDue(m: number): boolean {
    return this.nextTimed < this.timed.length && this.timed[this.nextTimed]!.atStep === m;
  }

  /**
   * Moves track i to `to`. Flows that read it add up their steps in the state they were taken in,
   * with their shapes from the joint row before the switch (nextMoveStep's): a flow flushed here
   * reads no track that moved earlier in the same step (it would have been flushed then).
   * Its drawn move step is spent, so it is marked to draw again: the records mark a track that
   * changed state, but an event due at the same time may force it back where it was (then nothing
   * changed, and the spent step, now in the past, would be taken for its next move).
   */
  private switchTrack(i: number, to: number): void {
    const s = this.s;
    if (this.canSkip) {
      this.dirty[i] = 1;
      const list = this.flowsOfTrack[i]!;
      for (let j = 0; j < list.length; j++) if (this.bulkMark[list[j]!] !== this.bulkTotal) this.flushFlow(list[j]!, this.joint);
    }
    this.jointIndex += (to - s.k[i]!) * this.strides[i]!;
    s.k[i] = to;
  }

  /** Steps 4–5 after the switch to time index m: events due then apply, then records update. */
  private afterSwitch(m: number, summary: RunSummary): void {
    this.applyDueEvents(m);
    this.recordChanges(m, summary);
  }

  /** Timed events at time index m, in declaration order, then condition events that now hold. */
  private applyDueEvents(m: number): void {
    // Every condition is looked at below; an event that applies makes them stale again (see applyEvent).
    this.conditionsStale = false;
    const timed = this.timed;
    const first = this.nextTimed;
    let late = false;
    while (this.nextTimed < timed.length && timed[this.nextTimed]?.atStep === m) {
      const e = timed[this.nextTimed++]!;
      if (e.afterConditions) late = true;
      else this.applyEvent(e);
    }
    this.applyConditionalEvents();
    if (late) for (let i = first; i < this.nextTimed; i++) if (timed[i]!.afterConditions) this.applyEvent(timed[i]!);
    // An event applied (see applyEvent): the conditions are looked at again at the next step.
    this.lookAgainAt = this.conditionsStale && this.conditional.length > 0 ? m + 1 : Number.POSITIVE_INFINITY;
  }

  /**
   * Evaluates the chosen transitions' effects, every value reading the state at the start of the
   * step, into reused scratch (no allocation per move); returns how many there are. `applyEffects`
   * assigns them, in the same order, once the step's flows are in.
   */
  private evaluateEffects(): number {
    let count = 0;
    for (let i = 0; i < this.chosen.length; i++) count = this.effectsOf(i, count);
    return count;
  }

  /** evaluateEffects for moveDue, where only the movers (in model order) have chosen a transition. */
  private evaluateMoverEffects(): number {
    let count = 0;
    for (let k = 0; k < this.moverCount; k++) count = this.effectsOf(this.movers[k]!, count);
    return count;
  }

  /** Adds track i's chosen transition's effects after the `count` gathered so far; returns the new count. */
  private effectsOf(i: number, count: number): number {
    const tr = this.chosen[i];
    if (tr === undefined) return count;
    this.s.rng = this.trackRng[i]!;
    let n = count;
    for (let j = 0; j < tr.set.length; j++) n = this.pushEffect(n, 0, tr.set[j]!);
    for (let j = 0; j < tr.add.length; j++) n = this.pushEffect(n, 1, tr.add[j]!);
    return n;
  }

  private pushEffect(count: number, isAdd: number, a: Assignment): number {
    const value = a.value.fn(this.s);
    if (count === this.effectValues.length) {
      const grown = new Float64Array(2 * count);
      grown.set(this.effectValues);
      this.effectValues = grown;
    }
    this.effectValues[count] = value;
    this.effectSlots[count] = a;
    this.effectIsAdd[count] = isAdd;
    return count + 1;
  }

  /** Assigns the `count` effects `evaluateEffects` gathered. */
  private applyEffects(count: number): void {
    for (let j = 0; j < count; j++)
      applyAssignment(this.s, this.effectIsAdd[j] === 1 ? 'add' : 'set', this.effectSlots[j]!, this.effectValues[j]!);
  }

  private applyEvent(e: EventModel): void {
    const s = this.s;
    // What it sets or forces may make a condition looked at earlier in this pass hold now.
    this.conditionsStale = true;
    if (this.canSkip) for (const f of this.flowsOfEvent[e.index]!) this.flushFlow(f);
    s.rng = this.eventRng[e.index]!;
    // Every value reads the state before any assignment (into a reused scratch array).
    const { set, add } = e;
    if (eventValues.length < set.length + add.length) eventValues = new Float64Array(2 * (set.length + add.length));
    const values = eventValues;
    for (let i = 0; i < set.length; i++) values[i] = set[i]!.value.fn(s);
    for (let i = 0; i < add.length; i++) values[set.length + i] = add[i]!.value.fn(s);
    let paramsChanged = false;
    for (let i = 0; i < set.length; i++) {
      const a = set[i]!;
      applyAssignment(s, 'set', a, values[i]!);
      if (a.target.kind === 'param') paramsChanged = true;
    }
    for (let i = 0; i < add.length; i++) applyAssignment(s, 'add', add[i]!, values[set.length + i]!);
    for (const f of e.force) {
      this.jointIndex += (f.state - s.k[f.track]!) * this.strides[f.track]!;
      s.k[f.track] = f.state;
    }
    if (paramsChanged) {
      this.paramsChanged = true;
      this.checkTableParams(this.paramsOfEvent[e.index]);
    }
  }

  private applyConditionalEvents(): void {
    const events = this.conditional;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (this.fired[e.index]) continue;
      this.s.rng = this.eventRng[e.index]!;
      if (!(e.when as CompiledExpression).fn(this.s)) continue;
      this.fired[e.index] = 1;
      this.applyEvent(e);
    }
  }

  /** Step 5: closes the intervals of tracks whose state changed since `startStates`, opens new ones. */
  private recordChanges(m: number, summary: RunSummary): void {
    const { model, s } = this;
    for (let i = 0; i < model.tracks.length; i++) {
      const before = this.startStates[i]!;
      if (before !== s.k[i]) this.recordMove(i, before, m, summary);
    }
  }

  /** Step 5 for one track that left state `before` at time index m: closes that interval, opens the new one. */
  private recordMove(i: number, before: number, m: number, summary: RunSummary): void {
    const s = this.s;
    const width = this.steps + 2;
    const now = s.k[i]!;
    const dirty = this.dirty;
    dirty[i] = 1;
    const dependents = this.dependents[i]!;
    for (let j = 0; j < dependents.length; j++) dirty[dependents[j]!] = 1;
    const offset = this.slotsPerTrack[i]!;
    const from = this.enteredAt[i]!;
    const oldSlot = offset + before;
    summary.occupancy[oldSlot * width + from]!++;
    summary.occupancy[oldSlot * width + m]!--;
    s.timeIn[oldSlot]! += (m - from) * this.dt;
    this.enteredAt[i] = m;
    const slot = offset + now;
    if (s.ever[slot] === 0) {
      s.ever[slot] = 1;
      summary.ever[slot]!++;
      s.first[slot] = m * this.dt;
      summary.firstAt[slot * (this.steps + 1) + m]!++;
    }
  }

  private finishTrial(summary: RunSummary): void {
    const { model, s } = this;
    if (this.canSkip) this.flushFlows();
    const pending = this.pendingMean;
    for (let i = 0; i < pending.length; i++) {
      if (pending[i] === 0) continue;
      s.v[model.flows[i]!.variable]! += dist.poisson(this.flowRng[i]!, pending[i]!);
      pending[i] = 0;
    }
    const n = this.steps;
    const width = n + 2;
    for (let i = 0; i < model.tracks.length; i++) {
      const slot = this.slotsPerTrack[i]! + s.k[i]!;
      const from = this.enteredAt[i]!;
      summary.occupancy[slot * width + from]!++;
      summary.occupancy[slot * width + n + 1]!--;
      s.timeIn[slot]! += (n - from) * this.dt;
      summary.final[slot]!++;
    }
    s.t = model.horizon;
    const metrics = model.metrics;
    if (this.onTrialValues) this.values ??= new Float64Array(metrics.length);
    const values = this.values;
    const { metricFrom, metricAt } = this;
    for (let j = 0; j < metrics.length; j++) {
      const acc = summary.metrics[j]!;
      const from = metricFrom[j]!;
      const at = metricAt[j]!;
      let x: number;
      // A metric that is one number of the state is read in place (a call through each metric's own
      // closure is a call V8 cannot inline); the others are evaluated, each on its own stream.
      if (from === READ_VAR) x = s.v[at]!;
      else if (from === READ_EVER) x = s.ever[at]!;
      else if (from === READ_TIME_IN) x = s.timeIn[at]!;
      else {
        if (from === READ_FIRST) {
          x = s.first[at]!;
          if (Number.isNaN(x)) {
            acc.censored++;
            x = this.metricHorizon[j]!;
          }
        } else {
          const metric = metrics[j]!;
          s.rng = this.metricRng[j]!;
          const firstOf = metric.expr.firstOf;
          if (firstOf !== undefined) {
            const slot = this.slotsPerTrack[firstOf.track]! + firstOf.state;
            if (Number.isNaN(s.first[slot]!)) acc.censored++;
          }
          x = metric.expr.fn(s);
        }
      }
      addValue(acc, x);
      if (values) values[j] = x;
    }
    summary.trials++;
  }
}

/** How a metric is read at a trial's end (see `CompiledExpression.read`): by its closure, or one number of the state. */
const READ_CLOSURE = 0;
const READ_VAR = 1;
const READ_EVER = 2;
const READ_TIME_IN = 3;
const READ_FIRST = 4;
const READ_CODES = { v: READ_VAR, ever: READ_EVER, timeIn: READ_TIME_IN, first: READ_FIRST } as const;

/** Per flow, what its amount is whenever it is on (see `flowShape`): decided once, from the compiled expression. */
const FORM_CONSTANT = 0;
/** A Poisson draw whose mean draws nothing. */
const FORM_POISSON = 1;
/** A number that draws nothing, computed in each joint state. */
const FORM_COMPUTED = 2;
/** Another sampler's call whose arguments draw nothing: the arguments are computed in each joint state. */
const FORM_SAMPLED = 3;
const FORM_GENERIC = 4;

function flowForm(amount: CompiledExpression): number {
  if (amount.constant !== undefined) return FORM_CONSTANT;
  const sampler = amount.sampler;
  if (sampler !== undefined && !sampler.argsRandom) return sampler.name === 'poisson' ? FORM_POISSON : FORM_SAMPLED;
  return amount.reads.random ? FORM_GENERIC : FORM_COMPUTED;
}

const FLOW_OFF = 0;
const FLOW_CONSTANT = 1;
const FLOW_POISSON = 2;
const FLOW_GENERIC = 3;
/** A sampler call drawn at each flush from the arguments cached in the joint row. */
const FLOW_SAMPLED = 4;
/** Not yet computed under the flow's current stamp: computed at the flow's first flush in the state (see `lazyParts`). */
const FLOW_STALE = 5;

/** What the skipping path needs about the flows in one joint state. */
interface JointRow {
  generation: number;
  /** Per track: its probability of leaving in one step and log(1 − that); NaN in a dynamic state. */
  leave: Float64Array;
  logStay: Float64Array;
  /** Per track: its tabulated step rule in a static state (undefined in a dynamic one or untabulated). */
  rows: (Row | undefined)[];
  /**
   * Per flow: off, a constant per step, a Poisson mean per step, a sampler call or a general amount;
   * or FLOW_STALE, not yet computed in this generation (see `lazyParts`).
   */
  flowKind: Uint8Array;
  flowValue: Float64Array;
  /** Per flow, SAMPLER_ARGS apart: a sampler call's arguments (FLOW_SAMPLED). */
  flowArgs: Float64Array;
  /** The stamps each track's and flow's part was computed under (0: never). */
  trackStamp: Int32Array;
  flowStamp: Int32Array;
}

function newJointRow(tracks: number, flows: number, sampledArgs: number): JointRow {
  return {
    generation: 0,
    leave: new Float64Array(tracks),
    logStay: new Float64Array(tracks),
    rows: new Array(tracks).fill(undefined),
    flowKind: new Uint8Array(flows),
    flowValue: new Float64Array(flows),
    flowArgs: new Float64Array(sampledArgs),
    trackStamp: new Int32Array(tracks),
    flowStamp: new Int32Array(flows),
  };
}

/**
 * Per parameter, the track states (slots) whose outgoing transitions and the flows whose when or
 * amount read it. None of these draws at random (rates, probabilities and whens cannot; a flow's
 * shape evaluates its amount only where that draws nothing, see flowShape), so a row or shape
 * depends on the parameters it reads and nothing else.
 */
function readersOfParams(model: Model): { slots: number[][]; flows: number[][] } {
  const slots = Array.from({ length: model.params.values.length }, (): number[] => []);
  const flows = Array.from({ length: model.params.values.length }, (): number[] => []);
  const note = (out: number[][], index: number, list: (CompiledExpression | undefined)[]) => {
    const params = new Set<number>();
    for (const e of list) for (const p of e?.reads.params ?? []) params.add(p);
    for (const p of params) out[p]!.push(index);
  };
  for (const t of model.tracks) {
    t.outgoing.forEach((list, state) =>
      note(
        slots,
        t.stateOffset + state,
        list.map((tr) => tr.value),
      ),
    );
  }
  model.flows.forEach((f, i) => note(flows, i, [f.when, f.amount]));
  return { slots, flows };
}

/** The flows whose when or amount reads something `test` accepts. */
function flowIndices(model: Model, test: (reads: CompiledExpression['reads']) => boolean): number[] {
  return model.flows.flatMap((f, i) => (test(f.amount.reads) || (f.when !== undefined && test(f.when.reads)) ? [i] : []));
}

/** The flows an event may affect or read: into a variable it reads or assigns, or reading a parameter it sets or a track it forces. */
function flowsTouchedBy(model: Model, e: EventModel): number[] {
  const vars = new Set<number>();
  const params = new Set<number>();
  for (const a of [...e.set, ...e.add]) {
    for (const v of a.value.reads.vars) vars.add(v);
    (a.target.kind === 'var' ? vars : params).add(a.target.index);
  }
  if (e.when) for (const v of e.when.reads.vars) vars.add(v);
  const forced = new Set(e.force.map((f) => f.track));
  const reads = (r: CompiledExpression['reads']) => [...r.params].some((p) => params.has(p)) || [...r.tracks].some((t) => forced.has(t));
  return model.flows.flatMap((f, i) =>
    vars.has(f.variable) || reads(f.amount.reads) || (f.when !== undefined && reads(f.when.reads)) ? [i] : [],
  );
}

/** Quiet steps before a track that stays with log-probability `logStay` (< 0) moves: a geometric draw. */
function quietSteps(rng: TrialStream, logStay: number): number {
  return dm.floorLogRatio(rng.uniform(), logStay);
}

/** With probability p the track moves; the same uniform, rescaled, picks where to. */
function drawMove(rng: TrialStream, row: Row, p: number): CompiledTransition | undefined {
  const u = rng.uniform();
  return u >= p ? undefined : pickOption(row, u / p);
}

/**
 * The option of a row that a track due to move takes, by a uniform from its stream. A function of
 * its own so that V8 inlines the draw here: inlined into the trial loop, whose inlining budget is
 * spent, `uniform` was a call returning a boxed double (107 B a trial on the reference model).
 */
function drawOption(rng: TrialStream, row: Row): CompiledTransition | undefined {
  return pickOption(row, rng.uniform());
}

/** The option of a row that a uniform `v` in [0, 1) picks (by the row's cumulative probabilities). */
function pickOption(row: Row, v: number): CompiledTransition | undefined {
  const cum = row.cumulative;
  const last = row.options.length - 1;
  let j = 0;
  while (j < last && v >= cum[j]!) j++;
  return row.options[j];
}

/**
 * The parameters the transitions out of one state read in track states `k`, or null when one reads
 * a parameter in `drawn` (see `Row.keep`).
 */
function keptParams(outgoing: CompiledTransition[], k: Int32Array, drawn: Uint8Array): Int32Array | null {
  const params = new Set<number>();
  for (const tr of outgoing) {
    if (tr.value.paramsGiven !== undefined) tr.value.paramsGiven(k, params);
    else for (const p of tr.value.reads.params) params.add(p);
  }
  for (const p of params) if (drawn[p] === 1) return null;
  return Int32Array.from(params);
}

/** Whether the listed parameters still hold the values kept (bit for bit: 0 and −0 differ). */
function sameValues(params: Int32Array, kept: Float64Array, p: Float64Array): boolean {
  for (let j = 0; j < params.length; j++) {
    const a = p[params[j]!]!;
    const b = kept[j]!;
    if (a !== b || (a === 0 && 1 / a !== 1 / b)) return false;
  }
  return true;
}

const NO_VALUES = new Float64Array(0);

function newRow(size: number): Row {
  return {
    leave: 0,
    logStay: 0,
    cumulative: new Float64Array(size),
    options: [],
    generation: 0,
    keep: null,
    kept: NO_VALUES,
    values: null,
  };
}

/**
 * The values of a tabulated row's transitions out of `state` of track `t`, with the states of the
 * tracks its table is keyed by (the track itself and `dependsOn`) as they are now: a value that
 * tests them is specialized to them, any other is its own closure.
 */
function rowValueFns(t: TrackModel, state: number, k: Int32Array): Compiled[] {
  const outgoing = t.outgoing[state]!;
  if (!outgoing.some((tr) => tr.value.specialize !== undefined)) return outgoing.map((tr) => tr.value.fn);
  const fixed = new Map<number, number>([[t.index, state]]);
  for (const d of t.dependsOn) fixed.set(d, k[d]!);
  return outgoing.map((tr) => tr.value.specialize?.(fixed).fn ?? tr.value.fn);
}

/** An event's assigned values, evaluated before any is applied (reused by every event). */
let eventValues = new Float64Array(16);

/** Each transition's value as fillRow's first pass evaluated it (reused by the second pass). */
let rowValues = new Float64Array(16);

/**
 * Computes the step rule out of one state: probabilities first, then competing rates. A rate or
 * probability never draws at random (the expression checker refuses a sampler there), so each is
 * evaluated once: through `values` (a tabulated row's closures specialized to its states, one per
 * transition), or each transition's own closure where `values` is null.
 */
function fillRow(row: Row, outgoing: CompiledTransition[], values: Compiled[] | null, s: EvalState, dt: number): void {
  let probability = 0;
  let hazard = 0;
  if (rowValues.length < outgoing.length) rowValues = new Float64Array(2 * outgoing.length);
  const computed = rowValues;
  for (let j = 0; j < outgoing.length; j++) {
    const tr = outgoing[j]!;
    const x = values === null ? tr.value.fn(s) : values[j]!(s);
    computed[j] = x;
    if (tr.kind === 'rate') {
      if (!(x >= 0) || x === Number.POSITIVE_INFINITY) {
        throw new GeoriskError([issue('runtime_value', `${tr.path}.rate`, `the rate evaluated to ${x}; rates must be finite and >= 0`)]);
      }
      hazard += x;
    } else {
      if (!(x >= 0 && x <= 1)) {
        throw new GeoriskError([
          issue('probability_range', `${tr.path}.probability`, `the probability evaluated to ${x}; it must lie in [0, 1]`),
        ]);
      }
      probability += x;
    }
  }
  if (probability > MAX_PROBABILITY_SUM) throw probabilitySumError(outgoing[0]?.path ?? '', probability);
  probability = Math.min(1, probability);
  const rateLeave = hazard > 0 ? -dm.expm1(-hazard * dt) : 0;
  const leave = probability + (1 - probability) * rateLeave;
  row.leave = leave;
  row.logStay = leave >= 1 ? Number.NEGATIVE_INFINITY : dm.log1p(-probability) - hazard * dt;
  row.options = outgoing;
  if (row.cumulative.length < outgoing.length) row.cumulative = new Float64Array(outgoing.length);
  let cumulative = 0;
  for (let j = 0; j < outgoing.length; j++) {
    const tr = outgoing[j]!;
    const x = computed[j]!;
    const share = tr.kind === 'probability' ? x : hazard > 0 ? ((1 - probability) * rateLeave * x) / hazard : 0;
    cumulative += leave > 0 ? share / leave : 0;
    row.cumulative[j] = cumulative;
  }
}

function applyAssignment(s: EvalState, kind: 'set' | 'add', a: Assignment, value: number): void {
  const target = a.target.kind === 'var' ? s.v : s.p;
  if (kind === 'set') target[a.target.index] = value;
  else target[a.target.index]! += value;
}

/** A parameter's uncertainty distribution by a small-integer code and up to three numbers (see `ParamDraws`). */
const DRAW_UNIFORM = 0;
const DRAW_TRIANGULAR = 1;
const DRAW_NORMAL = 2;
const DRAW_LOGNORMAL = 3;
const DRAW_BETA = 4;
const DRAW_GAMMA = 5;

/**
 * The uncertain parameters' distributions, read once per run: the trial loop draws each of them
 * every trial. A switch on the distribution's name cost a string comparison a draw, and a closure a
 * parameter was a function instance for V8 to warm up and optimize apart in every thread.
 */
class ParamDraws {
  private readonly code: Uint8Array;
  private readonly args: Float64Array;

  constructor(distributions: readonly Distribution[]) {
    this.code = new Uint8Array(distributions.length);
    this.args = new Float64Array(3 * distributions.length);
    distributions.forEach((d, j) => {
      const [code, a, b = 0, c = 0] = drawCode(d);
      this.code[j] = code;
      this.args.set([a, b, c], 3 * j);
    });
  }

  /** Draws the j-th distribution from `rng`. */
  draw(j: number, rng: TrialStream): number {
    const a = this.args[3 * j]!;
    const b = this.args[3 * j + 1]!;
    switch (this.code[j]) {
      case DRAW_UNIFORM:
        return dist.uniform(rng, a, b);
      case DRAW_TRIANGULAR:
        return dist.triangular(rng, a, b, this.args[3 * j + 2]!);
      case DRAW_NORMAL:
        return dist.normal(rng, a, b);
      case DRAW_LOGNORMAL:
        return dist.lognormal(rng, a, b);
      case DRAW_BETA:
        return dist.beta(rng, a, b);
      default:
        return dist.gamma(rng, a, b);
    }
  }
}

/** A distribution's code and numbers, in the order its sampler takes them. */
function drawCode(d: Distribution): [number, number, number?, number?] {
  switch (d.dist) {
    case 'uniform':
      return [DRAW_UNIFORM, d.min, d.max];
    case 'triangular':
      return [DRAW_TRIANGULAR, d.min, d.mode, d.max];
    case 'normal':
      return [DRAW_NORMAL, d.mean, d.sd];
    case 'lognormal':
      return [DRAW_LOGNORMAL, d.mu, d.sigma];
    case 'beta':
      return [DRAW_BETA, d.alpha, d.beta];
    case 'gamma':
      return [DRAW_GAMMA, d.shape, d.scale];
  }
}
