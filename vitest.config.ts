import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Worker threads started by code under test run the CLI's bundle of the thread entry, which the
    // global setup has just built from these sources, instead of compiling the engine with tsx in
    // every new thread (2.5 s a thread; packages/node/src/thread-pool.ts). Like the CLI tests' bundle,
    // it is built once per vitest start: in watch mode, restart after changing the engine.
    env: { GEORISK_THREAD_BUNDLE: fileURLToPath(new URL('apps/cli/dist/chunk-thread.js', import.meta.url)) },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One process per worker runs file after file, keeping the modules it has loaded (mathjs, the
    // engine, fastify, playwright-core) and the JIT's warm code: the engine and web tests alone took
    // 203 s isolated and 94 s not (import 71 s -> 7 s), on the 2-core machine. So a file must leave
    // nothing behind: spies are restored after each test, servers, pools and browsers closed in afterAll.
    isolate: false,
    restoreMocks: true,
    // A file per core (vitest's default leaves one core idle): much of a browser or CLI test is
    // waiting on another process, which the other file's work fills.
    maxWorkers: availableParallelism(),
  },
});
