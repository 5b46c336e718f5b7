/**
 * Priors and provenance: the quantile functions against closed forms, the default prior over a
 * range, a prior that contradicts its range, and the warnings `validate` gives a parameter that
 * says nothing of where it comes from.
 */
import { describe, expect, it } from 'vitest';
import {
  betaCdf,
  distributionQuantile,
  GeoriskError,
  gammaCdf,
  loadScenarioText,
  parameterPrior,
  parameterWarnings,
  priorRangeIssue,
} from '../src/index.ts';
import { TrialStream } from '../src/rng.ts';

const P = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];

describe('distributionQuantile', () => {
  it('matches closed forms: uniform, triangular, normal, lognormal, beta(1,1), beta(a,1), gamma(1,s)', () => {
    for (const p of P) {
      expect(distributionQuantile({ dist: 'uniform', min: 2, max: 6 }, p)).toBeCloseTo(2 + 4 * p, 12);
      expect(distributionQuantile({ dist: 'normal', mean: 1, sd: 2 }, 0.5)).toBeCloseTo(1, 12);
      expect(distributionQuantile({ dist: 'lognormal', mu: 0.3, sigma: 0.9 }, 0.5)).toBeCloseTo(Math.exp(0.3), 12);
      expect(distributionQuantile({ dist: 'beta', alpha: 1, beta: 1 }, p)).toBeCloseTo(p, 12);
      // beta(a, 1) has CDF x^a, so its quantile is p^(1/a).
      expect(distributionQuantile({ dist: 'beta', alpha: 3, beta: 1 }, p)).toBeCloseTo(p ** (1 / 3), 10);
      // gamma(1, s) is exponential with mean s.
      expect(distributionQuantile({ dist: 'gamma', shape: 1, scale: 2.5 }, p)).toBeCloseTo(-2.5 * Math.log(1 - p), 9);
      // A symmetric triangle's median is its mode; its CDF below the mode is (x-min)²/((max-min)(mode-min)).
      const x = distributionQuantile({ dist: 'triangular', min: 0, mode: 1, max: 2 }, p);
      expect(x <= 1 ? (x * x) / 2 : 1 - ((2 - x) * (2 - x)) / 2).toBeCloseTo(p, 12);
    }
    expect(distributionQuantile({ dist: 'normal', mean: 0, sd: 1 }, 0.975)).toBeCloseTo(1.959963984540054, 12);
  });

  it('inverts the beta and gamma CDFs (the library priors beta(8,2), beta(1.5,48.5), gamma(4, s))', () => {
    for (const p of P) {
      expect(betaCdf(distributionQuantile({ dist: 'beta', alpha: 8, beta: 2 }, p), 8, 2)).toBeCloseTo(p, 10);
      expect(betaCdf(distributionQuantile({ dist: 'beta', alpha: 1.5, beta: 48.5 }, p), 1.5, 48.5)).toBeCloseTo(p, 10);
      expect(gammaCdf(distributionQuantile({ dist: 'gamma', shape: 4, scale: 0.015 }, p) / 0.015, 4)).toBeCloseTo(p, 10);
    }
    // beta(2, 2) is symmetric about 0.5; gamma(2, 1) has CDF 1 - (1 + x) e^-x.
    expect(distributionQuantile({ dist: 'beta', alpha: 2, beta: 2 }, 0.5)).toBeCloseTo(0.5, 12);
    expect(gammaCdf(3, 2)).toBeCloseTo(1 - 4 * Math.exp(-3), 13);
  });
});

describe('parameterPrior', () => {
  it('is the declared uncertainty when there is one', () => {
    const prior = parameterPrior({ default: 0.8, range: [0.5, 0.9], uncertainty: { dist: 'beta', alpha: 8, beta: 2 } });
    expect(prior?.source).toBe('declared');
    expect(prior?.distribution).toEqual({ dist: 'beta', alpha: 8, beta: 2 });
  });

  it('is triangular(min, default, max) over a range otherwise, and its draws follow it', () => {
    const prior = parameterPrior({ default: 2, range: [1, 5] });
    expect(prior?.source).toBe('default');
    expect(prior?.distribution).toEqual({ dist: 'triangular', min: 1, mode: 2, max: 5 });
    // Mean (1 + 2 + 5)/3 = 8/3, sd √((1+4+25-2-5-10)/18) = √(13/18) ≈ 0.85: 20,000 draws put the
    // sample mean within 4.5 SE (0.027) of it except with probability 7e-6.
    const rng = new TrialStream(12345);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += prior?.sample(rng) ?? Number.NaN;
    expect(Math.abs(sum / 20_000 - 8 / 3)).toBeLessThan(4.5 * Math.sqrt(13 / 18 / 20_000));
  });

  it('is undefined for a setting, a parameter without range, and an empty range', () => {
    expect(parameterPrior({ default: 1, range: [0, 1], provenance: { kind: 'setting' } })).toBeUndefined();
    expect(parameterPrior({ default: 1 })).toBeUndefined();
    expect(parameterPrior({ default: 1, range: [1, 1] })).toBeUndefined();
  });
});

