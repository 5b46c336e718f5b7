/**
 * Chunks of one model reuse its trial runner: a later chunk recomputes no step rule the earlier
 * one built (counted by wrapping compiled expressions, no timing), and the results are the same
 * as one call's however the trials are split, with stepping calls and nested calls in between.
 */
import { describe, expect, it } from 'vitest';
import { mergeSummaries, simulate } from '../src/index.ts';
import { modelOf } from './helpers.ts';

const YAML = `
id: runner-reuse
time: { unit: day, dt: 1, horizon: 30 }
parameters:
  drawn: { default: 0.2, uncertainty: { dist: uniform, min: 0.1, max: 0.3 } }
  fixed: { default: 5 }
tracks:
  front:
    states: [calm, clash]
    initial: calm
    transitions:
      - { from: calm, to: clash, rate: drawn }
      - { from: clash, to: calm, rate: drawn }
  market:
    states: [open, closed]
    initial: open
    transitions:
      - { from: open, to: closed, rate: fixed }
      - { from: closed, to: open, rate: fixed }
variables:
  losses: { initial: 0 }
flows:
  - { to: losses, amount: 'poisson(fixed * dt)' }
metrics:
  losses: { expr: losses }
`;

describe('chunks of one model share its trial runner', () => {
  it('a second chunk computes no step rule of a track with fixed parameters again', () => {
    const model = modelOf(YAML);
    const market = model.tracks.find((t) => t.name === 'market')!;
    const calls = { n: 0 };
    for (const list of market.outgoing)
      for (const tr of list) {
        const fn = tr.value.fn;
        tr.value.fn = (s) => {
          calls.n++;
          return fn(s);
        };
      }
    simulate(model, { seed: 3, firstTrial: 0, trials: 500 });
    const first = calls.n;
    expect(first).toBeGreaterThan(0);
    simulate(model, { seed: 3, firstTrial: 500, trials: 500 });
    expect(calls.n).toBe(first);
  });

  it('gives the same summary as one call however the trials are split', () => {
    const whole = simulate(modelOf(YAML), { seed: 7, firstTrial: 0, trials: 3000 });
    const model = modelOf(YAML);
    const a = simulate(model, { seed: 7, firstTrial: 0, trials: 1000 });
    // A stepping call and a call nested in a callback use runners of their own in between.
    simulate(model, { seed: 7, firstTrial: 0, trials: 200, stepOnly: true });
    let nested = 0;
    const b = simulate(model, {
      seed: 7,
      firstTrial: 1000,
      trials: 1000,
      onTrialEnd: (trial) => {
        if (trial === 1500) nested = simulate(model, { seed: 9, firstTrial: 0, trials: 50 }).trials;
      },
    });
    const seen: number[] = [];
    const c = simulate(model, { seed: 7, firstTrial: 2000, trials: 1000, onTrialValues: (_, v) => seen.push(v[0]!) });
    expect(nested).toBe(50);
    expect(seen).toHaveLength(1000);
    const merged = mergeSummaries(mergeSummaries(a, b), c);
    // Metric sums are exact but kept in a form that depends on how they were added up.
    const { metrics: mergedMetrics, ...mergedRest } = merged;
    const { metrics: wholeMetrics, ...wholeRest } = whole;
    expect(mergedRest).toEqual(wholeRest);
    const totals = (m: (typeof merged.metrics)[number]) => ({
      n: m.n,
      min: m.min,
      max: m.max,
      sum: m.intSum + m.sum.reduce((x, y) => x + y, 0),
      sumSq: m.intSumSq + m.sumSq.reduce((x, y) => x + y, 0),
    });
    expect(mergedMetrics.map(totals)).toEqual(wholeMetrics.map(totals));
  });
});
