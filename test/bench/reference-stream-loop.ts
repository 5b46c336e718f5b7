/**
 * The hand-written next-event loop of the reference model under the engine's contract: what a
 * careful programmer writes for this one model when, as issue 15 §1 asks of the engine, each
 * mechanism draws from a stream of its own (derived per trial from the seed, the trial and the
 * mechanism), so that changing one mechanism never moves another's draws. Each track keeps its
 * next moving step, one geometric draw from its own stream, drawn again only when its leave
 * probability changes (memoryless, so that is exact); at that step it draws its target with one
 * uniform from the same stream (none where its state has one declared way out); the fatalities of
 * a trial are one Poisson draw of their summed mean from the flow's stream at the end. Its streams
 * and step rules are the engine's, so its moves are the engine's moves; it keeps none of the
 * engine's records (reference-recorded-loop.ts adds them). The joint next-event loop (reference-next-event-loop.ts) draws
 * every move of every track from one stream instead: cheaper, but a change to the alliance's rates
 * would shift the conflict's draws. Metric means only, as there.
 */
import { floorLogRatio } from '../../packages/engine/src/det-math.ts';
import { poisson } from '../../packages/engine/src/distributions.ts';
import { trialKey } from '../../packages/engine/src/rng.ts';
import { FATALITIES_PER_DAY, type LoopMeans, MetricSums } from './reference-loop.ts';
import { engineRules, engineStreams, type StateRule } from './reference-recorded-loop.ts';

/** Runs `trials` trials over 90 days in steps of `dt` days, each mechanism on its own stream; returns the metrics' means. */
export function referenceStreamLoop(trials: number, seed: number, dt = 1): LoopMeans {
  const steps = Math.round(90 / dt);
  // The engine's step rules and streams: the same draws as the engine's (see reference-recorded-loop.ts).
  const rules = engineRules(dt);
  const { streams, fatalityStream } = engineStreams();
  const key = new Int32Array(2);
  const state = new Int32Array(3);
  const nextMove = new Float64Array(3);
  const rule: StateRule[] = new Array(3);
  const fatalityMean = FATALITIES_PER_DAY.map((f) => f * dt);
  const sums = new MetricSums();
  // Track i's next moving step from step m: a geometric number of quiet steps, from its own stream.
  const draw = (i: number, m: number) => {
    const r = rule[i]!;
    nextMove[i] = r.logStay === 0 ? Number.POSITIVE_INFINITY : m + floorLogRatio(streams[i]!.uniform(), r.logStay);
  };
  for (let trial = 0; trial < trials; trial++) {
    trialKey(seed, trial, key);
    for (const s of streams) s.arm(key[0]!, key[1]!);
    fatalityStream.arm(key[0]!, key[1]!);
    state[0] = 1;
    state[1] = 0;
    state[2] = 0;
    for (let i = 0; i < 3; i++) {
      rule[i] = rules[i]![1]![state[i]!]!;
      draw(i, 0);
    }
    let m = 0;
    let war = 0;
    let intervention = 0;
    let meanFatalities = 0;
    let down = 0;
    let ceasefireAt = 90;
    for (;;) {
      const e = Math.min(nextMove[0]!, nextMove[1]!, nextMove[2]!, steps - 1);
      // Steps m…e in the current states (the step at e included: rates read the state at its start).
      const c = state[0]!;
      meanFatalities += fatalityMean[c]! * (e - m + 1);
      if (state[2] !== 0) down += (e - m + 1) * dt;
      m = e + 1;
      if (e === steps - 1 && nextMove[0] !== e && nextMove[1] !== e && nextMove[2] !== e) break;
      // Every track due at e draws its target from its own stream, by the rates at the start of the step.
      let moved = 0;
      for (let i = 0; i < 3; i++) {
        if (nextMove[i] !== e) continue;
        const r = rule[i]!;
        const last = r.cumulative.length - 1;
        let j = 0;
        if (last > 0) {
          const u = streams[i]!.uniform();
          while (j < last && u >= r.cumulative[j]!) j++;
        }
        state[i] = r.targets[j]!;
        moved |= 1 << i;
      }
      const c2 = state[0]!;
      if (c2 === 2) war = 1;
      if (state[1] === 2) intervention = 1;
      if (c2 === 3 && ceasefireAt === 90 && (moved & 1) !== 0) ceasefireAt = m * dt;
      if (m >= steps) break;
      // A track draws again when it moved or its leave probability changed with the conflict state.
      for (let i = 0; i < 3; i++) {
        const r = rules[i]![c2]![state[i]!]!;
        const redraw = (moved & (1 << i)) !== 0 || r.logStay !== rule[i]!.logStay;
        rule[i] = r;
        if (redraw) draw(i, m);
      }
    }
    sums.add(war, intervention, poisson(fatalityStream, meanFatalities), down, 0.6 * down, ceasefireAt);
  }
  return sums.means(trials);
}
