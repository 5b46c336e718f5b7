/**
 * The Monte Carlo core: runs trials of a compiled model under the one-step rule of the design
 * (docs/scenario-language.md, "One step, exactly") and accumulates mergeable summaries.
 *
 * Two ways through a trial sample exactly the same distribution:
 * - stepping: every step draws each track's move (one uniform per track) and every flow;
 * - skipping: while the joint state cannot change what any rate reads (no rate, flow or condition
 *   reads time or variables), each step is quiet with the same probability Q = Π(1 − L_i), so the
 *   number of quiet steps before the next move is one geometric draw; the flows over those steps
 *   are one draw each when their sum has a closed form (Poisson, negative binomial, gamma, normal,
 *   constants); then one step is drawn conditioned on at least one track moving. Timed events and
 *   the horizon cut a dwell short; the memoryless property makes that exact.
 */

import * as dm from '../det-math.ts';
import * as dist from '../distributions.ts';
import { GeoriskError, issue } from '../errors.ts';
import type { CompiledExpression, EvalState } from '../expression/expression.ts';
import type { Assignment, CompiledTransition, EventModel, Model, TrackModel } from '../model/model.ts';
import { TrialStream, trialSeed } from '../rng.ts';
import type { Distribution } from '../scenario-schema.ts';
import { addValue } from '../summarize.ts';
import { emptySummary, type RunSummary } from './run-summary.ts';
import { type BulkAmount, MAX_TABLE_ROWS, newEvalState, planTrials, type TimedEvent } from './trial-plan.ts';

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
}

/**
 * Runs trials [firstTrial, firstTrial + trials) and returns their summary.
 * @example const summary = simulate(buildModel(scenario), { seed: 1, firstTrial: 0, trials: 10_000 })
 */
export function simulate(model: Model, options: SimulateOptions): RunSummary {
  const runner = new TrialRunner(model, options.stepOnly === true);
  const summary = emptySummary(model);
  runner.runAll(options.seed, options.firstTrial, options.firstTrial + options.trials, summary, options.onProgress, options.progressEvery);
  summary.trialSteps = options.trials * model.steps;
  return summary;
}

/** A precomputed step rule for one (track, state, dependency states) combination. */
interface Row {
  /** Probability of leaving in one step. */
  leave: number;
  /** log(1 − leave). */
  logStay: number;
  /** Cumulative probabilities of each option given that the track leaves. */
  cumulative: Float64Array;
  options: CompiledTransition[];
  generation: number;
}

class TrialRunner {
  private readonly rng = new TrialStream();
  private readonly paramRng = new TrialStream();
  private readonly s: EvalState;
  private readonly startStates: Int32Array;
  private readonly enteredAt: Int32Array;
  private readonly fired: Uint8Array;
  private readonly flowScratch: Float64Array;
  private readonly chosen: (CompiledTransition | undefined)[];
  private readonly timed: TimedEvent[];
  private readonly conditional: EventModel[];
  private readonly rows: (Row | undefined)[][];
  private readonly rowScratch: Row[];
  private generation = 1;
  /** Parameters with an uncertainty distribution (drawn at the start of every trial). */
  private readonly uncertain: number[];
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
  /** Joint-state cache (empty when the joint state space is too large to cache). */
  private readonly joints: (JointRow | undefined)[];
  /** Per track: the weight of its state in the joint-state index. */
  private readonly strides: Int32Array;
  /** Index of the current joint state (kept up to date by recordChanges). */
  private jointIndex = 0;
  private jointScratch: JointRow | undefined;
  private readonly cacheJoints: boolean;
  /** Some event may apply at t = 0 (a timed one at 0, or any condition event). */
  private readonly eventsAtStart: boolean;
  /** No track has a state whose rates read time or variables. */
  private readonly allStatic: boolean;
  /** The moving step's flows can join the bulk draw (no transition effect reads a variable). */
  private readonly foldFlows: boolean;
  /** Per variable: read by no expression but metrics and changed only by flows. */
  private readonly deferred: Uint8Array;
  /** Per deferred variable: the summed mean of Poisson amounts not yet drawn. */
  private readonly pendingMean: Float64Array;
  /** Some transition sets or adds to a variable. */
  private readonly hasEffects: boolean;

