/**
 * Two-level runs through the API (`POST /api/runs` with `uncertainty`): the same band as the library
 * for the same seed on a pool of several threads, stored like runs, and bad input as `{code, message, path}`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioText, runUncertainty } from '../../packages/engine/src/index.ts';
import { SMALL_SCENARIO, type TestApp, testApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ pool: { threads: 3 } });
});
afterAll(async () => t.close());

const post = (body: unknown) => t.app.inject({ method: 'POST', url: '/api/runs', payload: body as object });
const { scenario } = loadScenarioText(SMALL_SCENARIO);
const withoutTiming = (r: { timing?: unknown }) => ({ ...r, timing: undefined });

describe('two-level runs in the API', () => {
  it.each(['sample', 'exact'] as const)('gives the library band for the same seed (%s draws, 3 threads) and stores it', async (method) => {
    const outer = { draws: 24, design: 'lhs' as const, trialsPerDraw: 300, method };
    const res = await post({ text: SMALL_SCENARIO, seed: 11, uncertainty: outer });
    expect(res.statusCode).toBe(201);
    const { id, result } = res.json();
    const library = await runUncertainty(scenario, { ...outer, seed: 11 });
    expect(withoutTiming(result)).toEqual(JSON.parse(JSON.stringify(withoutTiming(library))));
    expect(result.method).toBe(method);
    expect(result.uncertain.map((p: { name: string }) => p.name)).toEqual(['war_rate']);
    const stored = await t.app.inject({ method: 'GET', url: `/api/runs/${id}` });
    expect(stored.json()).toMatchObject({ id, status: 'done', result: { draws: 24, metrics: result.metrics } });
  });

  it('leaves a fixed parameter out of the band, and refuses a band with none uncertain', async () => {
    const res = await post({ text: SMALL_SCENARIO, overrides: { war_rate: 0.02 }, uncertainty: { draws: 8 } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: expect.any(String),
      path: 'draws',
      message: expect.stringMatching(/no parameter is uncertain/),
    });
  });

  it.each([
    [{ draws: 0 }, 'uncertainty.draws'],
    [{ draws: 1e9 }, 'uncertainty.draws'],
    [{ draws: 10, design: 'halton' }, 'uncertainty.design'],
  ])('refuses %o with a path', async (outer, path) => {
    const res = await post({ text: SMALL_SCENARIO, uncertainty: outer });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'invalid_request', path, message: expect.any(String) });
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it('refuses a band over the trial-step budget up front, with the most draws that fit', async () => {
    const res = await post({ text: SMALL_SCENARIO, uncertainty: { draws: 100_000, trialsPerDraw: 1_000_000, method: 'sample' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'budget_exceeded', path: 'draws', message: expect.stringMatching(/trial-steps exceeds/) });
    const list = await t.app.inject({ method: 'GET', url: '/api/runs' });
    expect(list.json().runs).toHaveLength(2);
  });
});
