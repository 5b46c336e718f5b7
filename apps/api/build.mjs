// Bundles the server (and the engine it imports) into dist/ with esbuild, and rebuilds on demand
// when any source is newer than the bundle, so `pnpm start` never runs stale code and needs no
// TypeScript loader at run time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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
  const vite = join(dirname(createRequire(join(web, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
  process.stderr.write('building the web app…\n');
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: web, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('the web app did not build (see above)');
}