  constructor(
    private readonly model: Model,
    stepOnly: boolean,
  ) {
    const plan = planTrials(model, stepOnly);
    const nTracks = model.tracks.length;
    this.s = newEvalState(model, this.rng);
    this.startStates = new Int32Array(nTracks);
    this.enteredAt = new Int32Array(nTracks);
    this.fired = new Uint8Array(model.events.length);
    this.flowScratch = new Float64Array(model.flows.length);
    this.chosen = new Array(nTracks).fill(undefined);
    this.timed = plan.timed;
    this.conditional = plan.conditional;
    this.rows = plan.tableSizes.map((size) => new Array(size).fill(undefined));
    this.rowScratch = model.tracks.map((t) => newRow(Math.max(1, ...t.outgoing.map((o) => o.length))));
    this.tableParams = new Float64Array(model.params.values.length).fill(Number.NaN);
    this.slotsPerTrack = plan.slotsPerTrack;
    this.steps = model.steps;
    this.dt = model.dt;
    this.canSkip = plan.canSkip;
    this.uncertain = plan.uncertain;
    this.s.p.set(model.params.values);
    this.checkTableParams();
    this.bulk = plan.bulk;
    this.radix = plan.radix;
    this.strides = plan.strides;
    this.joints = plan.jointStates <= MAX_TABLE_ROWS ? new Array(plan.jointStates).fill(undefined) : [];
    this.cacheJoints = this.joints.length > 0;
    this.eventsAtStart = plan.eventsAtStart;
    this.allStatic = plan.allStatic;
    this.deferred = plan.deferred;
    this.pendingMean = new Float64Array(model.vars.names.length);
    this.hasEffects = plan.hasEffects;
    this.foldFlows = plan.foldFlows;
  }

  /** Runs one trial and adds it to `summary`. */
  /** Runs trials [first, end) into `summary`; a failure names its trial and time. */
  runAll(seed: number, first: number, end: number, summary: RunSummary, progress?: (done: number) => void, every = 1000): void {
    let trial = first;
    try {
      for (; trial < end; trial++) {
        this.runTrial(seed, trial, summary);
        if (progress && (trial - first + 1) % every === 0) progress(trial - first + 1);
      }
    } catch (error) {
      if (error instanceof GeoriskError) {
        const at = `(trial ${trial}, t = ${this.s.t})`;
        throw new GeoriskError(error.issues.map((i) => ({ ...i, message: `${i.message} ${at}` })));
      }
      throw error;
    }
  }

