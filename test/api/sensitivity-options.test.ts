/**
 * A sensitivity request whose options the engine refuses is answered 400 before any work is queued,
 * even when its Sobol' stage would come only after a Morris screen (more parameters than one
 * design holds): the screen ran for seconds and then the job failed with `bad_run_options`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_SCENARIO, type TestApp, testApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  // No cap on jobs per address: a refusal that regressed into a started job must not turn the next test into a 429.
  t = await testApp({ jobsPerClient: false });
});
afterAll(() => t.close());

const post = (payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/sensitivity', payload });

describe("a Sobol' analysis screened by Morris first", () => {
  // alliance-dilemma has more parameters than one Sobol' design holds, so its Sobol' stage follows a Morris screen.
  it('answers 400 for samples that are not a power of two, with the engine message and hint, and starts no job', async () => {
    const res = await post({ scenarioId: 'alliance-dilemma', method: 'sobol', samples: 100 });
    expect(res.statusCode).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.json()).toMatchObject({
      code: 'bad_run_options',
      path: 'samples',
      message: "Sobol' needs a power of two of at least 4 base samples per replicate (32 for 8 replicates), got 100",
      hint: 'use 64 or 128, or fewer replicates',
    });
    expect(res.body).not.toMatch(/\bat\s.*\.ts:\d+/);
  });

  it('answers 400 for too few samples for the replicates, and for replicates that are not a power of two', async () => {
    const few = await post({ scenarioId: 'alliance-dilemma', method: 'sobol', samples: 64, replicates: 32 });
    expect(few.statusCode).toBe(400);
    expect(few.json()).toMatchObject({ code: 'bad_run_options', path: 'samples', hint: 'use 128 or 256, or fewer replicates' });
    const odd = await post({ scenarioId: 'alliance-dilemma', method: 'sobol', samples: 64, replicates: 3 });
    expect(odd.statusCode).toBe(400);
    expect(odd.json()).toMatchObject({ code: 'bad_run_options', path: 'replicates', hint: 'use 8' });
  });

  it('still starts a valid screened analysis (202), which DELETE cancels', async () => {
    const res = await post({ scenarioId: 'alliance-dilemma', method: 'sobol', samples: 64, trials: 10 });
    expect(res.statusCode).toBe(202);
    const cancelled = await t.app.inject({ method: 'DELETE', url: `/api/jobs/${res.json().id}` });
    expect(cancelled.json().status).toBe('cancelled');
  });
});

describe("a Sobol' analysis with no screen", () => {
  it('answers 400 for a bad sample count, as before, with the hint at the top of the body', async () => {
    const res = await post({ text: SMALL_SCENARIO, method: 'sobol', samples: 100 });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'bad_run_options', path: 'samples', hint: 'use 64 or 128, or fewer replicates' });
  });
});
