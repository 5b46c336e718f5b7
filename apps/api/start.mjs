// The one way the server starts, for `pnpm start` (bin/georisk-server.js) and `georisk serve` (the
// package entry "@georisk/api/start"): rebuilds the server bundle when any source is newer, reads and
// checks the settings, rebuilds the web app when it is stale, then listens.
import { ensureBuilt, ensureWebBuilt } from './build.mjs';

/**
 * Starts the server with command-line arguments (--port, --host, --data, --threads, --queue; then the
 * GEORISK_* variables). Resolves with 0 once it listens (it keeps running), 2 for a bad setting, 1
 * when it cannot start.
 *
 * @param {string[]} argv
 * @returns {Promise<number>}
 */
export async function startServer(argv) {
  await ensureBuilt();
  const { main } = await import(new URL('./dist/server.js', import.meta.url).href);
  // The settings are checked before the web app is built, so a typo is reported at once.
  return main(argv, { beforeListen: ensureWebBuilt });
}
