/**
 * Starts the georisk server: reads and checks port, host, data folder and queue (flags first, then
 * GEORISK_PORT, GEORISK_HOST, GEORISK_DATA, GEORISK_QUEUE), builds the app and listens.
 *
 * @example node apps/api/bin/georisk-server.js --port 8080 --data .georisk-data
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseQueueUrl, QueueAddressError } from '@georisk/queue';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { DataFolderError } from './data-lock.ts';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /** Worker threads for simulations (default: every core but one). */
  threads?: number;
  /**
   * Requests per minute per address (simulations get a tenth); false turns limiting off, and the cap
   * of two jobs per address and the storage quotas with it (GEORISK_RATE_LIMIT=off, for benchmarks).
   */
  rateLimit?: number | false;
  /** Sweep and sensitivity jobs run on this Redis queue's `georisk worker`s (--queue or GEORISK_QUEUE). */
  queue?: { url: string; setting: string };
}

/** A start-up setting that cannot work; the message says which and why. */
export class ConfigError extends Error {}

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = 'localhost';
export const DEFAULT_DATA_DIR = '.georisk-data';

function parsePort(value: string, from: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new ConfigError(`${from} must be a port number from 0 to 65535 (0 picks a free one), got "${value}"`);
  }
  return n;
}

function checkDataDir(dir: string, from: string): string {
  const path = resolve(dir);
  if (existsSync(path) && !statSync(path).isDirectory()) throw new ConfigError(`${from} "${dir}" exists and is not a folder`);
  try {
    mkdirSync(path, { recursive: true });
    accessSync(path, constants.W_OK | constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`${from} "${dir}" cannot be created or written (${code ?? String(error)})`);
  }
  return path;
}

/** Reads the configuration from command-line arguments and the environment; throws `ConfigError`. */
export function readConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): ServerConfig {
  let values: { port?: string; host?: string; data?: string; threads?: string; queue?: string };
  try {
    ({ values } = parseArgs({
      // `pnpm start -- --port 9000` passes the "--" along.
      args: argv[0] === '--' ? argv.slice(1) : argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        threads: { type: 'string' },
        queue: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ConfigError(
      `${(error as Error).message}; options are --port N, --host NAME, --data FOLDER, --threads N, --queue redis://HOST:PORT/N`,
    );
  }
  const port =
    values.port !== undefined
      ? parsePort(values.port, '--port')
      : env.GEORISK_PORT !== undefined && env.GEORISK_PORT !== ''
        ? parsePort(env.GEORISK_PORT, 'GEORISK_PORT')
        : DEFAULT_PORT;
  const host = values.host ?? (env.GEORISK_HOST || DEFAULT_HOST);
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(host)) throw new ConfigError(`--host must be a host name or IP address, got "${host}"`);
  const dataDir =
    values.data !== undefined
      ? checkDataDir(values.data, '--data')
      : env.GEORISK_DATA
        ? checkDataDir(env.GEORISK_DATA, 'GEORISK_DATA')
        : checkDataDir(DEFAULT_DATA_DIR, 'the data folder');
  const config: ServerConfig = { port, host, dataDir };
  const limit = env.GEORISK_RATE_LIMIT;
  if (limit !== undefined && limit !== '') {
    const n = Number(limit);
    if (limit !== 'off' && !(Number.isInteger(n) && n >= 1)) {
      throw new ConfigError(`GEORISK_RATE_LIMIT must be "off" or requests per minute (a whole number >= 1), got "${limit}"`);
    }
    config.rateLimit = limit === 'off' ? false : n;
  }
  if (values.threads !== undefined) {
    const threads = Number(values.threads);
    if (!Number.isInteger(threads) || threads < 1 || threads > 256)
      throw new ConfigError(`--threads must be a whole number from 1 to 256, got "${values.threads}"`);
    config.threads = threads;
  }
  const queue =
    values.queue !== undefined
      ? { url: values.queue, setting: '--queue' }
      : env.GEORISK_QUEUE
        ? { url: env.GEORISK_QUEUE, setting: 'GEORISK_QUEUE' }
        : undefined;
  if (queue !== undefined) {
    try {
      parseQueueUrl(queue.url, queue.setting);
    } catch (error) {
      if (error instanceof QueueAddressError) throw new ConfigError(error.message);
      throw error;
    }
    config.queue = queue;
  }
  return config;
}

/** Builds the app and listens; resolves once the socket is open. */
export async function startServer(config: ServerConfig): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildApp({
    dataDir: config.dataDir,
    logger: true,
    ...(config.threads ? { pool: { threads: config.threads } } : {}),
    ...(config.queue ? { queue: config.queue } : {}),
    ...(config.rateLimit === false ? { jobsPerClient: false as const, quotas: false as const } : {}),
    ...(config.rateLimit === undefined
      ? {}
      : {
          rateLimit:
            config.rateLimit === false
              ? false
              : { max: config.rateLimit, simulationMax: Math.max(1, Math.floor(config.rateLimit / 10)), timeWindowMs: 60_000 },
        }),
  });
  let url: string;
  try {
    url = await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    // Closing releases the data folder's lock, so a retry on another port is not refused.
    await app.close();
    throw error;
  }
  const address = app.server.address();
  if (typeof address === 'object' && address) app.dataLock.setPort(address.port);
  const stop = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  return { app, url };
}

/** What the starter (start.mjs) does between reading the settings and listening. */
export interface StartHooks {
  /** Runs once the settings are checked, before the app is built (start.mjs: build the web app when stale). */
  beforeListen?: () => void | Promise<void>;
}

/** The server's command line: returns an exit status when it cannot start, otherwise keeps running. */
export async function main(argv: string[], hooks: StartHooks = {}): Promise<number> {
  let config: ServerConfig;
  try {
    config = readConfig(argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`georisk server: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  try {
    await hooks.beforeListen?.();
    const { app } = await startServer(config);
    const shown = config.host.includes(':') ? `[${config.host}]` : config.host;
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const jobsOn = config.queue ? `; sweep jobs on the queue ${parseQueueUrl(config.queue.url).display}` : '';
    process.stderr.write(
      `georisk server on http://${shown}:${port} (API under /api, docs at /api/docs; data in ${config.dataDir}${jobsOn})\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof QueueAddressError || error instanceof DataFolderError) {
      process.stderr.write(`georisk server: ${error.message}\n`);
      return 2;
    }
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? `port ${config.port} is in use; pick another with --port or GEORISK_PORT`
        : code === 'EACCES'
          ? `no permission to listen on port ${config.port}`
          : (error as Error).message;
    process.stderr.write(`georisk server: cannot start: ${why}\n`);
    return 1;
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*[\\/]/, ''));
if (isEntry) {
  main(process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exit(code);
  });
}