describe('priorRangeIssue', () => {
  it('refuses a bounded prior reaching outside the range and a prior whose median lies outside it', () => {
    const outside = priorRangeIssue('p', { default: 0.5, range: [0, 1], uncertainty: { dist: 'uniform', min: 0.5, max: 2 } });
    expect(outside).toMatchObject({ code: 'bad_prior', severity: 'error', path: 'parameters.p.uncertainty' });
    expect(outside?.message).toContain('[0.5, 2]');
    expect(outside?.hint).toContain('widen the range');
    const median = priorRangeIssue('r', { default: 1, range: [0, 2], uncertainty: { dist: 'normal', mean: 5, sd: 1 } });
    expect(median?.message).toContain('its median 5');
  });

  it('gives a prior that fits as the fix, and says where a beta lies', () => {
    const rate = priorRangeIssue('r', { default: 0.02, range: [0.005, 0.08], uncertainty: { dist: 'beta', alpha: 2, beta: 5 } });
    expect(rate?.message).toContain('its median 0.2644');
    expect(rate?.hint).toBe(
      'a beta lies on [0, 1]; make the distribution fit the range (e.g. uncertainty: { dist: triangular, min: 0.005, mode: 0.02, max: 0.08 }), or widen the range if those values are plausible',
    );
    // A default outside the range is no mode for the example: the middle of the range is.
    const off = priorRangeIssue('q', { default: 3, range: [0, 1], uncertainty: { dist: 'uniform', min: 0, max: 2 } });
    expect(off?.hint).toContain('{ dist: triangular, min: 0, mode: 0.5, max: 1 }');
  });

  it('accepts tails beyond the range (the library: beta(8,2) puts 22% above 0.9 in [0.5, 0.9])', () => {
    expect(priorRangeIssue('p', { default: 0.8, range: [0.5, 0.9], uncertainty: { dist: 'beta', alpha: 8, beta: 2 } })).toBeUndefined();
  });
});

const SCENARIO = (parameters: string) => `id: provenance-test
time: { unit: day, dt: 1, horizon: 5 }
parameters:
${parameters}
tracks:
  conflict:
    states: [calm, war]
    initial: calm
    transitions:
      - { from: calm, to: war, rate: a + b + c + d }
metrics:
  war: { expr: 'ever(conflict, "war")' }
`;

describe('parameterWarnings', () => {
  it('warns, with the path, on each parameter that gives no provenance, sources or assumption', () => {
    const { scenario } = loadScenarioText(
      SCENARIO(`  a: { default: 0.1, range: [0, 1], provenance: { kind: derived, from: "0.7/week ÷ 7" } }
  b: { default: 0.1, range: [0, 1] }
  c: { default: 0.1 }
  d: { default: 0.1, assumption: a round number }`),
    );
    const warnings = parameterWarnings(scenario);
    expect(warnings.map((w) => [w.code, w.severity, w.path])).toEqual([
      ['missing_provenance', 'warning', 'parameters.b'],
      ['missing_provenance', 'warning', 'parameters.c'],
    ]);
    expect(warnings[0]?.message).toBe('"b" says neither where its value comes from');
    expect(warnings[1]?.message).toContain('nor how uncertain it is');
    expect(warnings[1]?.hint).toContain('provenance: { kind: sourced | derived | assumed | fitted');
  });

  it('refuses a sourced parameter without sources, and an unknown kind', () => {
    const load = (p: string) => () => loadScenarioText(SCENARIO(p));
    const rest = '  b: { default: 0 }\n  c: { default: 0 }\n  d: { default: 0 }';
    expect(load(`  a: { default: 0.1, provenance: { kind: sourced } }\n${rest}`)).toThrowError(
      /parameters\.a\.provenance\.sources: error \[invalid_value\] a sourced parameter needs its sources/,
    );
    try {
      load(`  a: { default: 0.1, provenance: { kind: guessed } }\n${rest}`)();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GeoriskError);
      expect((error as GeoriskError).issues[0]).toMatchObject({ code: 'invalid_value', path: 'parameters.a.provenance.kind' });
    }
  });
});
