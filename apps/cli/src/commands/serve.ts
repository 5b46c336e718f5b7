/** `georisk serve`: starts the georisk server (apps/api), the same as `pnpm start`. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EXIT, type RegisterCommand, UsageError } from '../cli-common.ts';

interface ServeFlags {
  port?: string;
  host?: string;
  data?: string;
  threads?: string;
  queue?: string;
}

/** The server package beside this CLI in the repository (from source or from the bundle in dist/). */
function findServerPackage(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'apps', 'api');
    if (existsSync(join(candidate, 'build.mjs'))) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new UsageError('cannot find the server (apps/api) next to this CLI');
    dir = up;
  }
}

/** Registers `serve`. */
export const registerServe: RegisterCommand = (program, setExit) => {
  program
    .command('serve')
    .description('start the server: REST API under /api, docs at /api/docs (default http://localhost:8080)')
    .option('-p, --port <n>', 'port to listen on (env GEORISK_PORT; default 8080; 0 picks a free one)')
    .option('--host <name>', 'address to listen on (env GEORISK_HOST; default localhost)')
    .option('--data <folder>', 'data folder for the SQLite store (env GEORISK_DATA; default .georisk-data)')
    .option('--threads <n>', 'worker threads for simulations (default: every core but one)')
    .option('--queue <url>', 'run sweep and sensitivity jobs on `georisk worker`s sharing this Redis queue (env GEORISK_QUEUE)')
    .action(async (flags: ServeFlags) => {
      const api = findServerPackage();
      // The server is built and loaded at run time, not bundled into the CLI: it has its own worker file and native store.
      const { ensureBuilt } = (await import(pathToFileURL(join(api, 'build.mjs')).href)) as { ensureBuilt: () => Promise<void> };
      await ensureBuilt();
      const server = (await import(pathToFileURL(join(api, 'dist', 'server.js')).href)) as { main: (argv: string[]) => Promise<number> };
      const argv = Object.entries(flags).flatMap(([name, value]) => (value === undefined ? [] : [`--${name}`, String(value)]));
      const status = await server.main(argv);
      setExit(status === 0 ? EXIT.ok : status === 2 ? EXIT.usage : EXIT.failed);
    });
};
