/**
 * Two-level runs through the API (`POST /api/runs` with `uncertainty`): the same band as the library
 * for the same seed on a pool of several threads, stored like runs, and bad input as `{code, message, path}`.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
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
      path: 'uncertainty.draws',
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

  it('refuses `trials` beside `uncertainty` (it would be ignored), as the CLI refuses --trials, and stores nothing', async () => {
    const before = (await t.app.inject({ method: 'GET', url: '/api/runs' })).json().runs.length;
    const res = await post({ text: SMALL_SCENARIO, trials: 5000, uncertainty: { draws: 8, trialsPerDraw: 100 } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      code: 'invalid_request',
      path: 'trials',
      message:
        'trials: only a plain run reads it; with "uncertainty", give the trials of each sampled draw as "uncertainty.trialsPerDraw", or leave out "uncertainty"',
    });
    expect((await t.app.inject({ method: 'GET', url: '/api/runs' })).json().runs).toHaveLength(before);
    // A plain run still takes its default trials, and a band without `trials` runs.
    const plain = await post({ text: SMALL_SCENARIO, seed: 3 });
    expect(plain.statusCode).toBe(201);
    expect(plain.json().result.trials).toBe(10_000);
    expect((await post({ text: SMALL_SCENARIO, uncertainty: { draws: 4, method: 'exact' } })).statusCode).toBe(201);
  });

  it('reports only the `metrics` named, as --metrics does (the library band for them), and refuses an unknown one naming it', async () => {
    const outer = { draws: 12, method: 'exact' as const, metrics: ['days_to_ceasefire'] };
    const res = await post({ text: SMALL_SCENARIO, seed: 5, uncertainty: outer });
    expect(res.statusCode).toBe(201);
    const { result } = res.json();
    expect(Object.keys(result.metrics)).toEqual(['days_to_ceasefire']);
    const library = await runUncertainty(scenario, { ...outer, seed: 5 });
    expect(withoutTiming(result)).toEqual(JSON.parse(JSON.stringify(withoutTiming(library))));
    const bad = await post({ text: SMALL_SCENARIO, uncertainty: { draws: 8, metrics: ['war_reached', 'escalation'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      code: 'bad_run_options',
      path: 'uncertainty.metrics',
      message: 'there is no metric "escalation"',
      hint: 'known metrics: war_reached, days_to_ceasefire',
    });
    expect(bad.json().issues.map((i: { path: string }) => i.path)).toEqual(['uncertainty.metrics']);
    const empty = await post({ text: SMALL_SCENARIO, uncertainty: { draws: 8, metrics: [] } });
    expect(empty.json()).toMatchObject({ code: 'invalid_request', path: 'uncertainty.metrics' });
  });

  it("names the request's fields in an engine refusal of its `uncertainty` options, and keeps the others' paths", async () => {
    // 20,000 steps: 1,000,000 trials per draw are over the trial-step budget for one draw, which the engine checks first.
    const long = SMALL_SCENARIO.replace('horizon: 30', 'horizon: 20000');
    const cases: [object, string, string][] = [
      [
        { text: long, uncertainty: { draws: 4, trialsPerDraw: 1_000_000, method: 'sample' } },
        'budget_exceeded',
        'uncertainty.trialsPerDraw',
      ],
      [
        { text: SMALL_SCENARIO, uncertainty: { draws: 4, metrics: ['war_reached', 'war_reached_'] } },
        'bad_run_options',
        'uncertainty.metrics',
      ],
      [{ text: SMALL_SCENARIO, overrides: { no_such: 1 }, uncertainty: { draws: 4 } }, 'bad_override', 'overrides.no_such'],
    ];
    for (const [body, code, path] of cases) {
      const res = await post(body);
      expect(res.statusCode, path).toBe(400);
      expect(res.json(), path).toMatchObject({ code, path });
    }
  });

  it("stores a band's request without the `trials` it never reads, so the stored request runs again as it is", async () => {
    const res = await post({ text: SMALL_SCENARIO, seed: 4, uncertainty: { draws: 6, method: 'exact' } });
    expect(res.statusCode).toBe(201);
    const stored = (await t.app.inject({ method: 'GET', url: `/api/runs/${res.json().id}` })).json();
    expect(stored.request).not.toHaveProperty('trials');
    expect(stored.request).toMatchObject({ seed: 4, uncertainty: { draws: 6, design: 'lhs', method: 'exact' } });
    const again = await post(stored.request);
    expect(again.statusCode).toBe(201);
    expect(withoutTiming(again.json().result)).toEqual(withoutTiming(res.json().result));
    // A plain run's stored request keeps the default trials it ran.
    const plain = await post({ text: SMALL_SCENARIO, seed: 4 });
    const plainStored = (await t.app.inject({ method: 'GET', url: `/api/runs/${plain.json().id}` })).json();
    expect(plainStored.request).toMatchObject({ trials: 10_000, seed: 4 });
  });

  const storedRuns = async (): Promise<number> => (await t.app.inject({ method: 'GET', url: '/api/runs' })).json().runs.length;

  it('refuses a band over the trial-step budget up front, with the most draws that fit, and stores nothing', async () => {
    const before = await storedRuns();
    const res = await post({ text: SMALL_SCENARIO, uncertainty: { draws: 100_000, trialsPerDraw: 1_000_000, method: 'sample' } });
    expect(res.statusCode).toBe(400);
    // The hint names the request's fields and leaves out the server's budget, which no request can raise.
    expect(res.json()).toMatchObject({
      code: 'budget_exceeded',
      path: 'uncertainty.draws',
      message: '100000 draws × 1000000 trials × 30 steps = 3.00e+12 trial-steps exceeds the budget of 2.00e+9',
      hint: 'use at most 66 draws (`uncertainty.draws`) or fewer trials per draw (`uncertainty.trialsPerDraw`)',
    });
    expect(await storedRuns()).toBe(before);
  });

  it("refuses a band whose one draw's trials pass the API's budget (not only the library's default), before any work", async () => {
    const before = await storedRuns();
    // 20,000 steps: 200,000 trials per draw are 4e9 trial-steps, over the API's 2e9 and under the library's 1e10.
    const long = SMALL_SCENARIO.replace('horizon: 30', 'horizon: 20000');
    const res = await post({ text: long, uncertainty: { draws: 4, trialsPerDraw: 200_000, method: 'sample' } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toMatchObject({
      code: 'budget_exceeded',
      path: 'uncertainty.trialsPerDraw',
      message: '200000 trials × 20000 steps = 4.00e+9 trial-steps exceeds the budget of 2.00e+9',
      hint: 'use at most 100000 trials (`uncertainty.trialsPerDraw`) or a larger dt',
    });
    expect(body.issues).toEqual([expect.objectContaining({ path: 'uncertainty.trialsPerDraw', hint: body.hint })]);
    expect(await storedRuns()).toBe(before);
  });
});

describe('a band of very many draws', () => {
  it('is planned off the event loop: the loop stays free, and a plan past the time limit is refused as too large', async () => {
    const small = await testApp({ pool: { threads: 1 }, documents: { timeLimitMs: 1500 } });
    try {
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      const res = await small.app.inject({
        method: 'POST',
        url: '/api/runs',
        payload: { scenarioId: 'armenia-azerbaijan-2022', seed: 3, uncertainty: { draws: 100_000, design: 'lhs', trialsPerDraw: 2 } },
      });
      delay.disable();
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'document_too_complex' });
      expect(res.json().message).toMatch(/^planning the job took longer than 1\.5 s, the limit; ask for fewer draws/);
      // Planned on the event loop, 100,000 draws of the 2022 scenario held it about 15 s (the bound allows a busy machine's pre-emption).
      expect(delay.max / 1e6).toBeLessThan(500);
    } finally {
      await small.close();
    }
  });
});
