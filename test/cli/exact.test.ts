/** `georisk exact` and `georisk run --exact` as a user runs them. */
import { describe, expect, it } from 'vitest';
import { REFERENCE, runCli, scratchDir, stackLines } from '../helpers/cli.ts';

describe('georisk exact', () => {
  it('prints the exact answer as a table and as JSON with the same track and metric keys as run', async () => {
    const [table, json, run] = await Promise.all([
      runCli(['exact', REFERENCE]),
      runCli(['exact', REFERENCE, '--format', 'json']),
      runCli(['run', REFERENCE, '--trials', '1000', '--format', 'json']),
    ]);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain('war_reached');
    expect(table.stdout).toContain('13.5%');
    const exact = JSON.parse(json.stdout) as { tracks: Record<string, unknown>; metrics: Record<string, { mean: number }> };
    const mc = JSON.parse(run.stdout) as { tracks: Record<string, unknown>; metrics: Record<string, unknown> };
    expect(Object.keys(exact.tracks)).toEqual(Object.keys(mc.tracks));
    expect(Object.keys(exact.metrics)).toEqual(Object.keys(mc.metrics));
    expect(exact.metrics.war_reached?.mean).toBeCloseTo(0.1351769043, 9);
  });

  it('refuses a scenario whose rates read variables, naming the expression and its line', async () => {
    const scratch = scratchDir();
    try {
      const file = scratch.write(
        'not-markov.yaml',
        [
          'id: not-markov',
          'time: { unit: day, dt: 1, horizon: 10 }',
          'tracks:',
          '  x:',
          '    states: [a, b]',
          '    transitions:',
          "      - { from: a, to: b, rate: 'deaths > 3 ? 0.5 : 0.1' }",
          'variables:',
          '  deaths: {}',
          'flows:',
          '  - { to: deaths, amount: poisson(1) }',
          '',
        ].join('\n'),
      );
      const r = await runCli(['exact', file]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`${file}:7:`);
      expect(r.stderr).toContain('[not_markov]');
      expect(r.stderr).toContain('reads variable "deaths"');
      expect(stackLines(r.stderr)).toEqual([]);
    } finally {
      scratch.remove();
    }
  });
});

describe('georisk run --exact', () => {
  it('prints each estimate beside the exact value with a z-score, and adds them to the JSON', async () => {
    const [table, json] = await Promise.all([
      runCli(['run', REFERENCE, '--trials', '20000', '--exact']),
      runCli(['run', REFERENCE, '--trials', '20000', '--exact', '--format', 'json']),
    ]);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain('Monte Carlo against the exact answer');
    const result = JSON.parse(json.stdout) as {
      exact: { metrics: Record<string, { estimate: number; exact: number; se: number; z: number }> };
    };
    for (const c of Object.values(result.exact.metrics)) {
      expect(c.z).toBeCloseTo((c.estimate - c.exact) / c.se, 9);
      // 4.5 SE: false alarm ≈ 6.8e-6 per metric at this fixed seed.
      expect(Math.abs(c.z)).toBeLessThan(4.5);
    }
  });

  it('marks the rows where the exact answer holds uncertain parameters at their values, so z is no check there', async () => {
    // --exact-draws 0: the marks are the point here, not the average over the priors (the next test's),
    // which would solve the 2022 scenario 32 more times in each process (half a minute on 2 cores).
    const [table, json] = await Promise.all([
      runCli(['run', 'scenarios/armenia-azerbaijan-2022.yaml', '--trials', '500', '--exact', '--exact-draws', '0']),
      runCli(['run', 'scenarios/armenia-azerbaijan-2022.yaml', '--trials', '500', '--exact', '--exact-draws', '0', '--format', 'json']),
    ]);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toContain('except in rows marked †');
    expect(table.stdout).toMatch(/the exact answer holds .*armenian_fatality_rate.* at their values, while Monte Carlo draws them/);
    const rows = (JSON.parse(json.stdout) as { exact: { metrics: Record<string, { heldAtValue: string[] }> } }).exact.metrics;
    expect(rows.armenian_fatalities?.heldAtValue).toContain('armenian_fatality_rate');
    // The fatality rates cannot reach the alliance track or the pipeline: they are not named there.
    expect(rows.csto_deployment?.heldAtValue).not.toContain('armenian_fatality_rate');
    expect(rows.pipeline_damaged?.heldAtValue ?? []).not.toContain('p_deploy_unconstrained');
  });

  it('also gives the exact answer averaged over the priors Monte Carlo draws, which the estimate matches', async () => {
    // r ~ uniform(0, 0.2) a day over 10 days: P(reached) = 1 − e^(−10r), 0.632 at r = 0.1 and 0.568 over the prior.
    const scratch = scratchDir();
    const file = scratch.write(
      'uncertain.yaml',
      `id: uncertain
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  r: { default: 0.1, uncertainty: { dist: uniform, min: 0, max: 0.2 } }
tracks:
  x: { states: [a, b], transitions: [{ from: a, to: b, rate: r }] }
metrics:
  reached: { expr: 'ever(x, "b")' }
`,
    );
    const [table, json, oneThread, none, exact, exactFixed] = await Promise.all([
      runCli(['run', file, '--trials', '20000', '--exact']),
      runCli(['run', file, '--trials', '20000', '--exact', '--format', 'json', '--workers', '3']),
      runCli(['run', file, '--trials', '20000', '--exact', '--format', 'json', '--workers', '1']),
      runCli(['run', file, '--trials', '1000', '--exact', '--exact-draws', '0', '--format', 'json']),
      runCli(['exact', file]),
      runCli(['exact', file, '--set', 'r=0.1']),
    ]);
    scratch.remove();
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toContain('"over priors" is the exact answer averaged over 32 draws');
    type Row = { estimate: number; exact: number; z: number; overPriors?: { mean: number; se: number; z: number } };
    const row = (JSON.parse(json.stdout) as { exact: { metrics: Record<string, Row> } }).exact.metrics.reached!;
    // The draws are solved on worker threads: the same bits on one thread as on three.
    expect((JSON.parse(oneThread.stdout) as { exact: unknown }).exact).toEqual((JSON.parse(json.stdout) as { exact: unknown }).exact);
    // Seed 1, 20,000 trials: the estimate is about 18 SE from the answer at r = 0.1 ...
    expect(Math.abs(row.z)).toBeGreaterThan(10);
    // ... and within 4 SE of the answer over the prior (false alarm about 6e-5), which is 1 − (1 − e^(−2)) / 2 to 1e-3.
    expect(Math.abs(row.overPriors!.z)).toBeLessThan(4);
    expect(Math.abs(row.overPriors!.mean - (1 - (1 - Math.exp(-2)) / 2))).toBeLessThan(1e-3);
    // georisk exact says that a run estimates a different number, the average over the prior, unless --set fixes it.
    expect(exact.stdout).toContain(
      'georisk run draws this parameter afresh every trial, so it estimates the answer averaged over its prior',
    );
    expect(exactFixed.stdout).not.toContain('afresh every trial');
    expect((JSON.parse(none.stdout) as { exact: { metrics: Record<string, Row> } }).exact.metrics.reached!.overPriors).toBeUndefined();
  });
});
