/**
 * The reference model's exact answers, computed independently of the engine: the joint chain of
 * (conflict, alliance, pipeline) plus "war seen", "intervention seen" and "ceasefire seen" flags,
 * propagated step by step under the one-step rule, written out by hand from reference-model.md.
 */

type Out = [target: number, rate: number][];

// conflict: 0 skirmish, 1 clash, 2 war, 3 ceasefire, 4 settlement
const CONFLICT: Out[] = [
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
const alliance = (c: number, a: number): Out => {
  if (a === 0) return c === 1 || c === 2 ? [[1, 0.3]] : [];
  if (a === 1) return [...(c === 2 ? ([[2, 0.02]] as Out) : []), ...(c === 3 || c === 4 ? ([[0, 0.05]] as Out) : [])];
  return [];
};
const pipeline = (c: number, p: number): Out => {
  if (p === 0) return [...(c === 1 ? ([[1, 0.01]] as Out) : c === 2 ? ([[1, 0.1]] as Out) : []), ...(c === 2 ? ([[2, 0.02]] as Out) : [])];
  if (p === 1) return c !== 2 ? [[0, 0.2]] : [];
  return [[0, 1 / 30]];
};
const FATALITIES = [0.5, 20, 150, 0, 0];

/** One step's distribution of the next state of a track, given its outgoing rates per day. */
function next(out: Out, current: number, dt: number): [number, number][] {
  const h = out.reduce((s, [, r]) => s + r, 0);
  if (h === 0) return [[current, 1]];
  const leave = -Math.expm1(-h * dt);
  return [[current, 1 - leave], ...out.map(([t, r]) => [t, (leave * r) / h] as [number, number])];
}

export interface ReferenceExact {
  war_reached: number;
  intervention: number;
  fatalities: number;
  pipeline_down_days: number;
  oil_lost_mbbl: number;
  days_to_ceasefire: number;
  /** P(never in ceasefire within 90 days). */
  ceasefire_censored: number;
}

/** Exact metric means of the reference model, with steps of `dt` days (1 in the specification). */
export function referenceExact(dt = 1): ReferenceExact {
  const steps = Math.round(90 / dt);
  // key: c, a, p, war seen, intervention seen, ceasefire seen
  let states = new Map<string, number>([['1,0,0,0,0,0', 1]]);
  let fatalities = 0;
  let down = 0;
  let ceasefireTime = 0;
  for (let k = 0; k < steps; k++) {
    const after = new Map<string, number>();
    for (const [key, pr] of states) {
      const [c, a, p, w, i, f] = key.split(',').map(Number) as [number, number, number, number, number, number];
      fatalities += pr * FATALITIES[c]! * dt;
      if (p !== 0) down += pr * dt;
      // The time of first ceasefire is (k + 1)·dt for a first entry in this step, 90 if never.
      for (const [c2, pc] of next(CONFLICT[c]!, c, dt)) {
        for (const [a2, pa] of next(alliance(c, a), a, dt)) {
          for (const [p2, pp] of next(pipeline(c, p), p, dt)) {
            const q = pr * pc * pa * pp;
            if (q === 0) continue;
            const f2 = f || c2 === 3 ? 1 : 0;
            if (!f && f2) ceasefireTime += q * (k + 1) * dt;
            const k2 = [c2, a2, p2, w || c2 === 2 ? 1 : 0, i || a2 === 2 ? 1 : 0, f2].join(',');
            after.set(k2, (after.get(k2) ?? 0) + q);
          }
        }
      }
    }
    states = after;
  }
  let war = 0;
  let intervention = 0;
  let never = 0;
  for (const [key, pr] of states) {
    const [, , , w, i, f] = key.split(',').map(Number);
    war += w ? pr : 0;
    intervention += i ? pr : 0;
    never += f ? 0 : pr;
  }
  return {
    war_reached: war,
    intervention,
    fatalities,
    pipeline_down_days: down,
    oil_lost_mbbl: 0.6 * down,
    days_to_ceasefire: ceasefireTime + 90 * never,
    ceasefire_censored: never,
  };
}

/**
 * A second, independent route to the reference model's final state distribution: the 45 × 45
 * transition matrix of (conflict, alliance, pipeline) built densely, then 90 matrix-vector steps
 * with mathjs. Returns P(conflict = c, alliance = a, pipeline = p at t = 90) at index c·9 + a·3 + p.
 */
export async function referenceFinalByMatrix(): Promise<number[]> {
  const { matrix, multiply } = await import('mathjs');
  const size = 45;
  const rows: number[][] = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (let c = 0; c < 5; c++) {
    for (let a = 0; a < 3; a++) {
      for (let p = 0; p < 3; p++) {
        for (const [c2, pc] of next(CONFLICT[c]!, c, 1)) {
          for (const [a2, pa] of next(alliance(c, a), a, 1)) {
            for (const [p2, pp] of next(pipeline(c, p), p, 1)) {
              const row = rows[c * 9 + a * 3 + p]!;
              row[c2 * 9 + a2 * 3 + p2] = row[c2 * 9 + a2 * 3 + p2]! + pc * pa * pp;
            }
          }
        }
      }
    }
  }
  const transition = matrix(rows);
  const start = new Array<number>(size).fill(0);
  start[1 * 9] = 1; // clash, uninvolved, operating
  let state: unknown = matrix([start]);
  for (let k = 0; k < 90; k++) state = multiply(state as typeof transition, transition);
  return ((state as typeof transition).toArray() as number[][])[0]!;
}
