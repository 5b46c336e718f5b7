/**
 * The stream-per-mechanism loop (reference-stream-loop.ts) made to return everything the engine
 * returns for the reference model, by hand: per track state the trials that ended there and that
 * ever visited it, occupancy over time (a difference array), first-entry times, and each metric's
 * full distribution (the engine's `addValue`), not only the means. It adds the flows' amounts where
 * the engine does (a flow's steps when a track it reads moves, and at the end), so its summary is
 * the engine's bit for bit (test/golden/recorded-loop.test.ts checks it). So it is the engine's work
 * on this one model written as a careful programmer would: the engine's speed against it is the
 * price of generality alone, and its speed against the joint next-event loop is the price of the
 * engine's contract (a stream per mechanism, and the records), which no engine can undercut.
 */
import * as dm from '../../packages/engine/src/det-math.ts';
import { poisson } from '../../packages/engine/src/distributions.ts';
import { componentKey, TrialStream, trialKey } from '../../packages/engine/src/rng.ts';
import type { RunSummary } from '../../packages/engine/src/simulate/run-summary.ts';
import { addValue, newMetricAccumulator } from '../../packages/engine/src/summarize.ts';
import { CONFLICT, FATALITIES_PER_DAY, type Out } from './reference-loop.ts';

// conflict: 0 skirmish, 1 clash, 2 war, 3 ceasefire, 4 settlement. The alliance's and the pipeline's
// transitions as the scenario declares them, a rate of 0 included: the engine draws a target only
// where a state has more than one declared way out, whatever their rates now.
const alliance = (c: number): Out[] => [
  [[1, c === 1 || c === 2 ? 0.3 : 0]],
  [
    [2, c === 2 ? 0.02 : 0],
    [0, c === 3 || c === 4 ? 0.05 : 0],
  ],
  [],
];
const pipeline = (c: number): Out[] => [
  [
    [1, c === 1 ? 0.01 : c === 2 ? 0.1 : 0],
    [2, c === 2 ? 0.02 : 0],
  ],
  [[0, c !== 2 ? 0.2 : 0]],
  [[0, 1 / 30]],
];

/** One track state's step rule given the conflict state, computed as the engine's `fillRow` computes it. */
export interface StateRule {
  logStay: number;
  targets: Int32Array;
  cumulative: Float64Array;
}

function stateRule(out: Out, dt: number): StateRule {
  let hazard = 0;
  for (const [, r] of out) hazard += r;
  const leave = hazard > 0 ? -dm.expm1(-hazard * dt) : 0;
  let c = 0;
  return {
    logStay: leave > 0 ? dm.log1p(-0) - hazard * dt : 0,
    targets: Int32Array.from(out, ([t]) => t),
    cumulative: Float64Array.from(out, ([, r]) => (c += leave > 0 ? (leave * r) / hazard / leave : 0)),
  };
}

/**
 * rules[track][conflict][state], for steps of `dt` days: the alliance's and the pipeline's rates
 * depend on the conflict state. The engine's bits: its leave probabilities, logs and cumulative shares.
 */
export function engineRules(dt: number): StateRule[][][] {
  return [
    [0, 1, 2, 3, 4].map(() => CONFLICT.map((out) => stateRule(out, dt))),
    [0, 1, 2, 3, 4].map((c) => alliance(c).map((out) => stateRule(out, dt))),
    [0, 1, 2, 3, 4].map((c) => pipeline(c).map((out) => stateRule(out, dt))),
  ];
}

/** The streams the engine derives for the reference model's tracks and its fatality flow (model/stream-keys.ts). */
export function engineStreams(): { streams: TrialStream[]; fatalityStream: TrialStream } {
  return {
    streams: ['tracks.conflict', 'tracks.alliance', 'tracks.pipeline'].map((path) => new TrialStream(0, componentKey(path))),
    fatalityStream: new TrialStream(0, componentKey('flows.fatalities')),
  };
}

/** Track states in the engine's slot order: conflict's 5, alliance's 3, pipeline's 3. */
const OFFSET = Int32Array.of(0, 5, 8);
const SLOTS = 11;
const WAR = 2;
const CEASEFIRE = 3;
const INTERVENTION = OFFSET[1]! + 2;
const HORIZON = 90;

