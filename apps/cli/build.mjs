// Bundles the CLI (and the engine it imports) into dist/ with esbuild, and rebuilds on demand
// when any source is newer than the bundle, so `georisk` starts in a fraction of a second and
// never runs stale code. The server's build (apps/api/build.mjs) uses the same helpers.
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const dist = join(here, 'dist');
/** Written last: its modification time marks the bundle as complete. */
const marker = join(dist, 'main.js');

/** The newest modification time of a file, or of anything inside a folder. */
export function newestMtime(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** The workspace packages bundled into the apps (the engine, the queue). */
const PACKAGES = ['engine', 'queue'];

/** The sources an app's bundle is built from: its own src/ and package.json, the workspace packages, the lockfile. */
export function bundleSources(appDir) {
  return [
    join(appDir, 'src'),
    join(appDir, 'package.json'),
    ...PACKAGES.flatMap((name) => [join(root, 'packages', name, 'src'), join(root, 'packages', name, 'package.json')]),
    join(root, 'pnpm-lock.yaml'),
  ];
}

/** True when `markerFile` is missing or older than any of `sources`. */
export function isOlderThanSources(markerFile, sources) {
  let built;
  try {
    built = statSync(markerFile).mtimeMs;
  } catch {
    return true;
  }
  return sources.some((s) => newestMtime(s) > built);
}

/** Bundles `entries` for Node into `outdir`; each file is replaced atomically and `markerFile` last. */
export async function bundleForNode({ entries, outdir, markerFile, external }) {
  const result = await build({
    entryPoints: entries,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir,
    write: false,
    external,
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  mkdirSync(outdir, { recursive: true });
  const files = [...result.outputFiles].sort((a, b) => Number(a.path === markerFile) - Number(b.path === markerFile));
  for (const file of files) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
}

/** True when the bundle is missing or older than any source it is built from. */
export function isStale() {
  return isOlderThanSources(marker, bundleSources(here));
}

/** Builds dist/main.js and the worker-thread entries dist/run-worker.js and dist/queue-task.js. */
export async function buildCli() {
  await bundleForNode({
    entries: [join(here, 'src', 'main.ts'), join(here, 'src', 'run-worker.ts'), join(here, 'src', 'queue-task.ts')],
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
