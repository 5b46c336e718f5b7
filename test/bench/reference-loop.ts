/**
 * The hand-written baseline: the reference model (shared/reference-model.md) stepped one step at a
 * time in plain JavaScript, as a careful programmer would write it without the engine: transition
 * tables precomputed, one uniform per track per step (competing risks resolved from the same
 * uniform), one Poisson draw per step for fatalities, and the same generator as the engine. It
 * computes the metrics' means only, which flatters it: the engine also records occupancy,
 * first-passage times and full distributions.
 */
import { poisson } from '../../packages/engine/src/distributions.ts';
import { TrialStream, trialSeed } from '../../packages/engine/src/rng.ts';

/** Outgoing transitions of one state: target state and rate per day. */
export type Out = [target: number, ratePerDay: number][];
interface Rule {
  leave: number;
  targets: number[];
  cumulative: number[];
}

/** Leave probability over one step of `dt` days, and cumulative target shares. */
function rule(out: Out, dt: number): Rule {
  const h = out.reduce((s, [, r]) => s + r, 0);
  let c = 0;
  return { leave: h > 0 ? -Math.expm1(-h * dt) : 0, targets: out.map(([t]) => t), cumulative: out.map(([, r]) => (c += r / h)) };
}

// conflict: 0 skirmish, 1 clash, 2 war, 3 ceasefire, 4 settlement
/** The conflict track's transitions by state. */
export const CONFLICT: Out[] = [
  [
    [1, 0.05],
    [3, 0.1],
  ],
  [
    [2, 0.02],
    [3, 0.25],
  ],
  [[3, 0.03]],
  [
    [1, 0.01],
    [0, 0.02],
    [4, 0.005],
  ],
  [],
];
/** Fatalities per day by conflict state (a Poisson mean). */
export const FATALITIES_PER_DAY = [0.5, 20, 150, 0, 0];
const CONFLICT_STATES = [0, 1, 2, 3, 4];

// alliance: 0 uninvolved, 1 consultations, 2 intervention, by conflict state
/** The alliance track's transitions by state, given the conflict state. */
export const alliance = (c: number): Out[] => [
  c === 1 || c === 2 ? [[1, 0.3]] : [],
  c === 2 ? [[2, 0.02]] : c === 3 || c === 4 ? [[0, 0.05]] : [],
  [],
];
// pipeline: 0 operating, 1 shutdown, 2 damaged, by conflict state
/** The pipeline track's transitions by state, given the conflict state. */
export const pipeline = (c: number): Out[] => [
  c === 1
    ? [[1, 0.01]]
    : c === 2
      ? [
          [1, 0.1],
          [2, 0.02],
        ]
      : [],
  c !== 2 ? [[0, 0.2]] : [],
  [[0, 1 / 30]],
];

function move(u: number, r: Rule, current: number): number {
  if (u >= r.leave) return current;
  const v = u / r.leave;
  let j = 0;
  while (j < r.targets.length - 1 && v >= r.cumulative[j]!) j++;
  return r.targets[j]!;
}

export interface LoopMeans {
  war_reached: number;
  intervention: number;
  fatalities: number;
  pipeline_down_days: number;
  oil_lost_mbbl: number;
  days_to_ceasefire: number;
}

/** The metrics' running sums over the trials of a hand loop, and their means at the end. */
export class MetricSums {
  private readonly sums: LoopMeans = {
    war_reached: 0,
    intervention: 0,
    fatalities: 0,
    pipeline_down_days: 0,
    oil_lost_mbbl: 0,
    days_to_ceasefire: 0,
  };

  /** One trial's values. */
  add(war: number, intervention: number, fatalities: number, down: number, oil: number, ceasefireAt: number): void {
    const sums = this.sums;
    sums.war_reached += war;
    sums.intervention += intervention;
    sums.fatalities += fatalities;
    sums.pipeline_down_days += down;
    sums.oil_lost_mbbl += oil;
    sums.days_to_ceasefire += ceasefireAt;
  }

  means(trials: number): LoopMeans {
    const out = { ...this.sums };
    for (const key of Object.keys(out) as (keyof LoopMeans)[]) out[key] /= trials;
    return out;
  }
}

/** Runs `trials` trials over 90 days in steps of `dt` days and returns the metrics' means. */
export function referenceLoop(trials: number, seed: number, dt = 1): LoopMeans {
  const steps = Math.round(90 / dt);
  const conflictRules = CONFLICT.map((o) => rule(o, dt));
  const allianceRules = CONFLICT_STATES.map((c) => alliance(c).map((o) => rule(o, dt)));
  const pipelineRules = CONFLICT_STATES.map((c) => pipeline(c).map((o) => rule(o, dt)));
  const fatalityMean = FATALITIES_PER_DAY.map((f) => f * dt);
  const rng = new TrialStream();
  const sums = new MetricSums();
  for (let i = 0; i < trials; i++) {
    rng.reseed(trialSeed(seed, i));
    let c = 1;
    let a = 0;
    let p = 0;
    let war = 0;
    let intervention = 0;
    let fatalities = 0;
    let down = 0;
    let oil = 0;
    let ceasefireAt = 90;
    for (let k = 0; k < steps; k++) {
      fatalities += poisson(rng, fatalityMean[c]!);
      if (p !== 0) {
        down += dt;
        oil += 0.6 * dt;
      }
      const c2 = move(rng.uniform(), conflictRules[c]!, c);
      const a2 = move(rng.uniform(), allianceRules[c]![a]!, a);
      const p2 = move(rng.uniform(), pipelineRules[c]![p]!, p);
      c = c2;
      a = a2;
      p = p2;
      if (c === 2) war = 1;
      if (a === 2) intervention = 1;
      if (c === 3 && ceasefireAt === 90) ceasefireAt = (k + 1) * dt;
    }
    sums.add(war, intervention, fatalities, down, oil, ceasefireAt);
  }
  return sums.means(trials);
}
