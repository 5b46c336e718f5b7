import { describe, expect, it } from 'vitest';
import { analyzeExact, buildModel, loadScenarioText, simulate } from '../src/index.ts';
import { mergePaired, type PairedSummary, pairedDifference, summarizePaired } from '../src/paired/index.ts';

const { scenario } = loadScenarioText(`
id: paired
time: { unit: day, dt: 1, horizon: 30 }
parameters:
  war_rate: { default: 0.02, range: [0, 1] }
  calm_rate: { default: 0.1, range: [0, 1] }
tracks:
  conflict:
    states: [clash, war, calm]
    initial: clash
    transitions:
      - { from: clash, to: war, rate: war_rate }
      - { from: clash, to: calm, rate: calm_rate }
metrics:
  war_reached: { expr: 'ever(conflict, "war")' }
  war_day: { expr: 'first(conflict, "war")' }
`);
const base = buildModel(scenario);
const changed = buildModel(scenario, { war_rate: 0.022 });

/** Each trial's metric values, directly from simulate. */
function perTrial(model: typeof base, seed: number, trials: number): Float64Array[] {
  const rows: Float64Array[] = [];
  simulate(model, { seed, firstTrial: 0, trials, onTrialValues: (_, v) => rows.push(Float64Array.from(v)) });
  return rows;
}

/** Mean and sample variance of a list. */
function moments(xs: number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, variance: xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1) };
}

describe('pairedDifference', () => {
  it('equals the mean and variance of the per-trial differences computed directly', () => {
    const a = perTrial(base, 4, 3000);
    const b = perTrial(changed, 4, 3000);
    const paired = pairedDifference(base, changed, { seed: 4, firstTrial: 0, trials: 3000 });
    base.metrics.forEach((m, j) => {
      const diffs = a.map((row, i) => b[i]![j]! - row[j]!);
      const direct = moments(diffs);
      const got = summarizePaired(paired.metrics[m.name]!)!;
      expect(got.n).toBe(3000);
      expect(got.mean).toBeCloseTo(direct.mean, 12);
      expect(got.sd ** 2).toBeCloseTo(direct.variance, 10);
    });
  });

  it('gives bit-identical summaries for any chunking and merge order', () => {
    const whole = pairedDifference(base, changed, { seed: 7, firstTrial: 0, trials: 5000 });
    for (const sizes of [
      [2500, 2500],
      [1, 4998, 1],
      [1234, 16, 3750],
    ]) {
      const parts: PairedSummary[] = [];
      let first = 0;
      for (const trials of sizes) {
        parts.push(pairedDifference(base, changed, { seed: 7, firstTrial: first, trials }));
        first += trials;
      }
      const forward = parts.reduce((x, y) => mergePaired(x, y), { trials: 0, metrics: {} });
      expect(forward.trials).toBe(5000);
      for (const name of Object.keys(whole.metrics))
        expect(summarizePaired(forward.metrics[name]!)).toEqual(summarizePaired(whole.metrics[name]!));
      const again = sizes.map((trials, i) =>
        pairedDifference(base, changed, { seed: 7, firstTrial: sizes.slice(0, i).reduce((x, y) => x + y, 0), trials }),
      );
      const backward = again.reverse().reduce((x, y) => mergePaired(x, y), { trials: 0, metrics: {} });
      for (const name of Object.keys(whole.metrics))
        expect(summarizePaired(backward.metrics[name]!)).toEqual(summarizePaired(whole.metrics[name]!));
    }
  });

  it('is zero, with a zero-width interval, when both runs have the same inputs', () => {
    const same = pairedDifference(base, buildModel(scenario), { seed: 3, firstTrial: 0, trials: 2000 });
    for (const acc of Object.values(same.metrics)) expect(summarizePaired(acc)).toMatchObject({ mean: 0, sd: 0, ci95: [0, 0] });
  });

  it('is far narrower than the independent interval for a small parameter change (common random numbers)', () => {
    const trials = 20_000;
    const paired = summarizePaired(pairedDifference(base, changed, { seed: 11, firstTrial: 0, trials }).metrics.war_reached!)!;
    const va = moments(perTrial(base, 11, trials).map((r) => r[0]!)).variance;
    const vb = moments(perTrial(changed, 11, trials).map((r) => r[0]!)).variance;
    const independentSe = Math.sqrt(va / trials + vb / trials);
    // A 10% change of one rate moves few trials: the paired standard error is a fraction of the independent one.
    expect(paired.se).toBeLessThan(independentSe / 3);
  });

  it('covers the exact difference about 95% of the time, as the independent interval does', () => {
    // 60 seeds, each interval misses the exact difference with probability ~5%: a miss count above 9
    // happens with probability 0.07% under a correct interval (binomial(60, 0.05)), the false-alarm rate of this test.
    const exactA = analyzeExact(scenario, {}).metrics.war_reached!.probability!;
    const exactB = analyzeExact(scenario, { war_rate: 0.022 }).metrics.war_reached!.probability!;
    const truth = exactB - exactA;
    let pairedMisses = 0;
    let independentMisses = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const p = summarizePaired(pairedDifference(base, changed, { seed, firstTrial: 0, trials: 2000 }).metrics.war_reached!)!;
      if (truth < p.ci95[0] || truth > p.ci95[1]) pairedMisses++;
      const a = moments(perTrial(base, seed + 1000, 2000).map((r) => r[0]!));
      const b = moments(perTrial(changed, seed + 2000, 2000).map((r) => r[0]!));
      const se = Math.sqrt(a.variance / 2000 + b.variance / 2000);
      if (Math.abs(b.mean - a.mean - truth) > 1.96 * se) independentMisses++;
    }
    expect(pairedMisses).toBeLessThanOrEqual(9);
    expect(independentMisses).toBeLessThanOrEqual(9);
  });
});
