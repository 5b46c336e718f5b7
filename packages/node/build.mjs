// Bundling for the apps that run on Node (the CLI, the server): esbuild bundles an app with the
// engine and this package's worker entry into the app's dist/, and rebuilds on demand when any
// source is newer than the bundle, so a command starts in a fraction of a second and never runs
// stale code. Plain JavaScript: the apps' launchers import it before any TypeScript loader.
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** The worker-thread entry every bundle carries, as dist/chunk-thread.js (the thread pool looks for it beside the bundle). */
export const THREAD_ENTRY = { in: join(here, 'src', 'chunk-thread.ts'), out: 'chunk-thread' };

/** The newest modification time of a file, or of anything inside a folder. */
export function newestMtime(path) {
  let info;
  try {
    info = statSync(path);
  } catch {
    // A dangling link or an entry without permission is no source: the server reports and skips it.
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  let entries;
  try {
    entries = readdirSync(path);
  } catch {
    return info.mtimeMs;
  }
  let newest = 0;
  for (const entry of entries) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** The workspace packages bundled into the apps. */
const PACKAGES = ['engine', 'node', 'queue'];

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

/**
 * Bundles `entries` ({ in, out } pairs) and the worker entry for Node into `outdir`; each file is
 * replaced atomically and `markerFile` last.
 */
export async function bundleForNode({ entries, outdir, markerFile, external }) {
  // Loaded only to build: a launcher whose bundle is fresh starts without esbuild (about 0.08 s).
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [...entries, THREAD_ENTRY],
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
