/**
 * The queue's summary codec: a chunk's summary survives the trip through text bit for bit (every
 * double, -0 and ±Infinity included, the exact-sum expansions, the count maps and their order),
 * so rows merged from queued chunks equal rows of a local run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildModel,
  emptySummary,
  loadScenarioText,
  type MetricAccumulator,
  mergeSummaries,
  type RunSummary,
  simulate,
} from '../../packages/engine/src/index.ts';
import { decodeSummary, encodeSummary } from '../../packages/queue/src/index.ts';

/** Continuous, censored, huge-valued and invalid metrics, so every part of an accumulator is used. */
const SCENARIO = `id: codec
time: { unit: day, dt: 1, horizon: 60 }
parameters:
  rate: { default: 0.05, range: [0.01, 0.2], uncertainty: { dist: lognormal, mu: -3, sigma: 0.7 } }
tracks:
  conflict:
    states: [clash, war, ceasefire]
    transitions:
      - { from: clash, to: war, rate: rate }
      - { from: clash, to: ceasefire, rate: 0.1 }
      - { from: war, to: ceasefire, rate: 0.04 }
variables:
  cost: { initial: 0 }
  big: { initial: 0 }
flows:
  - { to: cost, amount: 'lognormal(2, 1.5) * (conflict == "war" ? 1 : 0.01)' }
  - { to: big, amount: 'poisson(40) * 1e12 + 0.5' }
metrics:
  war: { expr: 'ever(conflict, "war")' }
  when: { expr: 'first(conflict, "ceasefire")' }
  cost: { expr: 'cost' }
  negative: { expr: '-cost' }
  big: { expr: 'big' }
  ratio: { expr: 'cost / (cost - cost)' }
`;

/** Every double as its bits, maps as entry lists in order: equal only when bit-identical. */
function bits(summary: RunSummary): unknown {
  const f = (x: number) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    return view.getBigUint64(0).toString(16);
  };
  const arr = (a: ArrayLike<number>) => Array.from(a, f);
  const map = (m: Map<number, number> | null) => (m === null ? null : [...m].map(([k, v]) => [f(k), f(v)]));
  return {
    head: [summary.trials, summary.trialSteps, summary.steps].map(f),
    final: arr(summary.final),
    ever: arr(summary.ever),
    occupancy: arr(summary.occupancy),
    firstAt: arr(summary.firstAt),
    metrics: summary.metrics.map((m: MetricAccumulator) => ({
      head: [m.n, m.intSum, m.intSumSq, m.min, m.max, m.censored, m.invalid].map(f),
      sum: arr(m.sum),
      sumSq: arr(m.sumSq),
      dense: arr(m.dense),
      denseType: m.dense.constructor.name,
      exact: map(m.exact),
      sketchPos: map(m.sketchPos),
      sketchNeg: map(m.sketchNeg),
    })),
  };
}

describe('summary codec', () => {
  const model = buildModel(loadScenarioText(SCENARIO).scenario);

  it('round-trips simulated chunks bit for bit, and merged decoded chunks equal the merged originals', () => {
    const a = simulate(model, { seed: 7, firstTrial: 0, trials: 6000 });
    const b = simulate(model, { seed: 7, firstTrial: 6000, trials: 2000 });
    expect(a.metrics.some((m) => m.sketchPos !== null)).toBe(true); // the continuous metric overflowed to the sketch
    expect(a.metrics.some((m) => m.sum.length > 0)).toBe(true); // and expansions are in use
    for (const s of [a, b, emptySummary(model)]) expect(bits(decodeSummary(encodeSummary(s)))).toEqual(bits(s));
    const direct = mergeSummaries(mergeSummaries(emptySummary(model), a), b);
    const viaText = mergeSummaries(mergeSummaries(emptySummary(model), decodeSummary(encodeSummary(a))), decodeSummary(encodeSummary(b)));
    expect(bits(viaText)).toEqual(bits(direct));
  });

  it('keeps -0, ±Infinity, NaN and any double exactly (property)', () => {
    const base = simulate(model, { seed: 1, firstTrial: 0, trials: 10 });
    fc.assert(
      fc.property(fc.array(fc.double(), { minLength: 1, maxLength: 20 }), fc.double(), (xs, y) => {
        const s: RunSummary = structuredClone(base);
        const m = s.metrics[2]!;
        m.sum = xs;
        m.min = y;
        m.max = -y;
        m.exact = new Map(xs.filter((x) => !Number.isNaN(x)).map((x, i) => [x, i + 1]));
        m.sketchNeg = new Map([[-3, y]]);
        s.final[0] = -0;
        s.ever[0] = Number.NEGATIVE_INFINITY;
        expect(bits(decodeSummary(encodeSummary(s)))).toEqual(bits(s));
      }),
    );
  });

  it('refuses text it did not write, and a summary with fields it does not know', () => {
    expect(() => decodeSummary('bm90IGEgc3VtbWFyeQ==')).toThrow(/not an encoded summary/);
    const s = { ...emptySummary(model), extra: 1 } as RunSummary;
    expect(() => encodeSummary(s)).toThrow(/RunSummary has fields .*extra.*update summary-codec\.ts/);
  });
});
