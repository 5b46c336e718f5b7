/** `georisk serve`: starts the georisk server through the server package's own start entry, exactly as `pnpm start` does. */
import type { startServer } from '@georisk/api/start';
import { EXIT, type RegisterCommand } from '../cli-common.ts';

interface ServeFlags {
  port?: string;
  host?: string;
  data?: string;
  threads?: string;
  queue?: string;
}

/**
 * The server's start entry. Loaded at run time, not bundled into the CLI (hence the specifier in a
 * variable): it builds the server and the web app when stale, and the server has its own worker file and native store.
 */
const SERVER_START = '@georisk/api/start';

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
      const server = (await import(SERVER_START)) as { startServer: typeof startServer };
      const argv = Object.entries(flags).flatMap(([name, value]) => (value === undefined ? [] : [`--${name}`, String(value)]));
      const status = await server.startServer(argv);
      setExit(status === 0 ? EXIT.ok : status === 2 ? EXIT.usage : EXIT.failed);
    });
};
