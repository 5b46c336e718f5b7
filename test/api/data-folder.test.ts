/**
 * The data folder's safety at start and while serving: one server per folder (a lock naming its
 * holder, stale locks taken over), a damaged database refused, and `/api/health` degraded while
 * writes to the store fail.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../apps/api/src/app.ts';
import { DataFolderError, LOCK_FILE } from '../../apps/api/src/data-lock.ts';
import { DATABASE_FILE, Store } from '../../apps/api/src/store.ts';
import { ROOT } from '../helpers/cli.ts';
import { SMALL_SCENARIO, testApp } from './helpers.ts';

const dirs: string[] = [];
const children: ChildProcess[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const open = (dataDir: string) => buildApp({ dataDir, rateLimit: false, pressure: false, pool: { threads: 1 } });

/** Runs the real server on `data` until it prints its address (resolves) or exits (resolves with its status and stderr). */
function serve(data: string): Promise<{ child: ChildProcess; port?: number; code?: number | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['apps/api/bin/georisk-server.js', '--host', '127.0.0.1', '--port', '0', '--data', data, '--threads', '1'],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  children.push(child);
  return new Promise((resolve) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = /georisk server on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m) resolve({ child, port: Number(m[1]), stderr });
    });
    child.on('exit', (code) => resolve({ child, code, stderr }));
  });
}

/** A pid that was alive a moment ago and is not now. */
function deadPid(): number {
  const done = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(done.stdout);
}

describe('the data folder lock', () => {
  it('refuses a second app on the same folder, naming the holder, and frees the folder when the first closes', async () => {
    const first = await testApp();
    try {
      const lock = JSON.parse(readFileSync(join(first.dataDir, LOCK_FILE), 'utf8'));
      expect(lock).toMatchObject({ pid: process.pid, hostname: hostname(), port: null });
      const refused = await open(first.dataDir).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(DataFolderError);
      expect((refused as Error).message).toBe(
        `the data folder ${first.dataDir} is in use by another georisk server (pid ${process.pid} on ${hostname()}, started ${lock.startedAt}); stop it, or use --data another folder`,
      );
      // The refused start touched nothing: the first app still works and still holds the lock.
      expect((await first.app.inject({ method: 'POST', url: '/api/scenarios', payload: { text: SMALL_SCENARIO } })).statusCode).toBe(201);
      expect(JSON.parse(readFileSync(join(first.dataDir, LOCK_FILE), 'utf8')).startedAt).toBe(lock.startedAt);
    } finally {
      await first.app.close();
    }
    expect(existsSync(join(first.dataDir, LOCK_FILE))).toBe(false);
    const again = await open(first.dataDir);
    await again.close();
    rmSync(first.dataDir, { recursive: true, force: true });
  });

  it('makes a second real server exit 2 with one line naming the holder and its port', async () => {
    const data = tempDir('georisk-lock-');
    const first = await serve(data);
    expect(first.port).toBeGreaterThan(0);
    const second = await serve(data);
    expect(second.code).toBe(2);
    const lines = second.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^georisk server: the data folder .* is in use by another georisk server \\(pid ${first.child.pid} on ${hostname()}, started \\S+, port ${first.port}\\); stop it, or use --data another folder$`,
      ),
    );
    first.child.kill('SIGTERM');
    await new Promise((resolve) => first.child.once('exit', resolve));
    expect(existsSync(join(data, LOCK_FILE))).toBe(false);
  });

  it('takes over a stale lock (its pid is not running) with a note on stderr', async () => {
    const data = tempDir('georisk-stale-');
    const pid = deadPid();
    writeFileSync(join(data, LOCK_FILE), JSON.stringify({ pid, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', port: 8080 }));
    const started = await serve(data);
    expect(started.port).toBeGreaterThan(0);
    expect(started.stderr).toContain(
      `georisk server: took over the stale lock of pid ${pid} on ${hostname()}, started 2026-01-01T00:00:00.000Z, port 8080`,
    );
    expect(JSON.parse(readFileSync(join(data, LOCK_FILE), 'utf8'))).toMatchObject({ pid: started.child.pid, port: started.port });
    started.child.kill('SIGTERM');
    await new Promise((resolve) => started.child.once('exit', resolve));
  });
});

describe('the integrity check at start', () => {
  it('refuses a database with damaged pages, naming the file and a fix, with no stack trace', async () => {
    const good = await testApp();
    for (let i = 0; i < 40; i++) {
      const text = SMALL_SCENARIO.replace('id: api-small', `id: api-small-${i}`);
      expect((await good.app.inject({ method: 'POST', url: '/api/scenarios', payload: { text } })).statusCode).toBe(201);
    }
    await good.app.close();
    const data = tempDir('georisk-corrupt-');
    const file = join(data, DATABASE_FILE);
    copyFileSync(join(good.dataDir, DATABASE_FILE), file);
    rmSync(good.dataDir, { recursive: true, force: true });
    expect(readFileSync(file).length).toBeGreaterThan(3 * 4096);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 4096);
    closeSync(fd);

    const refused = await open(data).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(DataFolderError);
    expect((refused as Error).message).toMatch(
      new RegExp(
        `^the database ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged \\(SQLite quick_check: .+\\); restore it from a backup, or move the folder away and start with an empty one$`,
      ),
    );
    // Nothing left behind: the lock is released, so fixing the file is all a restart needs.
    expect(existsSync(join(data, LOCK_FILE))).toBe(false);

    const server = await serve(data);
    expect(server.code).toBe(2);
    expect(server.stderr).toMatch(/^georisk server: the database .* is damaged \(SQLite quick_check: .+\); restore it from a backup/);
    expect(server.stderr.trim().split('\n')).toHaveLength(1);
    expect(server.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('health and the store state', () => {
  it('turns degraded (503) while writes fail, and ok again after a write succeeds', async () => {
    const t = await testApp();
    try {
      const health = () => t.app.inject({ method: 'GET', url: '/api/health' });
      expect((await health()).json()).toMatchObject({ status: 'ok', store: { writable: true } });
      // Another connection holds the write lock: the server's writes fail with SQLITE_BUSY after its busy timeout.
      const other = new Store(t.dataDir);
      other.db.exec('BEGIN EXCLUSIVE');
      try {
        const save = await t.app.inject({ method: 'POST', url: '/api/scenarios', payload: { text: SMALL_SCENARIO } });
        expect(save.statusCode).toBe(500);
        const degraded = await health();
        expect(degraded.statusCode).toBe(503);
        expect(degraded.json()).toMatchObject({
          status: 'degraded',
          store: { writable: false, reason: expect.stringMatching(/^SQLITE_BUSY: /) },
          pool: { threads: 1 },
        });
        // Reads still work while degraded.
        expect((await t.app.inject({ method: 'GET', url: '/api/scenarios' })).statusCode).toBe(200);
      } finally {
        other.db.exec('ROLLBACK');
        other.close();
      }
      expect((await t.app.inject({ method: 'POST', url: '/api/scenarios', payload: { text: SMALL_SCENARIO } })).statusCode).toBe(201);
      const healed = await health();
      expect(healed.statusCode).toBe(200);
      expect(healed.json()).toMatchObject({ status: 'ok', store: { writable: true } });
    } finally {
      await t.close();
    }
  }, 30_000);
});