  private runTrial(seed: number, trial: number, summary: RunSummary): void {
    const { model, s } = this;
    this.rng.reseed(trialSeed(seed, trial, 0));
    this.startParams(seed, trial);
    const initial = model.vars.initial;
    for (let j = 0; j < initial.length; j++) s.v[j] = initial[j]!;
    for (let j = 0; j < s.ever.length; j++) {
      s.ever[j] = 0;
      s.first[j] = Number.NaN;
      s.timeIn[j] = 0;
    }
    if (this.fired.length > 0) this.fired.fill(0);
    s.t = 0;
    const tracks = model.tracks;
    for (let i = 0; i < tracks.length; i++) {
      s.k[i] = tracks[i]!.initial;
      this.enteredAt[i] = 0;
    }
    // Events at t = 0 apply to the initial state before anything is recorded.
    this.nextTimed = 0;
    if (this.eventsAtStart) this.applyDueEvents(0);
    this.jointIndex = 0;
    const firstWidth = this.steps + 1;
    for (let i = 0; i < tracks.length; i++) {
      const state = s.k[i]!;
      this.jointIndex += state * this.strides[i]!;
      const slot = this.slotsPerTrack[i]! + state;
      s.ever[slot] = 1;
      summary.ever[slot]!++;
      s.first[slot] = 0;
      summary.firstAt[slot * firstWidth]!++;
    }

    let m = 0;
    const n = this.steps;
    while (m < n) {
      const barrier = this.nextTimed < this.timed.length ? this.timed[this.nextTimed]!.atStep : n;
      if (this.canSkip && (this.allStatic || this.jointStateIsStatic())) {
        const joint = this.jointRow();
        const logQ = joint.logQ;
        const available = barrier - m;
        const quiet =
          logQ === 0
            ? Number.POSITIVE_INFINITY
            : logQ === Number.NEGATIVE_INFINITY
              ? 0
              : Math.floor(dm.log(this.rng.uniform()) * joint.invLogQ);
        if (quiet >= available) {
          // Every step up to the barrier is quiet: nothing moves, then events due there apply.
          this.bulkFlows(joint, available);
          m = barrier;
          s.t = m * this.dt;
          this.startStates.set(s.k);
          this.afterSwitch(m, summary);
          continue;
        }
        // The flows of the moving step read the same state as the quiet ones, so they join the
        // bulk draw, unless a transition effect must see the variables before that step's flows.
        this.bulkFlows(joint, this.foldFlows ? quiet + 1 : quiet);
        m += quiet;
        s.t = m * this.dt;
        this.movingStep(m, joint, summary);
      } else {
        s.t = m * this.dt;
        this.step(m, summary);
      }
      m++;
    }
    this.finishTrial(summary);
  }

  private startParams(seed: number, trial: number): void {
    const { model, s } = this;
    // Parameters only need resetting when the last trial drew or changed them.
    if (this.uncertain.length === 0 && !this.paramsChanged) return;
    s.p.set(model.params.values);
    this.paramsChanged = false;
    if (this.uncertain.length > 0) {
      this.paramRng.reseed(trialSeed(seed, trial, 1));
      for (const i of this.uncertain) s.p[i] = drawDistribution(this.paramRng, model.params.uncertainty[i]!);
    }
    this.checkTableParams();
  }

  /** Invalidates cached rows when parameters differ from those they were built with. */
  private checkTableParams(): void {
    const p = this.s.p;
    for (let i = 0; i < p.length; i++) {
      if (p[i] !== this.tableParams[i]) {
        this.tableParams.set(p);
        this.generation++;
        return;
      }
    }
  }

  private jointStateIsStatic(): boolean {
    const { model, s } = this;
    for (const t of model.tracks) if (t.dynamic[s.k[t.index]!]) return false;
    return true;
  }

  /** The step rule of a track in its current state, from the table or computed now. */
  private row(t: TrackModel): Row {
    const s = this.s;
    const state = s.k[t.index]!;
    const table = this.rows[t.index]!;
    if (table.length === 0 || t.dynamic[state]) {
      const scratch = this.rowScratch[t.index]!;
      fillRow(scratch, t.outgoing[state]!, s, this.dt);
      return scratch;
    }
    let index = state;
    const deps = t.dependsOn;
    const radix = this.radix[t.index]!;
    for (let j = 0; j < deps.length; j++) index = index * radix[j]! + s.k[deps[j]!]!;
    let row = table[index];
    if (row === undefined || row.generation !== this.generation) {
      row ??= newRow(t.outgoing[state]!.length);
      fillRow(row, t.outgoing[state]!, s, this.dt);
      row.generation = this.generation;
      table[index] = row;
    }
    return row;
  }

  /** Adds `count` steps of every flow at the current (static) joint state. */
  private bulkFlows(joint: JointRow, count: number): void {
    if (count === 0) return;
    const { model, s } = this;
    const flows = model.flows;
    for (let i = 0; i < flows.length; i++) {
      const kind = joint.flowKind[i];
      if (kind === FLOW_OFF) continue;
      const x = joint.flowValue[i]!;
      const variable = flows[i]!.variable;
      if (kind === FLOW_CONSTANT) s.v[variable]! += count * x;
      else if (kind === FLOW_POISSON) {
        // Poisson amounts into a variable nothing reads before the end add their means instead:
        // a sum of independent Poisson draws is one Poisson draw of the summed mean.
        if (this.deferred[variable]) this.pendingMean[variable]! += count * x;
        else s.v[variable]! += dist.poisson(this.rng, count * x);
      } else s.v[variable]! += this.bulk[i]!(s, count);
    }
  }