/** Runs trials [0, trials) of the reference model in steps of `dt` days with the engine's seed; returns the engine's summary of them. */
export function referenceRecordedLoop(trials: number, seed: number, dt = 1): RunSummary {
  const steps = Math.round(HORIZON / dt);
  const width = steps + 2;
  const firstWidth = steps + 1;
  const rules = engineRules(dt);
  const { streams, fatalityStream } = engineStreams();
  const summary: RunSummary = {
    trials: 0,
    trialSteps: trials * steps,
    steps,
    final: new Float64Array(SLOTS),
    ever: new Float64Array(SLOTS),
    occupancy: new Float64Array(SLOTS * width),
    firstAt: new Float64Array(SLOTS * firstWidth),
    metrics: Array.from({ length: 6 }, () => newMetricAccumulator()),
  };
  const { final, occupancy, firstAt, metrics } = summary;
  const everCount = summary.ever;
  const key = new Int32Array(2);
  const state = new Int32Array(3);
  const nextMove = new Float64Array(3);
  const enteredAt = new Int32Array(3);
  const ever = new Uint8Array(SLOTS);
  const first = new Float64Array(SLOTS);
  const rule: StateRule[] = new Array(3);
  const fatalityMean = FATALITIES_PER_DAY.map((f) => f * dt);
  const oilPerStep = 0.6 * dt;
  // Track i's next moving step from step m: a geometric number of quiet steps, from its own stream.
  const draw = (i: number, m: number) => {
    const r = rule[i]!;
    nextMove[i] = r.logStay === 0 ? Number.POSITIVE_INFINITY : m + dm.floorLogRatio(streams[i]!.uniform(), r.logStay);
  };
  const enter = (slot: number, m: number) => {
    if (ever[slot] !== 0) return;
    ever[slot] = 1;
    everCount[slot]!++;
    first[slot] = m * dt;
    firstAt[slot * firstWidth + m]!++;
  };
  // Closes track i's interval in its state at time index m.
  const close = (i: number, m: number) => {
    const slot = OFFSET[i]! + state[i]!;
    occupancy[slot * width + enteredAt[i]!]!++;
    occupancy[slot * width + m]!--;
    enteredAt[i] = m;
  };
  for (let trial = 0; trial < trials; trial++) {
    trialKey(seed, trial, key);
    for (const s of streams) s.arm(key[0]!, key[1]!);
    fatalityStream.arm(key[0]!, key[1]!);
    for (let j = 0; j < SLOTS; j++) {
      ever[j] = 0;
      first[j] = Number.NaN;
    }
    state[0] = 1;
    state[1] = 0;
    state[2] = 0;
    for (let i = 0; i < 3; i++) {
      enteredAt[i] = 0;
      enter(OFFSET[i]! + state[i]!, 0);
      rule[i] = rules[i]![1]![state[i]!]!;
      draw(i, 0);
    }
    // The flows' amounts, added when a track they read moves (the fatalities' Poisson means summed,
    // one draw at the end), and the step at which each was last added.
    let fatalityMark = 0;
    let meanFatalities = 0;
    let pipelineMark = 0;
    let down = 0;
    let oil = 0;
    let m = 0;
    for (;;) {
      const e = Math.min(nextMove[0]!, nextMove[1]!, nextMove[2]!, steps - 1);
      m = e + 1;
      if (e === steps - 1 && nextMove[0] !== e && nextMove[1] !== e && nextMove[2] !== e) break;
      // Every track due at e draws its target from its own stream, by the rates at the start of the step.
      let moved = 0;
      for (let i = 0; i < 3; i++) {
        if (nextMove[i] !== e) continue;
        const r = rule[i]!;
        const last = r.cumulative.length - 1;
        let j = 0;
        // As the engine: a state with one way out draws no uniform for it.
        if (last > 0) {
          const u = streams[i]!.uniform();
          while (j < last && u >= r.cumulative[j]!) j++;
        }
        if (i === 0) {
          meanFatalities += (m - fatalityMark) * fatalityMean[state[0]!]!;
          fatalityMark = m;
        } else if (i === 2) {
          if (state[2] !== 0) {
            down += (m - pipelineMark) * dt;
            oil += (m - pipelineMark) * oilPerStep;
          }
          pipelineMark = m;
        }
        close(i, m);
        state[i] = r.targets[j]!;
        enter(OFFSET[i]! + state[i]!, m);
        moved |= 1 << i;
      }
      if (m >= steps) break;
      // A track draws again when it moved or its leave probability changed with the conflict state.
      const c = state[0]!;
      for (let i = 0; i < 3; i++) {
        const r = rules[i]![c]![state[i]!]!;
        const redraw = (moved & (1 << i)) !== 0 || r.logStay !== rule[i]!.logStay;
        rule[i] = r;
        if (redraw) draw(i, m);
      }
    }
    meanFatalities += (steps - fatalityMark) * fatalityMean[state[0]!]!;
    if (state[2] !== 0) {
      down += (steps - pipelineMark) * dt;
      oil += (steps - pipelineMark) * oilPerStep;
    }
    for (let i = 0; i < 3; i++) {
      close(i, steps + 1);
      final[OFFSET[i]! + state[i]!]!++;
    }
    addValue(metrics[0]!, ever[WAR]!);
    addValue(metrics[1]!, ever[INTERVENTION]!);
    addValue(metrics[2]!, meanFatalities === 0 ? 0 : poisson(fatalityStream, meanFatalities));
    addValue(metrics[3]!, down);
    addValue(metrics[4]!, oil);
    let ceasefireAt = first[CEASEFIRE]!;
    if (Number.isNaN(ceasefireAt)) {
      metrics[5]!.censored++;
      ceasefireAt = HORIZON;
    }
    addValue(metrics[5]!, ceasefireAt);
    summary.trials++;
  }
  return summary;
}
