/**
 * The API's numbers equal the CLI's: `POST /api/runs` and `georisk run --format json` on the same
 * scenario, trials, seed and overrides agree field by field (timing aside), whether the CLI runs on
 * its own thread or the API splits the trials into chunks on its pool.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { SMALL_SCENARIO, type TestApp, testApp } from './helpers.ts';

let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await testApp({ pool: { threads: 2 } });
  dir = mkdtempSync(join(tmpdir(), 'georisk-parity-'));
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A result without its timing (seconds, speed and thread count are the only fields allowed to differ). */
function withoutTiming(result: Record<string, unknown>): Record<string, unknown> {
  const { timing: _timing, ...rest } = result;
  return rest;
}

async function cliRun(file: string, args: string[]): Promise<Record<string, unknown>> {
  const res = await runCli(['run', file, '--format', 'json', '--no-progress', ...args]);
  expect(res.stderr).toBe('');
  expect(res.status).toBe(0);
  return JSON.parse(res.stdout);
}

describe('API and CLI give the same numbers', () => {
  it('a library scenario with modules and overrides, over several chunks', async () => {
    const trials = 20_000; // two chunks (16,384 + 3,616) on the API's pool; one thread in the CLI
    const [cli, api] = await Promise.all([
      cliRun('scenarios/teaching/two-state-border-dispute.yaml', [
        '--trials',
        String(trials),
        '--seed',
        '11',
        '--set',
        'incident_rate=0.05',
      ]),
      t.app.inject({
        method: 'POST',
        url: '/api/runs',
        payload: { scenarioId: 'two-state-border-dispute', trials, seed: 11, overrides: { incident_rate: 0.05 } },
      }),
    ]);
    expect(api.statusCode).toBe(201);
    const result = api.json().result;
    expect(withoutTiming(result)).toEqual(withoutTiming(cli));
    expect(result.receipt.outputHash).toBe((cli.receipt as { outputHash: string }).outputHash);
  });

  it('a document sent as text', async () => {
    const file = join(dir, 'small.yaml');
    writeFileSync(file, SMALL_SCENARIO);
    const [cli, api] = await Promise.all([
      cliRun(file, ['--trials', '5000', '--seed', '3', '--set', 'war_rate=0.2']),
      t.app.inject({
        method: 'POST',
        url: '/api/runs',
        payload: { text: SMALL_SCENARIO, trials: 5000, seed: 3, overrides: { war_rate: 0.2 } },
      }),
    ]);
    expect(withoutTiming(api.json().result)).toEqual(withoutTiming(cli));
  });
});
