/**
 * Worker threads start with require(esm) off, so piscina loads the thread entry by import() and never
 * by a require() that can race it (V8's fatal "IsGraphAsync" error; packages/node/src/thread-exec-argv.ts).
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { withoutRequireEsm } from '../../packages/node/src/thread-exec-argv.ts';
import { ROOT } from '../helpers/cli.ts';

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
});