  /** The cached step rules, quiet-step probability and flow shapes of the current joint state. */
  private jointRow(): JointRow {
    if (this.cacheJoints) {
      const joint = this.joints[this.jointIndex];
      if (joint !== undefined && joint.generation === this.generation) return joint;
    }
    return this.buildJointRow();
  }

  /** Computes (and caches) the joint row of the current joint state. */
  private buildJointRow(): JointRow {
    const { model, s } = this;
    const tracks = model.tracks;
    const index = this.jointIndex;
    let joint = this.cacheJoints ? this.joints[index] : this.jointScratch;
    joint ??= newJointRow(tracks.length, model.flows.length);
    let logQ = 0;
    for (let i = 0; i < tracks.length; i++) {
      const row = this.row(tracks[i]!);
      // Rows computed on the fly live in scratch space, so the joint row keeps its own copy.
      const own = joint.rows[i] ?? newRow(row.options.length);
      copyRow(row, own);
      joint.rows[i] = own;
      logQ += row.logStay;
    }
    joint.logQ = logQ;
    joint.invLogQ = 1 / logQ;
    fillPatterns(joint, tracks.length);
    // Conditional move probabilities for the moving step (see movingStep).
    let laterStay = 0;
    for (let i = tracks.length - 1; i >= 0; i--) {
      const row = joint.rows[i]!;
      const stayFromHere = laterStay + row.logStay;
      joint.condLeave[i] = row.leave <= 0 ? 0 : laterStay === 0 ? 1 : Math.min(1, row.leave / -dm.expm1(stayFromHere));
      laterStay = stayFromHere;
    }
    model.flows.forEach((f, i) => {
      if (f.when !== undefined && !f.when.fn(s)) {
        joint.flowKind[i] = FLOW_OFF;
        return;
      }
      const amount = f.amount;
      if (amount.constant !== undefined) {
        joint.flowKind[i] = FLOW_CONSTANT;
        joint.flowValue[i] = amount.constant;
      } else if (amount.sampler?.name === 'poisson' && !amount.sampler.argsRandom) {
        const mean = amount.sampler.args[0]!(s);
        if (!(mean >= 0 && mean < Number.POSITIVE_INFINITY)) {
          throw new GeoriskError([issue('runtime_value', f.path, `poisson mean must be finite and >= 0, got ${mean}`)]);
        }
        joint.flowKind[i] = FLOW_POISSON;
        joint.flowValue[i] = mean;
      } else if (!amount.reads.random) {
        joint.flowKind[i] = FLOW_CONSTANT;
        joint.flowValue[i] = amount.fn(s);
      } else {
        joint.flowKind[i] = FLOW_GENERIC;
      }
    });
    joint.generation = this.generation;
    if (this.cacheJoints) this.joints[index] = joint;
    else this.jointScratch = joint;
    return joint;
  }

  /** One ordinary step from index m to m + 1 under the step rule. */
  private step(m: number, summary: RunSummary): void {
    const { model, s } = this;
    const tracks = model.tracks;
    const flows = model.flows;
    // 1–2. Flows read the state at the start of the step.
    for (let f = 0; f < flows.length; f++) {
      const flow = flows[f]!;
      this.flowScratch[f] = flow.when !== undefined && !flow.when.fn(s) ? 0 : flow.amount.fn(s);
    }
    // 3. Each track draws its move independently.
    for (let i = 0; i < tracks.length; i++) {
      const row = this.row(tracks[i]!);
      this.chosen[i] = row.leave > 0 ? this.drawMove(row, row.leave) : undefined;
    }
    this.commitStep(m, true, summary);
  }

