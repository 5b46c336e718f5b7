/**
 * The hand-written next-event loop of the reference model (shared/reference-model.md): what a
 * careful programmer writes for this one model. Per joint state (conflict, alliance, pipeline) it
 * precomputes the probability that some track moves in a step; a trial then jumps from move to
 * move: one geometric draw for the quiet steps of a dwell, one uniform for which tracks move and
 * where (all combinations, tabulated), and one Poisson draw for the dwell's fatalities. It uses the
 * engine's generator and Poisson sampler, platform `Math.log`, and computes the metrics' means only.
 */
import { poisson } from '../../packages/engine/src/distributions.ts';
import { TrialStream, trialSeed } from '../../packages/engine/src/rng.ts';
import { alliance, CONFLICT, FATALITIES_PER_DAY, type LoopMeans, MetricSums, type Out, pipeline } from './reference-loop.ts';

const C = 5;
const A = 3;
const P = 3;
const jointIndex = (c: number, a: number, p: number) => (c * A + a) * P + p;

/** One joint state's step rule: log(P(no track moves)), and the outcomes of a step in which some track moves. */
interface JointRule {
  logStay: number;
  /** Cumulative probabilities of the outcomes given that some track moves. */
  cumulative: Float64Array;
  /** The joint state each outcome leads to. */
  next: Int32Array;
}

/** Per-step distribution of one track's next state: stay with 1 − leave, else a target by rate. */
function trackStep(out: Out, current: number, dt: number): [number, number][] {
  const h = out.reduce((s, [, r]) => s + r, 0);
  if (h === 0) return [[current, 1]];
  const leave = -Math.expm1(-h * dt);
  return [[current, 1 - leave], ...out.map(([t, r]): [number, number] => [t, (leave * r) / h])];
}

/** The step rule of every joint state, for steps of `dt` days. */
function jointRules(dt: number): JointRule[] {
  const rules: JointRule[] = [];
  for (let c = 0; c < C; c++) {
    for (let a = 0; a < A; a++) {
      for (let p = 0; p < P; p++) {
        const outcomes: [number, number][] = [];
        let stay = 0;
        for (const [c2, pc] of trackStep(CONFLICT[c]!, c, dt)) {
          for (const [a2, pa] of trackStep(alliance(c)[a]!, a, dt)) {
            for (const [p2, pp] of trackStep(pipeline(c)[p]!, p, dt)) {
              if (c2 === c && a2 === a && p2 === p) stay += pc * pa * pp;
              else outcomes.push([jointIndex(c2, a2, p2), pc * pa * pp]);
            }
          }
        }
        const move = outcomes.reduce((s, [, q]) => s + q, 0);
        let cum = 0;
        rules[jointIndex(c, a, p)] = {
          logStay: move > 0 ? Math.log(stay) : Number.NEGATIVE_INFINITY,
          cumulative: Float64Array.from(outcomes, ([, q]) => (cum += q / move)),
          next: Int32Array.from(outcomes, ([j]) => j),
        };
      }
    }
  }
  return rules;
}

/** Runs `trials` trials over 90 days in steps of `dt` days, next event to next event; returns the metrics' means. */
export function referenceNextEventLoop(trials: number, seed: number, dt = 1): LoopMeans {
  const steps = Math.round(90 / dt);
  const rules = jointRules(dt);
  const fatalityMean = FATALITIES_PER_DAY.map((f) => f * dt);
  const rng = new TrialStream();
  const sums = new MetricSums();
  for (let i = 0; i < trials; i++) {
    rng.reseed(trialSeed(seed, i));
    let j = jointIndex(1, 0, 0);
    let m = 0;
    let war = 0;
    let intervention = 0;
    let fatalities = 0;
    let down = 0;
    let ceasefireAt = 90;
    while (m < steps) {
      const rule = rules[j]!;
      // The dwell: quiet steps, then (unless the horizon comes first) the step in which something moves.
      const quiet = rule.logStay === Number.NEGATIVE_INFINITY ? steps : Math.floor(Math.log(rng.uniform()) / rule.logStay);
      const dwell = Math.min(quiet + 1, steps - m);
      const c = (j / (A * P)) | 0;
      fatalities += poisson(rng, fatalityMean[c]! * dwell);
      if (j % P !== 0) down += dwell * dt;
      m += dwell;
      if (quiet + 1 > dwell) break;
      const u = rng.uniform();
      const cum = rule.cumulative;
      let k = 0;
      while (k < cum.length - 1 && u >= cum[k]!) k++;
      j = rule.next[k]!;
      const c2 = (j / (A * P)) | 0;
      if (c2 === 2) war = 1;
      if (((j / P) | 0) % A === 2) intervention = 1;
      if (c2 === 3 && ceasefireAt === 90) ceasefireAt = m * dt;
    }
    sums.add(war, intervention, fatalities, down, 0.6 * down, ceasefireAt);
  }
  return sums.means(trials);
}
