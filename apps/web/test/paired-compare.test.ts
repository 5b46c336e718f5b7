/**
 * Comparing with a baseline: runs with the same seed and trials are paired (their per-trial differences,
 * computed in a worker over the same chunks a run uses), others independent; a cancelled run keeps its finished prefix.
 */
import { buildModel, loadScenarioText, type RunResult, runScenario } from '@georisk/engine';
import { planChunks } from '@georisk/engine/chunks';
import { clearThreshold, markClear, mergePaired, type PairedSummary, pairedDifference, summarizePaired } from '@georisk/engine/paired';
import { describe, expect, it } from 'vitest';
import { compareMetrics, type MetricView } from '../src/chart-data.ts';
import { finishedPrefix } from '../src/engine-client.ts';
import { handle } from '../src/engine-tasks.ts';
import { COMPARE_LABEL, isPairable, pairedDifferences } from '../src/scenario/paired-compare.ts';
import { partialLabel } from '../src/scenario/screen-state.ts';

const { scenario } = loadScenarioText(`
id: paired-web
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

describe('isPairable', () => {
  const a = runScenario(scenario, { seed: 1, trials: 500 });
  it('pairs runs of the same scenario, seed and trials, whatever their overrides', () => {
    expect(isPairable(runScenario(scenario, { seed: 1, trials: 500, overrides: { war_rate: 0.03 } }), a)).toBe(true);
  });
  it('does not pair a different seed, trial count or scenario', () => {
    expect(isPairable(runScenario(scenario, { seed: 2, trials: 500 }), a)).toBe(false);
    expect(isPairable(runScenario(scenario, { seed: 1, trials: 501 }), a)).toBe(false);
    const other = loadScenarioText(JSON.stringify({ ...scenario, id: 'other' })).scenario;
    expect(isPairable(runScenario(other, { seed: 1, trials: 500 }), a)).toBe(false);
  });
  it('names the kind in words', () => {
    expect(COMPARE_LABEL).toEqual({ paired: 'paired (same seed)', independent: 'independent (different seeds)' });
  });
});

describe('pairedDifferences', () => {
  const trials = 40_000;
  const base = runScenario(scenario, { seed: 5, trials });
  const changed = runScenario(scenario, { seed: 5, trials, overrides: { war_rate: 0.022 } });
  const parts = planChunks(trials).map((chunk) => {
    const reply = handle(
      {
        type: 'paired-chunk',
        id: 1,
        task: {
          kind: 'paired',
          baseline: { scenario, overrides: {} },
          current: { scenario, overrides: { war_rate: 0.022 } },
          seed: 5,
          chunk,
        },
      },
      () => {},
    );
    if (reply.type !== 'paired-chunk') throw new Error(reply.type);
    return reply.summary;
  });
  const merged = parts.reduce<PairedSummary>((x, y) => mergePaired(x, y), { trials: 0, metrics: {} });
  const paired = pairedDifferences(merged);
  const independent = compareMetrics(
    changed.metrics as Record<string, MetricView>,
    trials,
    base.metrics as Record<string, MetricView>,
    trials,
  );

  it('the worker chunks merged equal one direct paired run', () => {
    const direct = pairedDifference(buildModel(scenario), buildModel(scenario, { war_rate: 0.022 }), { seed: 5, firstTrial: 0, trials });
    for (const name of ['war_reached', 'war_day'])
      expect(summarizePaired(merged.metrics[name]!)).toEqual(summarizePaired(direct.metrics[name]!));
  });

  it('has the same point estimate as the difference of the two runs, and a narrower interval', () => {
    for (const name of ['war_reached', 'war_day']) {
      const p = paired[name]!;
      const i = independent[name]!;
      expect(p.diff).toBeCloseTo(i.diff, 9);
      expect(p.ci95[1] - p.ci95[0]).toBeLessThan((i.ci95[1] - i.ci95[0]) / 2);
    }
  });

  it('is clear only beyond the threshold for the whole comparison, and never between runs of the same assumptions', () => {
    const same = handle(
      {
        type: 'paired-chunk',
        id: 1,
        task: {
          kind: 'paired',
          baseline: { scenario, overrides: {} },
          current: { scenario, overrides: {} },
          seed: 5,
          chunk: { firstTrial: 0, trials: 2000 },
        },
      },
      () => {},
    );
    if (same.type !== 'paired-chunk') throw new Error(same.type);
    for (const d of Object.values(markClear(pairedDifferences(same.summary))))
      expect(d).toEqual({ diff: 0, se: 0, ci95: [0, 0], clear: false });
    const marked = markClear(paired);
    const z = clearThreshold(Object.keys(paired).length);
    for (const [name, d] of Object.entries(marked)) expect(d.clear).toBe(Math.abs(d.diff) > z * (paired[name]?.se ?? Number.NaN));
    expect(Object.values(marked).some((d) => d.clear)).toBe(true);
    for (const d of Object.values(markClear(paired, true))) expect(d.clear).toBe(false);
  });
});

describe('a cancelled run', () => {
  it('keeps only the chunks finished before the first missing one', () => {
    expect(finishedPrefix(['a', 'b', undefined, 'd'])).toEqual(['a', 'b']);
    expect(finishedPrefix([undefined, 'b'])).toEqual([]);
    expect(finishedPrefix(['a', 'b'])).toEqual(['a', 'b']);
  });

  it('is labelled with the trials kept and asked for', () => {
    expect(partialLabel(65_536, 10_000_000)).toBe('partial: 65,536 of 10,000,000 trials (cancelled)');
  });

  it('its first K chunks merged give the same receipt as a run of their trials', () => {
    const r: RunResult = runScenario(scenario, { seed: 3, trials: 2 * 16_384 });
    const handled = planChunks(3 * 16_384)
      .slice(0, 2)
      .map((chunk) => {
        const reply = handle({ type: 'chunk', id: 1, scenario, overrides: {}, seed: 3, ...chunk }, () => {});
        if (reply.type !== 'chunk') throw new Error(reply.type);
        return reply.summary;
      });
    const fin = handle({ type: 'finalize', id: 2, scenario, overrides: {}, seed: 3, parts: handled, seconds: 1, workers: 1 }, () => {});
    if (fin.type !== 'finalize') throw new Error(fin.type);
    expect(fin.result.trials).toBe(2 * 16_384);
    expect(fin.result.receipt.outputHash).toBe(r.receipt.outputHash);
  });
});