  /**
   * The step that ends a run of quiet steps, drawn given that at least one track moves: track i
   * moves with probability L_i / P(some track from i on moves) until one has moved, then with L_i.
   */
  private movingStep(m: number, joint: JointRow, summary: RunSummary): void {
    const tracks = this.model.tracks;
    if (joint.patternCount > 0) {
      // One uniform picks which tracks move (a pattern), then, rescaled, each mover's target.
      const cum = joint.patternCum;
      const u = this.rng.uniform();
      const lastPattern = joint.patternCount - 1;
      let k = 0;
      while (k < lastPattern && u >= cum[k]!) k++;
      const below = k > 0 ? cum[k - 1]! : 0;
      // The last pattern takes whatever rounding leaves, up to 1.
      const above = k === lastPattern ? 1 : cum[k]!;
      // In [0, 1); should rounding give 1, the searches below simply pick the last option.
      let v = (u - below) / (above - below);
      const mask = joint.patterns[k]!;
      for (let i = 0; i < tracks.length; i++) {
        if ((mask & (1 << i)) === 0) {
          this.chosen[i] = undefined;
          continue;
        }
        const row = joint.rows[i]!;
        const options = row.cumulative;
        const last = row.options.length - 1;
        let j = 0;
        while (j < last && v >= options[j]!) j++;
        this.chosen[i] = row.options[j];
        const from = j > 0 ? options[j - 1]! : 0;
        const to = j < last ? options[j]! : 1;
        v = (v - from) / (to - from);
      }
    } else {
      this.sequentialMoves(joint);
    }
    if (!this.foldFlows) {
      const { s } = this;
      const flows = this.model.flows;
      for (let f = 0; f < flows.length; f++) {
        const flow = flows[f]!;
        this.flowScratch[f] = flow.when !== undefined && !flow.when.fn(s) ? 0 : flow.amount.fn(s);
      }
    }
    this.commitStep(m, !this.foldFlows, summary);
  }

  /** The moving step for many tracks: each in turn, conditioned on a later one moving if none has yet. */
  private sequentialMoves(joint: JointRow): void {
    let moved = false;
    for (let i = 0; i < this.model.tracks.length; i++) {
      const row = joint.rows[i]!;
      const p = moved ? row.leave : joint.condLeave[i]!;
      const tr = p > 0 ? this.drawMove(row, p) : undefined;
      this.chosen[i] = tr;
      if (tr !== undefined) moved = true;
    }
  }

  /** With probability p the track moves; the same uniform, rescaled, picks where to. */
  private drawMove(row: Row, p: number): CompiledTransition | undefined {
    const u = this.rng.uniform();
    if (u >= p) return undefined;
    const v = u / p;
    const cum = row.cumulative;
    const last = row.options.length - 1;
    let j = 0;
    while (j < last && v >= cum[j]!) j++;
    return row.options[j];
  }

  /** Adds the step's flows and transition effects, switches all tracks at once, then steps 4–5. */
  private commitStep(m: number, addFlows: boolean, summary: RunSummary): void {
    const { model, s } = this;
    const tracks = model.tracks;
    const flows = model.flows;
    // Amounts of transition effects also read the start of the step.
    const pending = this.hasEffects ? this.evaluateEffects() : undefined;
    if (addFlows) for (let f = 0; f < flows.length; f++) s.v[flows[f]!.variable]! += this.flowScratch[f]!;
    if (pending) for (const [kind, slot, value] of pending) applyAssignment(s, kind, slot, value);
    for (let i = 0; i < tracks.length; i++) {
      const state = s.k[i]!;
      this.startStates[i] = state;
      const tr = this.chosen[i];
      if (tr !== undefined) s.k[i] = tr.to;
    }
    s.t = (m + 1) * this.dt;
    // Steps 4–5; most steps have no event to check, so they go straight to the records.
    if (this.conditional.length > 0 || (this.nextTimed < this.timed.length && this.timed[this.nextTimed]?.atStep === m + 1)) {
      this.applyDueEvents(m + 1);
    }
    this.recordChanges(m + 1, summary);
  }

