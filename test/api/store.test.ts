/** The SQLite store: WAL mode, prepared statements only (hostile text round-trips), runs that outlive the process. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE, Store } from '../../apps/api/src/store.ts';

/** better-sqlite3 as the API package resolves it (the root package does not depend on it). */
const Database = createRequire(join(import.meta.dirname, '../../apps/api/package.json'))('better-sqlite3') as new (
  file: string,
) => { exec(sql: string): void; prepare(sql: string): { run(): void }; close(): void };

const dir = mkdtempSync(join(tmpdir(), 'georisk-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Store', () => {
  it('uses WAL with synchronous NORMAL', () => {
    const store = new Store(join(dir, 'wal'));
    expect(store.journalMode()).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1);
    store.close();
  });

  it('stores hostile text verbatim', () => {
    const store = new Store(join(dir, 'sql'));
    const title = "'; DROP TABLE runs;-- \u0000 \u{1F4A3}";
    store.saveScenario({ id: 'x-1', hash: 'h', documentId: 'x', title, question: null, tags: ['a"b'], text: 'id: x' });
    expect(store.getScenario('x-1')).toMatchObject({ title, tags: ['a"b'] });
    store.startRun({ id: 'r1', scenarioId: 'x-1', scenarioHash: 'h', request: { title } });
    expect(store.getRun('r1')).toMatchObject({ status: 'running', request: { title } });
    store.close();
  });

  it('marks runs left running by an earlier process as failed, once', () => {
    const path = join(dir, 'restart');
    const first = new Store(path);
    first.startRun({ id: 'done', scenarioId: 's', scenarioHash: 'h', request: {} });
    first.finishRun('done', { result: { ok: true } });
    first.startRun({ id: 'cut', scenarioId: 's', scenarioHash: 'h', request: {} });
    first.close();
    const second = new Store(path);
    expect(second.abandonUnfinishedRuns({ code: 'server_restarted' })).toBe(1);
    expect(second.abandonUnfinishedRuns({ code: 'server_restarted' })).toBe(0);
    expect(second.getRun('done')).toMatchObject({ status: 'done', result: { ok: true } });
    expect(second.getRun('cut')).toMatchObject({ status: 'failed', error: { code: 'server_restarted' } });
    second.close();
  });

  it('opens a store written before runs kept their warnings: old runs read an empty list, new ones keep theirs', () => {
    const path = join(dir, 'before-warnings');
    mkdirSync(path);
    const old = new Database(join(path, DATABASE_FILE));
    old.exec(`CREATE TABLE runs (id TEXT PRIMARY KEY, status TEXT NOT NULL, scenario_id TEXT NOT NULL,
      scenario_hash TEXT NOT NULL, request TEXT NOT NULL, result TEXT, error TEXT, created_at TEXT NOT NULL,
      finished_at TEXT, client TEXT NOT NULL DEFAULT '')`);
    old.prepare("INSERT INTO runs VALUES ('old', 'done', 's', 'h', '{}', '{}', NULL, '2026-01-01', '2026-01-01', '')").run();
    old.close();
    const store = new Store(path);
    expect(store.getRun('old')).toMatchObject({ status: 'done', warnings: [] });
    const warning = { code: 'bad_override', path: 'overrides.x', message: 'outside', severity: 'warning' };
    store.startRun({ id: 'new', scenarioId: 's', scenarioHash: 'h', request: {}, warnings: [warning] });
    expect(store.getRun('new')?.warnings).toEqual([warning]);
    store.close();
  });
});
