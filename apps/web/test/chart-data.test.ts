import { markClear } from '@georisk/engine/paired';
import { describe, expect, it } from 'vitest';
import {
  binPosition,
  compareMetrics,
  type Difference,
  firstPassageSeries,
  formatDifference,
  histogramMetrics,
  histogramSummary,
  histogramView,
  type MetricView,
  namesUnit,
  OKABE_ITO,
  occupancySeries,
  outcomeBars,
  outcomeSummary,
  sobolRows,
  sobolSummary,
  type TrackView,
  thinIndices,
  timeAxis,
  timeAxisView,
  timeToReach,
  tornadoRows,
  tornadoSummary,
  withAlpha,
} from '../src/chart-data.ts';

function metric(over: Partial<MetricView>): MetricView {
  return {
    mean: 10,
    sd: 2,
    se: 0.1,
    ci95: [9.8, 10.2],
    min: 0,
    max: 40,
    quantiles: { p1: 1, p5: 4, p10: 5, p25: 7, p50: 10, p75: 13, p90: 15, p95: 22, p99: 30 },
    histogram: { edges: [0, 10, 20, 30, 40], counts: [30, 50, 15, 5] },
    ...over,
  };
}

const track: TrackView = {
  states: ['calm', 'clash', 'war', 'ceasefire'],
  final: { calm: 0, clash: 0.2, war: 0.1, ceasefire: 0.7 },
  ever: { calm: 1, clash: 1, war: 0.1, ceasefire: 0.7 },
  occupancy: { calm: [1, 0, 0], clash: [0, 0.5, 0.2], war: [0, 0, 0.1], ceasefire: [0, 0.5, 0.7] },
  firstPassage: {
    calm: { reached: 1, censored: 0, cumulative: [1, 1, 1] },
    clash: { reached: 1, censored: 0, cumulative: [0, 1, 1] },
    war: { reached: 0.1, censored: 0.9, cumulative: [0, 0, 0.1] },
    ceasefire: { reached: 0.7, censored: 0.3, cumulative: [0, 0.5, 0.7] },
  },
};

describe('outcome bars', () => {
  it('merge Monte Carlo probabilities and exact ones in metric order, leaving out non-probabilities', () => {
    const bars = outcomeBars(
      { war: metric({ probability: { p: 0.12, ci95: [0.11, 0.13] }, description: 'full-scale war' }), deaths: metric({}) },
      { war: { mean: 0.121, probability: 0.121 }, truce: { mean: 0.7, probability: 0.7 }, deaths: { mean: 9 } },
      ['truce', 'deaths', 'war'],
    );
    expect(bars).toEqual([
      { name: 'truce', exact: 0.7 },
      { name: 'war', p: 0.12, ci95: [0.11, 0.13], exact: 0.121, description: 'full-scale war' },
    ]);
    expect(outcomeSummary(bars)).toBe('Outcome probabilities. truce: exact 70.0%; war: 12.0% (95% interval [11.0%, 13.0%]), exact 12.1%.');
    expect(outcomeSummary([])).toBe('No outcome probabilities yet.');
  });

  it('carry the words the page shows for each metric, which the summary reads', () => {
    const bars = outcomeBars(undefined, { war: { mean: 0.121, probability: 0.121 } }, ['war'], undefined, (n) => `Label of ${n}`);
    expect(bars).toEqual([{ name: 'war', label: 'Label of war', exact: 0.121 }]);
    expect(outcomeSummary(bars)).toBe('Outcome probabilities. Label of war: exact 12.1%.');
  });
});