  /** Steps 4–5 after the switch to time index m: events due then apply, then records update. */
  private afterSwitch(m: number, summary: RunSummary): void {
    this.applyDueEvents(m);
    this.recordChanges(m, summary);
  }

  /** Timed events at time index m, in declaration order, then condition events that now hold. */
  private applyDueEvents(m: number): void {
    const timed = this.timed;
    while (this.nextTimed < timed.length && timed[this.nextTimed]?.atStep === m) this.applyEvent(timed[this.nextTimed++]!);
    this.applyConditionalEvents();
  }

  private evaluateEffects(): ['set' | 'add', Assignment, number][] {
    const out: ['set' | 'add', Assignment, number][] = [];
    for (let i = 0; i < this.chosen.length; i++) {
      const tr = this.chosen[i];
      if (tr === undefined) continue;
      for (const a of tr.set) out.push(['set', a, a.value.fn(this.s)]);
      for (const a of tr.add) out.push(['add', a, a.value.fn(this.s)]);
    }
    return out;
  }

  private applyEvent(e: EventModel): void {
    const s = this.s;
    const values = [...e.set.map((a) => a.value.fn(s)), ...e.add.map((a) => a.value.fn(s))];
    let paramsChanged = false;
    e.set.forEach((a, i) => {
      applyAssignment(s, 'set', a, values[i]!);
      if (a.target.kind === 'param') paramsChanged = true;
    });
    e.add.forEach((a, i) => applyAssignment(s, 'add', a, values[e.set.length + i]!));
    for (const f of e.force) s.k[f.track] = f.state;
    if (paramsChanged) {
      this.paramsChanged = true;
      this.checkTableParams();
    }
  }

