/**
 * Where a benchmark finds the repository's files and the bundled CLI: in the repository, or in the
 * folder `pnpm bench:bundle` writes (dist/bench-bundle/), where the benchmark runs with `node` alone.
 */
import { existsSync } from 'node:fs';
// A namespace import: the bundle's banner declares `createRequire` itself.
import * as nodeModule from 'node:module';
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
