/**
 * Where a benchmark finds the repository's files and the bundled CLI: in the repository, or in the
 * folder `pnpm bench:bundle` writes (dist/bench-bundle/), where the benchmark runs with `node` alone.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
// A namespace import: the bundle's banner declares `createRequire` itself.
import * as nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = new URL('.', import.meta.url);

/** True when running from the bench bundle (the CLI's launcher sits beside this file). */
export const IN_BUNDLE = existsSync(new URL('georisk.js', here));

/** The folder holding scenarios/ (the repository root, or the bundle), where the CLI runs. */
export const root = fileURLToPath(IN_BUNDLE ? here : new URL('../../', import.meta.url));

/** The CLI's launcher, relative to `root`. */
export const CLI_ENTRY = IN_BUNDLE ? 'georisk.js' : 'apps/cli/bin/georisk.js';

/** The bundled CLI's worker-thread entry, as `georisk` starts it. */
export const THREAD_ENTRY = new URL(IN_BUNDLE ? 'chunk-thread.js' : '../../apps/cli/dist/chunk-thread.js', import.meta.url).href;

/** `require` that finds the CLI's runtime dependencies (piscina is @georisk/node's, not the root's). */
export const requireRuntime = nodeModule.createRequire(
  IN_BUNDLE ? new URL('georisk.js', here) : new URL('../../packages/node/package.json', import.meta.url),
);

/**
 * Bundles the TypeScript file `entry` for Node with esbuild (the apps' bundler, as the CLI and the
 * server are bundled) into a fresh temporary folder, and returns the bundle's path: benchmarks time
 * the engine there as users run it, without the export getters of tsx's module-by-module build.
 */
export function bundleForBench(entry: string): string {
  const esbuild = requireRuntime('esbuild') as { buildSync(options: Record<string, unknown>): unknown };
  const outfile = join(mkdtempSync(join(tmpdir(), 'georisk-bench-')), `${basename(entry, '.ts')}.mjs`);
  esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    // Some dependencies require Node's built-ins, which an ES module bundle reaches through this.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * Bundles a runner of checkout `tree`'s engine (see `bundleForBench`): `node runner.mjs FILE ARG…`
 * loads FILE, its modules resolved beside it, as `scenario`, with the engine as `engine` and the
 * other arguments as `args`, then runs `body` (TypeScript).
 */
export function bundleEngineRunner(tree: string, body: string): string {
  const entry = join(mkdtempSync(join(tmpdir(), 'georisk-runner-')), 'runner.ts');
  writeFileSync(
    entry,
    `import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as engine from ${JSON.stringify(resolve(tree, 'packages/engine/src/index.ts'))};
const [file, ...args] = process.argv.slice(2) as [string, ...string[]];
const resolveModule = (ref: string, from?: string) => {
  const base = dirname(from ?? file);
  for (const candidate of [ref, ref + '.yaml']) {
    const path = resolve(base, candidate);
    if (existsSync(path) && statSync(path).isFile()) return { text: readFileSync(path, 'utf8'), file: path };
  }
  return undefined;
};
const { scenario } = engine.loadScenarioText(readFileSync(file, 'utf8'), { file: resolve(file), resolveModule });
${body}
`,
  );
  return bundleForBench(entry);
}