  private applyConditionalEvents(): void {
    const events = this.conditional;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (this.fired[e.index] || !(e.when as CompiledExpression).fn(this.s)) continue;
      this.fired[e.index] = 1;
      this.applyEvent(e);
    }
  }

  /** Step 5: closes the intervals of tracks whose state changed since `startStates`, opens new ones. */
  private recordChanges(m: number, summary: RunSummary): void {
    const { model, s } = this;
    const width = this.steps + 2;
    for (let i = 0; i < model.tracks.length; i++) {
      const before = this.startStates[i]!;
      const now = s.k[i]!;
      if (before === now) continue;
      this.jointIndex += (now - before) * this.strides[i]!;
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
  }

  private finishTrial(summary: RunSummary): void {
    const { model, s } = this;
    const pending = this.pendingMean;
    for (let i = 0; i < pending.length; i++) {
      if (pending[i] === 0) continue;
      s.v[i]! += dist.poisson(this.rng, pending[i]!);
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
    for (let j = 0; j < metrics.length; j++) {
      const metric = metrics[j]!;
      const acc = summary.metrics[j]!;
      const firstOf = metric.expr.firstOf;
      if (firstOf !== undefined) {
        const slot = this.slotsPerTrack[firstOf.track]! + firstOf.state;
        if (Number.isNaN(s.first[slot]!)) acc.censored++;
      }
      addValue(acc, metric.expr.fn(s));
    }
    summary.trials++;
  }
}

const FLOW_OFF = 0;
const FLOW_CONSTANT = 1;
const FLOW_POISSON = 2;
const FLOW_GENERIC = 3;

/** Everything the skipping path needs about one joint state. */
interface JointRow {
  generation: number;
  /** log-probability that no track moves in a step, and its reciprocal. */
  logQ: number;
  invLogQ: number;
  rows: Row[];
  /** Per flow: off, a constant per step, a Poisson mean per step, or a general amount. */
  flowKind: Uint8Array;
  flowValue: Float64Array;
  /** Per track: P(it moves | no earlier track moved, and some track from it on moves). */
  condLeave: Float64Array;
  /** Which sets of tracks can move together (bit masks), and their cumulative probabilities given a move. */
  patterns: Int32Array;
  patternCum: Float64Array;
  /** How many of `patterns` are in use (0: draw track by track instead). */
  patternCount: number;
}

/** Most tracks for which move patterns are enumerated (2^n − 1 of them). */
const MAX_PATTERN_TRACKS = 8;

/** P(exactly the tracks in a mask move | at least one moves), for every mask with positive probability. */
function fillPatterns(joint: JointRow, tracks: number): void {
  // Only tracks that can move matter; the others stay put in every pattern.
  let active = 0;
  let count = 0;
  for (let i = 0; i < tracks; i++) {
    if (joint.rows[i]!.leave > 0) {
      active |= 1 << i;
      count++;
    }
  }
  joint.patternCount = 0;
  if (count > MAX_PATTERN_TRACKS || count === 0 || tracks > 30) return;
  const size = (1 << count) - 1;
  // Rebuilt per trial when parameters are uncertain: keep the arrays, grow them only when needed.
  if (joint.patterns.length < size) {
    joint.patterns = new Int32Array(size);
    joint.patternCum = new Float64Array(size);
  }
  joint.patternCount = size;
  const anyMove = -dm.expm1(joint.logQ);
  let n = 0;
  let total = 0;
  // Every non-empty subset of the active tracks, in increasing order of its bit mask.
  for (let mask = active & -active; mask !== 0; mask = (mask - active) & active) {
    let p = 1;
    for (let i = 0; i < tracks; i++) {
      if ((active & (1 << i)) === 0) continue;
      const row = joint.rows[i]!;
      p *= mask & (1 << i) ? row.leave : dm.exp(row.logStay);
    }
    total += p / anyMove;
    joint.patterns[n] = mask;
    joint.patternCum[n] = total;
    n++;
  }
}

function newJointRow(tracks: number, flows: number): JointRow {
  return {
    generation: 0,
    logQ: 0,
    invLogQ: 0,
    rows: new Array(tracks),
    flowKind: new Uint8Array(flows),
    flowValue: new Float64Array(flows),
    condLeave: new Float64Array(tracks),
    patterns: new Int32Array(0),
    patternCum: new Float64Array(0),
    patternCount: 0,
  };
}

function copyRow(from: Row, to: Row): void {
  to.leave = from.leave;
  to.logStay = from.logStay;
  to.options = from.options;
  const n = from.options.length;
  if (to.cumulative.length < n) to.cumulative = new Float64Array(n);
  // An element loop: `set(subarray(…))` would allocate a view on every copy, and rows are copied per trial.
  for (let j = 0; j < n; j++) to.cumulative[j] = from.cumulative[j]!;
  to.generation = from.generation;
}

function newRow(size: number): Row {
  return { leave: 0, logStay: 0, cumulative: new Float64Array(size), options: [], generation: 0 };
}

/** Computes the step rule out of one state: probabilities first, then competing rates. */
function fillRow(row: Row, outgoing: CompiledTransition[], s: EvalState, dt: number): void {
  let probability = 0;
  let hazard = 0;
  for (const tr of outgoing) {
    const x = tr.value.fn(s);
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
  if (probability > 1 + 1e-12) {
    throw new GeoriskError([
      issue(
        'probability_range',
        outgoing[0]?.path ?? '',
        `the probabilities out of one state add up to ${probability}; their sum must be <= 1`,
      ),
    ]);
  }
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
    const x = tr.value.fn(s);
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

/** One draw of a parameter's uncertainty distribution. */
export function drawDistribution(rng: TrialStream, d: Distribution): number {
  switch (d.dist) {
    case 'uniform':
      return dist.uniform(rng, d.min, d.max);
    case 'triangular':
      return dist.triangular(rng, d.min, d.mode, d.max);
    case 'normal':
      return dist.normal(rng, d.mean, d.sd);
    case 'lognormal':
      return dist.lognormal(rng, d.mu, d.sigma);
    case 'beta':
      return dist.beta(rng, d.alpha, d.beta);
    case 'gamma':
      return dist.gamma(rng, d.shape, d.scale);
  }
}
