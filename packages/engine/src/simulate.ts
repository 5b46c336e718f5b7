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
import * as dist from './distributions.ts';
import { GeoriskError, issue } from './errors.ts';
import type { CompiledExpression, EvalState } from './expression.ts';
import type { Assignment, CompiledTransition, EventModel, Model, TrackModel } from './model.ts';
import { TrialStream, trialSeed } from './rng.ts';
import type { Distribution } from './scenario-schema.ts';
import { addValue, type MetricAccumulator, mergeMetric, newMetricAccumulator } from './summarize.ts';

/** Rows of a precomputed transition table at most; larger tracks evaluate rates on each move. */
const MAX_TABLE_ROWS = 1 << 16;

/** What trials of one run (or one chunk of it) add up to; plain data that crosses workers. */
export interface RunSummary {
  trials: number;
  /** Trial-steps simulated (trials × steps), for throughput figures. */
  trialSteps: number;
  steps: number;
  /** Per (track, state) slot: trials that ended there. */
  final: Float64Array;
  /** Per slot: trials that ever visited it. */
  ever: Float64Array;
  /** Per slot, (steps + 2) entries: a difference array of occupancy over time indices 0..steps. */
  occupancy: Float64Array;
  /** Per slot, (steps + 1) entries: trials whose first entry was at each time index. */
  firstAt: Float64Array;
  metrics: MetricAccumulator[];
}

/** A new, empty summary for a model. */
export function emptySummary(model: Model): RunSummary {
  const slots = model.totalStates;
  return {
    trials: 0,
    trialSteps: 0,
    steps: model.steps,
    final: new Float64Array(slots),
    ever: new Float64Array(slots),
    occupancy: new Float64Array(slots * (model.steps + 2)),
    firstAt: new Float64Array(slots * (model.steps + 1)),
    metrics: model.metrics.map(() => newMetricAccumulator()),
  };
}

/** Adds `b` into `a`; exact, so the order of merging never matters. */
export function mergeSummaries(a: RunSummary, b: RunSummary): RunSummary {
  a.trials += b.trials;
  a.trialSteps += b.trialSteps;
  addInto(a.final, b.final);
  addInto(a.ever, b.ever);
  addInto(a.occupancy, b.occupancy);
  addInto(a.firstAt, b.firstAt);
  a.metrics.forEach((m, i) => mergeMetric(m, b.metrics[i] as MetricAccumulator));
  return a;
}

