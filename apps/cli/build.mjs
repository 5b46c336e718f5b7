// Bundles the CLI (and the engine it imports) into dist/ with esbuild, and rebuilds on demand
// when any source is newer than the bundle, so `georisk` starts in a fraction of a second and
// never runs stale code.
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const dist = join(here, 'dist');
/** Written last: its modification time marks the bundle as complete. */
const marker = join(dist, 'main.js');

function newestMtime(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when the bundle is missing or older than any source it is built from. */
export function isStale() {
  let built;
  try {
    built = statSync(marker).mtimeMs;
  } catch {
    return true;
  }
  const sources = [
    join(here, 'src'),
    join(here, 'package.json'),
    join(root, 'packages', 'engine', 'src'),
    join(root, 'packages', 'engine', 'package.json'),
    join(root, 'pnpm-lock.yaml'),
  ];
  return sources.some((s) => newestMtime(s) > built);
}

/** Builds dist/main.js and dist/run-worker.js; each file is replaced atomically. */
export async function buildCli() {
  const result = await build({
    entryPoints: [join(here, 'src', 'main.ts'), join(here, 'src', 'run-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir: dist,
    write: false,
    // piscina finds its own files at run time, so it stays a normal dependency.
    external: ['piscina'],
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  mkdirSync(dist, { recursive: true });
  const files = [...result.outputFiles].sort((a, b) => Number(a.path === marker) - Number(b.path === marker));
  for (const file of files) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
}

/** Builds when stale. */
export async function ensureBuilt() {
  if (isStale()) await buildCli();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
