// Builds the web app atomically: Vite writes into a new folder beside dist/, and only a complete build
// is switched in by renames, so a server serving dist/ never sees it half-written or emptied (Vite's
// emptyOutDir would otherwise clear dist/ first). Run as `pnpm --filter @georisk/web build`.
import { spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs `vite build` into `outDir` (relative to apps/web); throws when it fails. */
function viteBuild(outDir) {
  const vite = join(dirname(createRequire(join(webDir, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'], {
    cwd: webDir,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('the web app did not build (see above)');
}

/**
 * Builds into `<dist>.next-<pid>` with `build(folder)`, checks it holds index.html, then renames dist/
 * aside and the new folder in, and removes the old one. On failure dist/ is untouched and the
 * half-built folder removed. Between the two renames (microseconds) dist/ is absent; the server
 * answers / with a "being rebuilt" page then, never a blank one.
 *
 * @param {{ dist?: string, build?: (folder: string) => void }} [options]
 */
export function buildAtomically({ dist = join(webDir, 'dist'), build = viteBuild } = {}) {
  const next = `${dist}.next-${process.pid}`;
  const old = `${dist}.old-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  try {
    build(next);
    if (!existsSync(join(next, 'index.html'))) throw new Error(`the web app's build wrote no index.html`);
  } catch (error) {
    rmSync(next, { recursive: true, force: true });
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(next, dist);
  rmSync(old, { recursive: true, force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    buildAtomically();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
