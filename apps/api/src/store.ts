/**
 * The embedded store: user scenarios and runs in one SQLite file (better-sqlite3, WAL mode).
 * Every write is one prepared statement in autocommit, so an accepted run is on disk before the
 * server answers, and survives `kill -9`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** A scenario saved by a user. */
export interface StoredScenario {
  id: string;
  hash: string;
  documentId: string;
  title: string | null;
  question: string | null;
  tags: string[];
  text: string;
  createdAt: string;
}

export type RunStatus = 'running' | 'done' | 'failed';

/** A run as stored: what was asked, and the result or why it failed. */
export interface StoredRun {
  id: string;
  status: RunStatus;
  scenarioId: string;
  scenarioHash: string;
  request: unknown;
  result: unknown;
  error: unknown;
  createdAt: string;
  finishedAt: string | null;
}

interface RunRow {
  id: string;
  status: RunStatus;
  scenario_id: string;
  scenario_hash: string;
  request: string;
  result: string | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

interface ScenarioRow {
  id: string;
  hash: string;
  document_id: string;
  title: string | null;
  question: string | null;
  tags: string;
  text: string;
  created_at: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS scenarios (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL,
  document_id TEXT NOT NULL,
  title TEXT,
  question TEXT,
  tags TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  scenario_id TEXT NOT NULL,
  scenario_hash TEXT NOT NULL,
  request TEXT NOT NULL,
  result TEXT,
  error TEXT,
  created_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_status ON runs (status);
`;

/** The SQLite file inside a data folder. */
export const DATABASE_FILE = 'georisk.sqlite';

/** Opens (creating if needed) the store in `dataDir`. */
export class Store {
  readonly db: Database.Database;
  private readonly statements;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, DATABASE_FILE));
    this.db.pragma('journal_mode = WAL');
    // NORMAL (in WAL mode): a commit survives the process being killed, only a power cut or OS crash
    // can lose the latest ones. FULL would fsync on every commit, and better-sqlite3 is synchronous,
    // so a slow disk would stall the event loop (measured: small-run p99 2.5 s with FULL on a busy disk).
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.statements = {
      insertScenario: this.db.prepare(
        `INSERT OR IGNORE INTO scenarios (id, hash, document_id, title, question, tags, text, created_at)
         VALUES (@id, @hash, @document_id, @title, @question, @tags, @text, @created_at)`,
      ),
      getScenario: this.db.prepare('SELECT * FROM scenarios WHERE id = ?'),
      listScenarios: this.db.prepare('SELECT * FROM scenarios ORDER BY created_at, id'),
      insertRun: this.db.prepare(
        `INSERT INTO runs (id, status, scenario_id, scenario_hash, request, created_at)
         VALUES (@id, 'running', @scenario_id, @scenario_hash, @request, @created_at)`,
      ),
      finishRun: this.db.prepare(
        `UPDATE runs SET status = @status, result = @result, error = @error, finished_at = @finished_at WHERE id = @id`,
      ),
      getRun: this.db.prepare('SELECT * FROM runs WHERE id = ?'),
      recentRuns: this.db.prepare(
        'SELECT id, status, scenario_id, scenario_hash, created_at, finished_at FROM runs ORDER BY created_at DESC, rowid DESC LIMIT ?',
      ),
      abandonRuns: this.db.prepare(
        `UPDATE runs SET status = 'failed', error = @error, finished_at = @finished_at WHERE status = 'running'`,
      ),
    };
  }

  /** `PRAGMA journal_mode`, for checks. */
  journalMode(): string {
    return String(this.db.pragma('journal_mode', { simple: true }));
  }

  /** Saves a user scenario; saving the same content twice keeps the first. */
  saveScenario(s: Omit<StoredScenario, 'createdAt'>): StoredScenario {
    this.statements.insertScenario.run({
      id: s.id,
      hash: s.hash,
      document_id: s.documentId,
      title: s.title,
      question: s.question,
      tags: JSON.stringify(s.tags),
      text: s.text,
      created_at: new Date().toISOString(),
    });
    return this.getScenario(s.id) as StoredScenario;
  }

  getScenario(id: string): StoredScenario | undefined {
    const row = this.statements.getScenario.get(id) as ScenarioRow | undefined;
    return row && scenarioFromRow(row);
  }

  listScenarios(): StoredScenario[] {
    return (this.statements.listScenarios.all() as ScenarioRow[]).map(scenarioFromRow);
  }

  /** Records an accepted run before any work starts. */
  startRun(run: { id: string; scenarioId: string; scenarioHash: string; request: unknown }): void {
    this.statements.insertRun.run({
      id: run.id,
      scenario_id: run.scenarioId,
      scenario_hash: run.scenarioHash,
      request: JSON.stringify(run.request),
      created_at: new Date().toISOString(),
    });
  }

  finishRun(id: string, outcome: { result: unknown } | { error: unknown }): void {
    this.statements.finishRun.run({
      id,
      status: 'result' in outcome ? 'done' : 'failed',
      result: 'result' in outcome ? JSON.stringify(outcome.result) : null,
      error: 'error' in outcome ? JSON.stringify(outcome.error) : null,
      finished_at: new Date().toISOString(),
    });
  }

  getRun(id: string): StoredRun | undefined {
    const row = this.statements.getRun.get(id) as RunRow | undefined;
    if (!row) return undefined;
    return {
      id: row.id,
      status: row.status,
      scenarioId: row.scenario_id,
      scenarioHash: row.scenario_hash,
      request: JSON.parse(row.request),
      result: row.result === null ? null : JSON.parse(row.result),
      error: row.error === null ? null : JSON.parse(row.error),
      createdAt: row.created_at,
      finishedAt: row.finished_at,
    };
  }

  /** The latest runs, newest first, without their results. */
  recentRuns(limit: number): Omit<StoredRun, 'request' | 'result' | 'error'>[] {
    return (this.statements.recentRuns.all(limit) as RunRow[]).map((row) => ({
      id: row.id,
      status: row.status,
      scenarioId: row.scenario_id,
      scenarioHash: row.scenario_hash,
      createdAt: row.created_at,
      finishedAt: row.finished_at,
    }));
  }

  /** Marks runs left unfinished by a previous server process as failed; returns how many. */
  abandonUnfinishedRuns(reason: unknown): number {
    return this.statements.abandonRuns.run({ error: JSON.stringify(reason), finished_at: new Date().toISOString() }).changes;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function scenarioFromRow(row: ScenarioRow): StoredScenario {
  return {
    id: row.id,
    hash: row.hash,
    documentId: row.document_id,
    title: row.title,
    question: row.question,
    tags: JSON.parse(row.tags) as string[],
    text: row.text,
    createdAt: row.created_at,
  };
}
