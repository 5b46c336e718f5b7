// Bundles the server (and the engine it imports) into dist/ with esbuild, and rebuilds on demand
// when any source is newer than the bundle, so `pnpm start` never runs stale code and needs no
// TypeScript loader at run time.
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const dist = join(here, 'dist');
/** Written last: its modification time marks the bundle as complete. */
const marker = join(dist, 'server.js');

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

/** Builds dist/server.js and dist/worker.js; each file is replaced atomically. */
export async function buildServer() {
  const result = await build({
    entryPoints: [join(here, 'src', 'server.ts'), join(here, 'src', 'worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir: dist,
    write: false,
    // Native code (better-sqlite3), thread files (piscina) and static assets (swagger-ui) stay in node_modules.
    external: ['better-sqlite3', 'piscina', 'fastify', '@fastify/*'],
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
  if (isStale()) await buildServer();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildServer();