describe('time series', () => {
  it('time axis avoids float drift and thinning keeps both ends', () => {
    expect(timeAxis(3, 0.1)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(thinIndices(5, 10)).toEqual([0, 1, 2, 3, 4]);
    const kept = thinIndices(721, 241);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(720);
    expect(kept.length).toBe(241);
  });

  it('occupancy leaves out states never occupied; first passage leaves out the initial state and unreached ones', () => {
    const t: TrackView = { ...track, occupancy: { ...track.occupancy, war: [0, 0, 0] } };
    expect(occupancySeries(t).map((s) => s.state)).toEqual(['calm', 'clash', 'ceasefire']);
    expect(firstPassageSeries(track).map((s) => s.state)).toEqual(['clash', 'war', 'ceasefire']);
    expect(timeToReach([0, 0.5, 0.7], [0, 1, 2], 0.6)).toBe(2);
    expect(timeToReach([0, 0.5, 0.7], [0, 1, 2], 0.9)).toBeUndefined();
  });
});

describe('histograms', () => {
  it('place quantile marks at fractional bin positions', () => {
    const edges = [0, 10, 20, 30, 40];
    expect(binPosition(edges, 0)).toBe(-0.5);
    expect(binPosition(edges, 5)).toBe(0);
    expect(binPosition(edges, 10)).toBe(0.5);
    expect(binPosition(edges, 25)).toBe(2);
    expect(binPosition(edges, 40)).toBe(3.5);
    expect(binPosition(edges, 99)).toBe(3.5);
    const v = histogramView(metric({}));
    expect(v.labels).toEqual(['0–10', '10–20', '20–30', '30–40']);
    expect(v.shares).toEqual([0.3, 0.5, 0.15, 0.05]);
    expect(v.marks.map((m) => [m.name, m.value])).toEqual([
      ['p5', 4],
      ['p50', 10],
      ['p95', 22],
    ]);
    const positions = v.marks.map((m) => m.position);
    [-0.1, 0.5, 1.7].forEach((p, i) => expect(positions[i]).toBeCloseTo(p, 12));
  });

  it('are drawn only for metrics that vary and are not 0/1 outcomes, each with a text alternative', () => {
    expect(
      histogramMetrics({ a: metric({}), b: metric({ probability: { p: 0.5, ci95: [0.4, 0.6] } }), c: metric({ min: 3, max: 3 }) }),
    ).toEqual(['a']);
    expect(histogramSummary('deaths', metric({ unit: 'deaths' }))).toBe(
      'Distribution of deaths deaths: mean 10, 5th percentile 4, median 10, 95th percentile 22, range 0 to 40.',
    );
  });
});

describe('palette', () => {
  it('is Okabe–Ito and converts to rgba', () => {
    expect(OKABE_ITO).toContain('#E69F00');
    expect(withAlpha('#0072B2', 0.5)).toBe('rgba(0, 114, 178, 0.5)');
  });
});

describe('comparing with a baseline', () => {
  it('gives differences of probabilities and of means with 95% intervals', () => {
    const current = { war: metric({ probability: { p: 0.15, ci95: [0.14, 0.16] } }), deaths: metric({ mean: 120, se: 2 }) };
    const baseline = {
      war: metric({ probability: { p: 0.12, ci95: [0.11, 0.13] } }),
      deaths: metric({ mean: 118, se: 1.5 }),
      gone: metric({}),
    };
    const d = compareMetrics(current, 10_000, baseline, 10_000);
    expect(Object.keys(d)).toEqual(['war', 'deaths']);
    const war = d.war as Difference;
    expect(war.diff).toBeCloseTo(0.03, 12);
    const se = Math.sqrt((0.15 * 0.85) / 10_000 + (0.12 * 0.88) / 10_000);
    expect(war.ci95[0]).toBeCloseTo(0.03 - 1.959963984540054 * se, 12);
    const deaths = d.deaths as Difference;
    expect(deaths.diff).toBe(2);
    expect(deaths.ci95[1] - deaths.diff).toBeCloseTo(1.959963984540054 * 2.5, 12);
    // Which are clear is said for the whole comparison (markClear): 2 metrics, beyond 2.24 SE.
    const marked = markClear(d);
    expect([marked.war?.clear, marked.deaths?.clear]).toEqual([true, false]);
    // Two significant digits of the interval's half-width (0.95 pp), as a mean's error is shown.
    expect(formatDifference(war, true)).toBe('+3.00 pp [+2.05, +3.95]');
    // A narrow interval that excludes 0 shows a lower end above 0 (one place read "[0.0, +0.2]").
    const narrow: Difference = { diff: 0.0011, se: 0.00046, ci95: [0.0002, 0.002], clear: true };
    expect(formatDifference(narrow, true)).toBe('+0.110 pp [+0.020, +0.200]');
    expect(formatDifference(deaths, false)).toBe('+2.0 [-2.9, +6.9]');
    // To two significant digits of the interval's half-width: no more places than the interval can hold.
    expect(formatDifference({ diff: 0.8546, se: 0, ci95: [0.6239, 1.0853], clear: true }, false)).toBe('+0.85 [+0.62, +1.09]');
    expect(formatDifference({ diff: 87.29, se: 0, ci95: [68.63, 105.95], clear: true }, false)).toBe('+87 [+69, +106]');
    expect(formatDifference({ diff: -3.3, se: 0, ci95: [-9.7, 3.04], clear: false }, false)).toBe('-3.3 [-9.7, +3.0]');
    expect(formatDifference({ diff: 1234.5, se: 0, ci95: [1100, 1369], clear: true }, false)).toBe('+1,235 [+1,100, +1,369]');
    expect(formatDifference({ diff: -0.0001, se: 0, ci95: [-0.003, 0.0028], clear: false }, true)).toBe('-0.01 pp [-0.30, +0.28]');
  });
});

describe('sensitivity charts', () => {
  it('rank tornado bars by swing and Sobol indices by total order, with text alternatives', () => {
    const bars = [
      { param: 'a', low: 0, high: 1, outputLow: 0.1, outputHigh: 0.12, swing: 0.02 },
      { param: 'b', low: 0, high: 1, outputLow: 0.05, outputHigh: 0.2, swing: 0.15 },
      { param: 'c', low: 0, high: 1, outputLow: 0.12, outputHigh: 0.08, swing: 0.04 },
    ];
    expect(tornadoRows(bars, 2).map((r) => r.param)).toEqual(['b', 'c']);
    expect(tornadoSummary('war', 0.1, tornadoRows(bars))).toBe(
      "Tornado for war (at the panel's values: 0.1): the largest swings come from b (0.05 to 0.2), c (0.12 to 0.08), a (0.1 to 0.12).",
    );
    const indices = [
      { param: 'x', first: 0.1, firstCi95: [0.05, 0.15] as [number, number], total: 0.2, totalCi95: [0.1, 0.3] as [number, number] },
      { param: 'y', first: 0.5, firstCi95: [0.4, 0.6] as [number, number], total: 0.7, totalCi95: [0.6, 0.8] as [number, number] },
    ];
    expect(sobolRows(indices).map((r) => r.param)).toEqual(['y', 'x']);
    expect(sobolSummary('war', sobolRows(indices))).toContain('y (total 0.7, first 0.5)');
  });

  it("name each bar's parameter by its label where the page gives one, else by its name", () => {
    const bars = [
      { param: 'war_rate', label: 'Clash escalates to war', low: 0, high: 1, outputLow: 0.05, outputHigh: 0.2, swing: 0.15 },
      { param: 'calm_rate', low: 0, high: 1, outputLow: 0.1, outputHigh: 0.12, swing: 0.02 },
    ];
    expect(tornadoSummary('War within 30 days', 0.1, tornadoRows(bars))).toBe(
      "Tornado for War within 30 days (at the panel's values: 0.1): the largest swings come from Clash escalates to war (0.05 to 0.2), calm_rate (0.1 to 0.12).",
    );
    const indices = [
      {
        param: 'war_rate',
        label: 'Clash escalates to war',
        first: 0.5,
        firstCi95: [0.4, 0.6] as [number, number],
        total: 0.7,
        totalCi95: [0.6, 0.8] as [number, number],
      },
    ];
    expect(sobolSummary('war', indices)).toContain('Clash escalates to war (total 0.7, first 0.5)');
  });

  it('mark bars within noise in their labels and summaries', () => {
    const bars = [
      { param: 'a', low: 0, high: 1, outputLow: 0.1, outputHigh: 0.12, swing: 0.02, withinNoise: true },
      { param: 'b', low: 0, high: 1, outputLow: 0.05, outputHigh: 0.2, swing: 0.15, withinNoise: false },
    ];
    expect(tornadoSummary('war', 0.1, tornadoRows(bars))).toMatch(/ 1 of 2 bars are within noise\.$/);
    // Solved exactly, a bar without swing is no effect, not noise.
    const exact = [
      { param: 'a', low: 0, high: 1, outputLow: 0.1, outputHigh: 0.1, swing: 0 },
      { param: 'b', low: 0, high: 1, outputLow: 0.05, outputHigh: 0.2, swing: 0.15 },
    ];
    expect(tornadoSummary('war', 0.1, tornadoRows(exact), true)).toMatch(/ 1 of 2 bars are exactly 0 \(no effect\)\.$/);
    expect(tornadoSummary('war', 0.1, tornadoRows(exact), true)).not.toContain('noise');
    // More bars than the chart draws: the sentence says so, and where the rest are.
    const many = Array.from({ length: 34 }, (_, i) => ({
      param: `p${i}`,
      low: 0,
      high: 1,
      outputLow: 0,
      outputHigh: i / 100,
      swing: i / 100,
    }));
    expect(tornadoSummary('war', 0.1, many, true)).toMatch(/The chart shows the 15 largest swings of 34; its table view lists them all\.$/);
    expect(tornadoSummary('war', 0.1, many.slice(0, 15), true)).not.toContain('The chart shows');
    const indices = [
      {
        param: 'x',
        first: 0,
        firstCi95: [0, 0.01] as [number, number],
        total: 0.01,
        totalCi95: [0, 0.03] as [number, number],
        withinNoise: true,
      },
    ];
    expect(sobolSummary('war', sobolRows(indices))).toMatch(/1 of 1 cannot be told from no effect\.$/);
  });
});

describe('time axes in the unit they read best in', () => {
  it('a 30-day hourly run reads in days, with ticks at round days that are drawn points', () => {
    const axis = timeAxisView(720, 1, 'hour');
    expect(axis.unit).toBe('day');
    const ticked = axis.points.filter((_, i) => axis.ticks[i]).map(([, label]) => label);
    expect(ticked).toEqual(['0', '5', '10', '15', '20', '25', '30']);
    expect(axis.points.length).toBeLessThanOrEqual(181);
    expect(axis.points.at(-1)).toEqual([720, '30']);
  });

  it('a 90-day daily run stays in days; a two-year one reads in weeks; a 2-day hourly one stays in hours', () => {
    expect(
      timeAxisView(90, 1, 'day')
        .points.filter((_, i) => timeAxisView(90, 1, 'day').ticks[i])
        .map(([, l]) => l),
    ).toEqual(['0', '10', '20', '30', '40', '50', '60', '70', '80', '90']);
    expect(timeAxisView(730, 1, 'day').unit).toBe('week');
    expect(timeAxisView(48, 1, 'hour').unit).toBe('hour');
  });
});

describe('namesUnit', () => {
  it('finds a unit the label already says, as a word start in any case', () => {
    expect(namesUnit('Deaths', 'deaths')).toBe(true);
    expect(namesUnit('Hours until a ceasefire', 'hour')).toBe(true);
    expect(namesUnit('Days the pipeline is down', 'day')).toBe(true);
    expect(namesUnit('Armenian territory taken', 'km²')).toBe(false);
    expect(namesUnit('Oil not exported', 'million barrels')).toBe(false);
    // Inside a word is not the unit: "holiday" does not say "day".
    expect(namesUnit('Holiday truce', 'day')).toBe(false);
    expect(namesUnit('Cost (USD m)', 'usd m')).toBe(true);
  });
});
