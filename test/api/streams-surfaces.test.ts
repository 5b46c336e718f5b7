/**
 * Per-component streams through the surfaces (issue 15 §1): the CLI (two worker threads) and the
 * API give the same receipt for the same run, and moving a pipeline-only parameter leaves the
 * conflict outcomes of both bit-identical to the default run's.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { testApp } from './helpers.ts';

interface RunJson {
  receipt: { outputHash: string };
  metrics: Record<string, unknown>;
  tracks: Record<string, unknown>;
}

const SCENARIO = 'armenia-azerbaijan-2022';
/** Outcomes that sector_distance_km cannot reach (it is read only by the pipeline track's rates). */
const CONFLICT_METRICS = ['war_reached', 'hours_to_ceasefire', 'ceasefire_by_day_2', 'armenian_fatalities', 'fighting_hours'];

async function cliRun(set: string[]): Promise<RunJson> {
  const run = await runCli([
    'run',
    `scenarios/${SCENARIO}.yaml`,
    '--trials',
    '6000',
    '--seed',
    '9',
    '--workers',
    '2',
    ...set,
    '--format',
    'json',
  ]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as RunJson;
}

describe('streams per component through the CLI and the API', () => {
  it('agree on the receipt, and a pipeline-only parameter leaves conflict outcomes bit-identical in both', async () => {
    const api = await testApp();
    try {
      const apiRun = async (overrides: Record<string, number>) => {
        const res = await api.app.inject({
          method: 'POST',
          url: '/api/runs',
          payload: { scenarioId: SCENARIO, trials: 6000, seed: 9, overrides },
        });
        expect(res.statusCode).toBe(201);
        return (res.json() as { result: RunJson }).result;
      };
      const [cliBase, cliFar, apiBase, apiFar] = [
        await cliRun([]),
        await cliRun(['--set', 'sector_distance_km=100']),
        await apiRun({}),
        await apiRun({ sector_distance_km: 100 }),
      ];
      expect(apiBase.receipt.outputHash).toBe(cliBase.receipt.outputHash);
      expect(apiFar.receipt.outputHash).toBe(cliFar.receipt.outputHash);
      // The parameter does change the pipeline, so the receipts differ …
      expect(cliFar.receipt.outputHash).not.toBe(cliBase.receipt.outputHash);
      // … while the conflict track and its outcomes are the same to the bit, on both surfaces.
      for (const [base, far] of [
        [cliBase, cliFar],
        [apiBase, apiFar],
      ] as const) {
        expect(far.tracks.conflict).toEqual(base.tracks.conflict);
        for (const m of CONFLICT_METRICS) expect(far.metrics[m], m).toEqual(base.metrics[m]);
      }
    } finally {
      await api.close();
    }
  }, 120_000);
});
