/** The document-checking threads (issue 14): a bounded queue, a time limit per document, and answers equal to checking on the event loop. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DocumentChecker } from '../../apps/api/src/document-checker.ts';
import { confinedResolver } from '../../apps/api/src/library.ts';
import { buildModel, GeoriskError, loadScenarioText, planSensitivity, planSweep, sweepRowFacts } from '../../packages/engine/src/index.ts';
import { SMALL_SCENARIO } from './helpers.ts';
import { largeDocument, manyIncludes } from './hostile-docs.ts';

const ROOT = join(import.meta.dirname, '../../scenarios');
let checker: DocumentChecker | undefined;
afterEach(() => checker?.close());

/** The issues a promise rejects with (as a GeoriskError), or the error itself. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error instanceof GeoriskError ? error.issues : error;
  }
  throw new Error('expected a failure');
}

describe('DocumentChecker', () => {
  it('answers what checking on the event loop answers: the same issues, hash and names', async () => {
    checker = new DocumentChecker(ROOT);
    const resolveModule = confinedResolver(ROOT);
    for (const text of [largeDocument(195_000, true), manyIncludes(20), 'id: x\ntime: {unit: day}\n']) {
      // As the routes checked on the event loop before (ScenarioCatalog.check): load, build, locate.
      const here = await failure(
        (async () => {
          const loaded = loadScenarioText(text, { resolveModule });
          try {
            buildModel(loaded.scenario);
          } catch (error) {
            throw error instanceof GeoriskError ? new GeoriskError(loaded.locate(error.issues)) : error;
          }
        })(),
      );
      expect(Array.isArray(here)).toBe(true);
      expect(await failure(checker.check(text))).toEqual(here);
    }
    const checked = await checker.check(SMALL_SCENARIO);
    expect(checked).toMatchObject({ id: 'api-small', steps: 30, parameters: ['war_rate'], metrics: ['war_reached', 'days_to_ceasefire'] });
  });

  it('refuses a document still being checked past its time limit with 400 document_too_complex, then checks the next', async () => {
    checker = new DocumentChecker(ROOT, { timeLimitMs: 1 });
    expect(await failure(checker.check(largeDocument()))).toMatchObject({ statusCode: 400, code: 'document_too_complex', path: 'text' });
    const patient = new DocumentChecker(ROOT);
    try {
      expect((await patient.check(SMALL_SCENARIO)).id).toBe('api-small');
    } finally {
      await patient.close();
    }
  });

  it('refuses with 503 server_busy past its queue, and frees the slot after each check', async () => {
    checker = new DocumentChecker(ROOT, { threads: 1, maxQueue: 0 });
    const [first, second] = await Promise.allSettled([checker.check(SMALL_SCENARIO), checker.check(SMALL_SCENARIO)]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { statusCode: 503, code: 'server_busy' } });
    expect((await checker.check(SMALL_SCENARIO)).id).toBe('api-small');
  });
  it('plans a sweep and a sensitivity job as planning on the event loop does, and refuses a bad one with the same issues', async () => {
    checker = new DocumentChecker(ROOT);
    const scenario = loadScenarioText(SMALL_SCENARIO).scenario;
    const sweep = { design: { method: 'grid' as const, vary: [{ name: 'war_rate', n: 3 }] }, trials: 10, seed: 7 };
    expect(await checker.plan({ scenario, job: { kind: 'sweep', options: sweep }, maxResultValues: 2_000_000 })).toEqual({
      sweep: planSweep(scenario, sweep),
      facts: sweepRowFacts(planSweep(scenario, sweep)),
    });
    const tornado = { method: 'tornado' as const, trials: 10, seed: 7 };
    expect(await checker.plan({ scenario, job: { kind: 'sensitivity', options: tornado }, maxResultValues: 2_000_000 })).toEqual({
      sensitivity: planSensitivity(scenario, tornado),
    });
    const bad = { ...sweep, design: { method: 'grid' as const, vary: [{ name: 'nope', n: 3 }] } };
    const here = await failure((async () => planSweep(scenario, bad))());
    expect(await checker.plan({ scenario, job: { kind: 'sweep', options: bad }, maxResultValues: 2_000_000 })).toEqual({ issues: here });
    // The result-size limit is checked on the thread too.
    const tooLarge = await checker.plan({ scenario, job: { kind: 'sweep', options: sweep }, maxResultValues: 1 });
    expect(tooLarge).toMatchObject({ issues: [{ code: 'result_too_large' }] });
  });
});
