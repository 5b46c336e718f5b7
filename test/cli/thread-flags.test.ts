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
import { acceptedByThreads, withoutRequireEsm } from '../../packages/node/src/thread-exec-argv.ts';
import { ThreadPool } from '../../packages/node/src/thread-pool.ts';
import { ROOT, runCli, withoutTiming } from '../helpers/cli.ts';
import { libraryScenario } from '../helpers/library-scenarios.ts';

const NO_REQUIRE_ESM = '--no-experimental-require-module';

describe('worker thread flags', () => {
  it('add --no-experimental-require-module once, keeping the others', () => {
    expect(withoutRequireEsm(['--max-old-space-size=512'])).toEqual(['--max-old-space-size=512', '--no-experimental-require-module']);
    expect(withoutRequireEsm(['--no-experimental-require-module'])).toEqual(['--no-experimental-require-module']);
  });

  it('leave out the flags a thread refuses (V8 and process-wide ones), with a value given apart, and keep the rest', () => {
    expect(acceptedByThreads(['--max-old-space-size=512', NO_REQUIRE_ESM])).toEqual([NO_REQUIRE_ESM]);
    expect(acceptedByThreads(['--v8-pool-size', '3', '--enable-source-maps', '--stack-size=2000', '--title=x'])).toEqual([
      '--enable-source-maps',
    ]);
    expect(acceptedByThreads(['--conditions=development', '--expose-gc'])).toEqual(['--conditions=development']);
    expect(acceptedByThreads(['--import', 'tsx', NO_REQUIRE_ESM])).toEqual(['--import', 'tsx', NO_REQUIRE_ESM]);
  });

  // Before, `new Worker` threw on the user's flag and the command stopped with "internal error:
  // Initiated Worker with invalid execArgv flags". 20,000 trials of the 2022 scenario use both threads.
  it('run on threads when Node itself was given V8 and process-wide flags, with the same numbers', async () => {
    const args = [
      'run',
      'scenarios/armenia-azerbaijan-2022.yaml',
      '--trials',
      '20000',
      '--workers',
      '2',
      '--format',
      'json',
      '--no-progress',
    ];
    const [plain, flagged] = await Promise.all([
      runCli(args),
      runCli(args, { nodeArgs: ['--max-old-space-size=2048', '--stack-size=2000', '--v8-pool-size=2'] }),
    ]);
    expect(flagged.stderr).toBe('');
    expect(flagged.status).toBe(0);
    expect(plain.status).toBe(0);
    expect(withoutTiming(flagged.stdout)).toEqual(withoutTiming(plain.stdout));
  }, 120_000);

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
