// Bundles the server (and the engine it imports) into dist/ with esbuild, and rebuilds on demand
// when any source is newer than the bundle, so `pnpm start` never runs stale code and needs no
// TypeScript loader at run time. The bundling helpers are @georisk/node's, shared with the CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode, bundleSources, isOlderThanSources, newestMtime } from '@georisk/node/build';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const dist = join(here, 'dist');
/** Written last: its modification time marks the bundle as complete. */
const marker = join(dist, 'server.js');

/** True when the bundle is missing or older than any source it is built from. */
export function isStale() {
  return isOlderThanSources(marker, bundleSources(here));
}

/** Builds dist/server.js and the worker-thread entry dist/chunk-thread.js. */
export async function buildServer() {
  await bundleForNode({
    entries: [{ in: join(here, 'src', 'server.ts'), out: 'server' }],
    outdir: dist,
    markerFile: marker,
    // Native code (better-sqlite3), thread files (piscina), static assets (swagger-ui) and the queue's
    // client (bullmq and ioredis, with optional native parts, as in the CLI) stay in node_modules.
    external: ['better-sqlite3', 'piscina', 'fastify', '@fastify/*', 'bullmq', 'ioredis'],
  });
}

/** Builds when stale. */
export async function ensureBuilt() {
  if (isStale()) await buildServer();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildServer();

/** Builds the web app (apps/web/dist) with Vite when it is missing or older than its sources. */
export function ensureWebBuilt() {
  const web = join(root, 'apps', 'web');
  if (!existsSync(join(web, 'package.json'))) return;
  const index = join(web, 'dist', 'index.html');
  const sources = [
    join(web, 'src'),
    join(web, 'index.html'),
    join(web, 'vite.config.ts'),
    join(root, 'packages', 'engine', 'src'),
    join(root, 'scenarios'),
  ];
  if (existsSync(index) && !sources.some((s) => existsSync(s) && newestMtime(s) > statSync(index).mtimeMs)) return;
  process.stderr.write('building the web app…\n');
  // The web app's own build script builds into a new folder and switches it in, so a running server never serves half a bundle.
  const result = spawnSync(process.execPath, [join(web, 'scripts', 'build.mjs')], { cwd: web, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('the web app did not build (see above)');
}
