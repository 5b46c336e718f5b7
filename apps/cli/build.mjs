// Bundles the CLI (and the engine it imports) into dist/ with esbuild, and rebuilds on demand
// when any source is newer than the bundle (the helpers are @georisk/node's, shared with the server).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode, bundleSources, isOlderThanSources } from '@georisk/node/build';

const here = fileURLToPath(new URL('.', import.meta.url));
const dist = join(here, 'dist');
/** Written last: its modification time marks the bundle as complete. */
const marker = join(dist, 'main.js');

/** True when the bundle is missing or older than any source it is built from. */
export function isStale() {
  return isOlderThanSources(marker, bundleSources(here));
}

/** Builds dist/main.js and the worker-thread entry dist/chunk-thread.js. */
export async function buildCli() {
  await bundleForNode({
    entries: [{ in: join(here, 'src', 'main.ts'), out: 'main' }],
    outdir: dist,
    markerFile: marker,
    // piscina finds its own files at run time, and bullmq (with ioredis) loads optional native
    // parts, so they stay normal dependencies (of this app too: @georisk/queue's imports of them
    // are resolved from dist/ at run time).
    external: ['piscina', 'bullmq', 'ioredis'],
  });
}

/** Builds when stale. */
export async function ensureBuilt() {
  if (isStale()) await buildCli();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
