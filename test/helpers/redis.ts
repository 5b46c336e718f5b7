/**
 * A throwaway Redis for queue tests: Debian's redis-server on 127.0.0.1, on a free port, in a
 * temporary folder, with no persistence; stopped (and its folder removed) by `stop()`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian installs it (`apt-get install redis-server`; .ci/run does). */
export const REDIS_SERVER = '/usr/bin/redis-server';

/** True when redis-server is installed; otherwise warns once, saying how to install it. */
export function haveRedis(): boolean {
  if (existsSync(REDIS_SERVER)) return true;
  console.warn(`queue tests skipped: ${REDIS_SERVER} is missing (apt-get install -y redis-server)`);
  return false;
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/** True once a PING on the port gets a PONG. */
function pong(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setTimeout(500, () => {
      socket.destroy();
      done(false);
    });
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (b) => {
      text += b.toString();
      if (text.includes('PONG')) {
        socket.end();
        done(true);
      }
    });
    socket.on('error', () => done(false));
  });
}

export interface TestRedis {
  port: number;
  /** The queue URL of database `db`. */
  url(db?: number): string;
  stop(): Promise<void>;
}

/** Starts a redis-server and waits until it answers (at most 10 s). */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'georisk-redis-'));
  const child: ChildProcess = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 10_000;
  while (!(await pong(port))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await new Promise((go) => setTimeout(go, 50));
  }
  return {
    port,
    url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((go) => child.once('exit', go));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