function addInto(a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] += b[i] as number;
}

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
  const every = options.progressEvery ?? 1000;
  const end = options.firstTrial + options.trials;
  for (let i = options.firstTrial; i < end; i++) {
    runner.run(options.seed, i, summary);
    if (options.onProgress && (i - options.firstTrial + 1) % every === 0) options.onProgress(i - options.firstTrial + 1);
  }
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
  private readonly timed: EventModel[];
  private readonly conditional: EventModel[];
  private readonly rows: (Row | undefined)[][];
  private readonly rowScratch: Row[];
  private readonly leave: Float64Array;
  private readonly suffixStay: Float64Array;
  private generation = 1;
  private nextTimed = 0;
  private readonly tableParams: Float64Array;
  private readonly slotsPerTrack: number[];
  private readonly steps: number;
  private readonly dt: number;
  private readonly canSkip: boolean;

  constructor(
    private readonly model: Model,
    stepOnly: boolean,
  ) {
    const nTracks = model.tracks.length;
    this.s = {
      p: new Float64Array(model.params.values.length),
      v: new Float64Array(model.vars.initial.length),
      k: new Int32Array(nTracks),
      t: 0,
      rng: this.rng,
      ever: new Uint8Array(model.totalStates),
      first: new Float64Array(model.totalStates),
      timeIn: new Float64Array(model.totalStates),
    };
    this.startStates = new Int32Array(nTracks);
    this.enteredAt = new Int32Array(nTracks);
    this.fired = new Uint8Array(model.events.length);
    this.flowScratch = new Float64Array(model.flows.length);
    this.chosen = new Array(nTracks).fill(undefined);
    this.timed = model.events.filter((e) => e.atStep !== undefined).sort((a, b) => (a.atStep as number) - (b.atStep as number));
    this.conditional = model.events.filter((e) => e.atStep === undefined);
    this.rows = model.tracks.map((t) => new Array(this.tableSize(t)).fill(undefined));
    this.rowScratch = model.tracks.map((t) => newRow(Math.max(1, ...t.outgoing.map((o) => o.length))));
    this.leave = new Float64Array(nTracks);
    this.suffixStay = new Float64Array(nTracks + 1);
    this.tableParams = new Float64Array(model.params.values.length).fill(Number.NaN);
    this.slotsPerTrack = model.tracks.map((t) => t.stateOffset);
    this.steps = model.steps;
    this.dt = model.dt;
    this.canSkip = model.skippable && !stepOnly;
  }

  private tableSize(t: TrackModel): number {
    let size = t.states.length;
    for (const d of t.dependsOn) size *= this.model.tracks[d]?.states.length ?? 1;
    return size <= MAX_TABLE_ROWS ? size : 0;
  }

  /** Runs one trial and adds it to `summary`. */
  run(seed: number, trial: number, summary: RunSummary): void {
    try {
      this.runTrial(seed, trial, summary);
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
    s.v.set(model.vars.initial);
    s.ever.fill(0);
    s.first.fill(Number.NaN);
    s.timeIn.fill(0);
    this.fired.fill(0);
    s.t = 0;
    for (const t of model.tracks) {
      s.k[t.index] = t.initial;
      this.enteredAt[t.index] = 0;
    }
    // Events at t = 0 apply to the initial state before anything is recorded.
    this.nextTimed = 0;
    this.applyDueEvents(0);
    for (const t of model.tracks) {
      const slot = t.stateOffset + (s.k[t.index] as number);
      s.ever[slot] = 1;
      s.first[slot] = 0;
      summary.firstAt[slot * (this.steps + 1)]++;
    }

    let m = 0;
    const n = this.steps;
    while (m < n) {
      const barrier = this.nextTimed < this.timed.length ? (this.timed[this.nextTimed]?.atStep as number) : n;
      if (this.canSkip && this.jointStateIsStatic()) {
        const logQ = this.prepareLeaveProbabilities();
        const available = barrier - m;
        const quiet =
          logQ === 0 ? Number.POSITIVE_INFINITY : logQ === Number.NEGATIVE_INFINITY ? 0 : Math.floor(Math.log(this.rng.uniform()) / logQ);
        if (quiet >= available) {
          // Every step up to the barrier is quiet: nothing moves, then events due there apply.
          this.bulkFlows(available);
          m = barrier;
          s.t = m * this.dt;
          this.startStates.set(s.k);
          this.afterSwitch(m, summary);
          continue;
        }
        if (quiet > 0) this.bulkFlows(quiet);
        m += quiet;
        s.t = m * this.dt;
        this.step(m, true, summary);
      } else {
        s.t = m * this.dt;
        this.step(m, false, summary);
      }
      m++;
    }
    this.finishTrial(summary);
  }

  private startParams(seed: number, trial: number): void {
    const { model, s } = this;
    s.p.set(model.params.values);
    let seeded = false;
    model.params.uncertainty.forEach((d, i) => {
      if (d === undefined) return;
      if (!seeded) {
        this.paramRng.reseed(trialSeed(seed, trial, 1));
        seeded = true;
      }
      s.p[i] = drawDistribution(this.paramRng, d);
    });
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
    for (const t of model.tracks) if (t.dynamic[s.k[t.index] as number]) return false;
    return true;
  }

  /** Fills `leave` and returns log Q, the log-probability that no track moves in one step. */
  private prepareLeaveProbabilities(): number {
    let logQ = 0;
    const tracks = this.model.tracks;
    for (let i = 0; i < tracks.length; i++) {
      const row = this.row(tracks[i] as TrackModel);
      this.leave[i] = row.leave;
      logQ += row.logStay;
    }
    return logQ;
  }

  /** The step rule of a track in its current state, from the table or computed now. */
  private row(t: TrackModel): Row {
    const s = this.s;
    const state = s.k[t.index] as number;
    const table = this.rows[t.index] as (Row | undefined)[];
    if (table.length === 0 || t.dynamic[state]) {
      const scratch = this.rowScratch[t.index] as Row;
      fillRow(scratch, t.outgoing[state] as CompiledTransition[], s, this.dt);
      return scratch;
    }
    let index = state;
    for (const d of t.dependsOn) index = index * (this.model.tracks[d] as TrackModel).states.length + (s.k[d] as number);
    let row = table[index];
    if (row === undefined || row.generation !== this.generation) {
      row ??= newRow((t.outgoing[state] as CompiledTransition[]).length);
      fillRow(row, t.outgoing[state] as CompiledTransition[], s, this.dt);
      row.generation = this.generation;
      table[index] = row;
    }
    return row;
  }

  /** Adds `count` quiet steps of every flow at the current (static) state. */
  private bulkFlows(count: number): void {
    const { model, s } = this;
    for (const f of model.flows) {
      if (f.when !== undefined && !f.when.fn(s)) continue;
      s.v[f.variable] += bulkAmount(f.amount, count, s);
    }
  }

  /**
   * One step from index m to m + 1 under the step rule; with `conditioned`, drawn given that at
   * least one track moves (the step that ends a run of quiet steps).
   */
  private step(m: number, conditioned: boolean, summary: RunSummary): void {
    const { model, s, rng } = this;
    const tracks = model.tracks;
    const flows = model.flows;
    // 1–2. Flows read the state at the start of the step.
    for (let f = 0; f < flows.length; f++) {
      const flow = flows[f] as (typeof flows)[number];
      this.flowScratch[f] = flow.when !== undefined && !flow.when.fn(s) ? 0 : flow.amount.fn(s);
    }
    // 3. Each track draws its move, independently (given the conditioning).
    if (conditioned) {
      // suffixStay[i]: log-probability that none of tracks i.. moves.
      this.suffixStay[tracks.length] = 0;
      for (let i = tracks.length - 1; i >= 0; i--)
        this.suffixStay[i] = (this.suffixStay[i + 1] as number) + Math.log1p(-(this.leave[i] as number));
    }
    let moved = false;
    for (let i = 0; i < tracks.length; i++) {
      const t = tracks[i] as TrackModel;
      const row = this.row(t);
      let pLeave = row.leave;
      this.chosen[i] = undefined;
      if (pLeave <= 0) continue;
      if (conditioned && !moved) {
        // Given that some track from i on moves: P(i moves) = L_i / P(any of i.. moves).
        const laterStay = this.suffixStay[i + 1] as number;
        pLeave = laterStay === 0 ? 1 : Math.min(1, pLeave / -Math.expm1(this.suffixStay[i] as number));
      }
      const u = rng.uniform();
      if (u < pLeave) {
        moved = true;
        const v = u / pLeave;
        const cum = row.cumulative;
        let j = 0;
        const last = row.options.length - 1;
        while (j < last && v >= (cum[j] as number)) j++;
        this.chosen[i] = row.options[j];
      }
    }
    // Amounts of transition effects also read the start of the step.
    let effects = false;
    for (let i = 0; i < tracks.length; i++) {
      const tr = this.chosen[i];
      if (tr !== undefined && (tr.set.length > 0 || tr.add.length > 0)) effects = true;
    }
    const pending = effects ? this.evaluateEffects() : undefined;
    for (let f = 0; f < flows.length; f++) s.v[(flows[f] as (typeof flows)[number]).variable] += this.flowScratch[f] as number;
    if (pending) for (const [kind, slot, value] of pending) applyAssignment(s, kind, slot, value);
    // 4. All tracks switch at once; events due at the new time apply (the caller handles timed ones).
    this.startStates.set(s.k);
    for (let i = 0; i < tracks.length; i++) {
      const tr = this.chosen[i];
      if (tr !== undefined) s.k[i] = tr.to;
    }
    s.t = (m + 1) * this.dt;
    this.afterSwitch(m + 1, summary);
  }

  /** Steps 4–5 after the switch to time index m: events due then apply, then records update. */
  private afterSwitch(m: number, summary: RunSummary): void {
    this.applyDueEvents(m);
    this.recordChanges(m, summary);
  }

  /** Timed events at time index m, in declaration order, then condition events that now hold. */
  private applyDueEvents(m: number): void {
    const timed = this.timed;
    while (this.nextTimed < timed.length && timed[this.nextTimed]?.atStep === m) this.applyEvent(timed[this.nextTimed++] as EventModel);
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
      applyAssignment(s, 'set', a, values[i] as number);
      if (a.target.kind === 'param') paramsChanged = true;
    });
    e.add.forEach((a, i) => applyAssignment(s, 'add', a, values[e.set.length + i] as number));
    for (const f of e.force) s.k[f.track] = f.state;
    if (paramsChanged) this.checkTableParams();
  }

  private applyConditionalEvents(): void {
    const events = this.conditional;
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as EventModel;
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
      const before = this.startStates[i] as number;
      const now = s.k[i] as number;
      if (before === now) continue;
      const offset = this.slotsPerTrack[i] as number;
      const from = this.enteredAt[i] as number;
      const oldSlot = offset + before;
      summary.occupancy[oldSlot * width + from]++;
      summary.occupancy[oldSlot * width + m]--;
      s.timeIn[oldSlot] += (m - from) * this.dt;
      this.enteredAt[i] = m;
      const slot = offset + now;
      s.ever[slot] = 1;
      if (Number.isNaN(s.first[slot] as number)) {
        s.first[slot] = m * this.dt;
        summary.firstAt[slot * (this.steps + 1) + m]++;
      }
    }
  }

  private finishTrial(summary: RunSummary): void {
    const { model, s } = this;
    const n = this.steps;
    const width = n + 2;
    for (let i = 0; i < model.tracks.length; i++) {
      const slot = (this.slotsPerTrack[i] as number) + (s.k[i] as number);
      const from = this.enteredAt[i] as number;
      summary.occupancy[slot * width + from]++;
      summary.occupancy[slot * width + n + 1]--;
      s.timeIn[slot] += (n - from) * this.dt;
      summary.final[slot]++;
    }
    for (let j = 0; j < s.ever.length; j++) summary.ever[j] += s.ever[j] as number;
    s.t = model.horizon;
    const metrics = model.metrics;
    for (let j = 0; j < metrics.length; j++) {
      const metric = metrics[j] as (typeof metrics)[number];
      const acc = summary.metrics[j] as MetricAccumulator;
      const firstOf = metric.expr.firstOf;
      if (firstOf !== undefined) {
        const slot = (this.slotsPerTrack[firstOf.track] as number) + firstOf.state;
        if (Number.isNaN(s.first[slot] as number)) acc.censored++;
      }
      addValue(acc, metric.expr.fn(s));
    }
    summary.trials++;
  }
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
  const rateLeave = hazard > 0 ? -Math.expm1(-hazard * dt) : 0;
  const leave = probability + (1 - probability) * rateLeave;
  row.leave = leave;
  row.logStay = leave >= 1 ? Number.NEGATIVE_INFINITY : Math.log1p(-probability) - hazard * dt;
  row.options = outgoing;
  if (row.cumulative.length < outgoing.length) row.cumulative = new Float64Array(outgoing.length);
  let cumulative = 0;
  for (let j = 0; j < outgoing.length; j++) {
    const tr = outgoing[j] as CompiledTransition;
    const x = tr.value.fn(s);
    const share = tr.kind === 'probability' ? x : hazard > 0 ? ((1 - probability) * rateLeave * x) / hazard : 0;
    cumulative += leave > 0 ? share / leave : 0;
    row.cumulative[j] = cumulative;
  }
}

function applyAssignment(s: EvalState, kind: 'set' | 'add', a: Assignment, value: number): void {
  const target = a.target.kind === 'var' ? s.v : s.p;
  if (kind === 'set') target[a.target.index] = value;
  else target[a.target.index] += value;
}

/** The sum of `count` iid draws of a flow amount at a fixed state, in one draw where possible. */
function bulkAmount(amount: CompiledExpression, count: number, s: EvalState): number {
  if (amount.constant !== undefined) return count * amount.constant;
  const sampler = amount.sampler;
  if (sampler !== undefined && !sampler.argsRandom) {
    const args = sampler.args.map((a) => a(s));
    const summed = dist.sumOfIid(sampler.name, args, count);
    if (summed !== undefined) {
      const problem = dist.SAMPLERS[sampler.name].check(args);
      if (problem !== undefined) throw new GeoriskError([issue('runtime_value', amount.source, problem)]);
      return dist.sample(summed.name, s.rng, summed.args);
    }
  }
  if (!amount.reads.random) return count * amount.fn(s);
  let total = 0;
  for (let i = 0; i < count; i++) total += amount.fn(s);
  return total;
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
