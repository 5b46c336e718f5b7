/**
 * Worker threads start with require(esm) off, so piscina loads the thread entry by import() and never
 * by a require() that can race it (V8's fatal "IsGraphAsync" error; packages/node/src/thread-exec-argv.ts).
 * From source they start on the TypeScript entry through tsx, or on the bundle GEORISK_THREAD_BUNDLE
 * names (the suite's own setting, vitest.config.ts): both give the calling thread's numbers.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { analyzeExact } from '../../packages/engine/src/index.ts';
import { withoutRequireEsm } from '../../packages/node/src/thread-exec-argv.ts';
import { ThreadPool } from '../../packages/node/src/thread-pool.ts';
import { ROOT } from '../helpers/cli.ts';
import { libraryScenario } from '../helpers/library-scenarios.ts';

describe('worker thread flags', () => {
  it('add --no-experimental-require-module once, keeping the others', () => {
    expect(withoutRequireEsm(['--max-old-space-size=512'])).toEqual(['--max-old-space-size=512', '--no-experimental-require-module']);
    expect(withoutRequireEsm(['--no-experimental-require-module'])).toEqual(['--no-experimental-require-module']);
  });

  it('make require() of the bundled thread entry fail cleanly in a worker, as piscina needs to fall back to import()', async () => {
    const entry = join(ROOT, 'apps/cli/dist/chunk-thread.js');
    const code = `const { parentPort } = require('node:worker_threads');
      try { require(${JSON.stringify(entry)}); parentPort.postMessage('loaded'); } catch (e) { parentPort.postMessage(e.code); }`;
    const answer = await new Promise((resolve, reject) => {
      const worker = new Worker(code, { eval: true, execArgv: withoutRequireEsm([]) });
      worker.once('message', (m) => {
        resolve(m);
        void worker.terminate();
      });
      worker.once('error', reject);
    });
    expect(answer).toBe('ERR_REQUIRE_ESM');
  });

  it.each([
    ['the bundle the suite names', process.env.GEORISK_THREAD_BUNDLE],
    ['the TypeScript entry through tsx', undefined],
  ])('start a pool from source on %s, whose answer is the calling thread’s', async (_, bundle) => {
    expect(process.env.GEORISK_THREAD_BUNDLE).toMatch(/apps[\\/]cli[\\/]dist[\\/]chunk-thread\.js$/);
    const saved = process.env.GEORISK_THREAD_BUNDLE;
    if (bundle === undefined) delete process.env.GEORISK_THREAD_BUNDLE;
    let pool: ThreadPool | undefined;
    try {
      pool = new ThreadPool({ threads: 1 });
      const scenario = libraryScenario('scenarios/teaching/alliance-dilemma.yaml');
      const outcome = await pool.run({ kind: 'exact', scenario, overrides: {}, everyState: false });
      if (!('exact' in outcome)) throw new Error(JSON.stringify(outcome));
      expect(outcome.exact.metrics).toEqual(analyzeExact(scenario, {}, { everyState: false }).metrics);
    } finally {
      process.env.GEORISK_THREAD_BUNDLE = saved;
      await pool?.destroy();
    }
  });
});
