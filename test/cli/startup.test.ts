/**
 * Process start is a serial cost of every command (issue 19): a command that uses no queue never
 * loads bullmq or ioredis, and a launcher whose bundle is fresh never loads esbuild. Node's
 * NODE_DEBUG=module lists every CommonJS file it loads, which is how those packages load.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE, runCli } from '../helpers/cli.ts';

/** The packages a command loaded, from NODE_DEBUG=module's lines on stderr. */
function packagesLoaded(stderr: string): Set<string> {
  return new Set([...stderr.matchAll(/node_modules\/((?:@[\w.-]+\/)?[\w.-]+)\//g)].map((m) => m[1] as string));
}

beforeAll(async () => {
  // The first command after a source change rebuilds the bundle (and then needs esbuild).
  const warm = await runCli(['--version']);
  if (warm.status !== 0) throw new Error(warm.stderr);
});

describe('georisk start-up', () => {
  it('validate and a small run load neither the queue packages nor esbuild', async () => {
    for (const args of [
      ['validate', REFERENCE],
      ['run', REFERENCE, '--trials', '100', '--format', 'json'],
    ]) {
      const r = await runCli(args, { env: { NODE_DEBUG: 'module' } });
      expect(r.status).toBe(0);
      const loaded = packagesLoaded(r.stderr);
      // The check can see packages at all: piscina (the thread pool) is loaded by every command.
      expect(loaded.has('piscina')).toBe(true);
      for (const heavy of ['bullmq', 'ioredis', 'esbuild']) expect(loaded.has(heavy), `${args[0]} loaded ${heavy}`).toBe(false);
    }
  });
});
