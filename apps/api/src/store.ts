/**
 * The embedded store: user scenarios and runs in one SQLite file (better-sqlite3, WAL mode).
 * Every write is one prepared statement in autocommit, so an accepted run is on disk before the
 * server answers, and survives `kill -9`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ApiError } from './errors.ts';

/** Default largest stored row (a run's result or error, a scenario's text), in bytes of JSON. */
export const DEFAULT_MAX_ROW_BYTES = 64 * 1024 ** 2;

/** What one client address has stored: saved scenarios, runs, and their bytes (since usage was first counted). */
export interface ClientUsage {
  scenarios: number;
  runs: number;
  bytes: number;
}

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
  /** What was wrong with the request yet did not stop the run (the POST answer's `warnings`), as stored. */
  warnings: unknown[];
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
  warnings: string;
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
  created_at TEXT NOT NULL,
  client TEXT NOT NULL DEFAULT ''
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
  finished_at TEXT,
  client TEXT NOT NULL DEFAULT '',
  warnings TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS runs_by_status ON runs (status);
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
  request TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  total INTEGER NOT NULL,
  columns TEXT NOT NULL,
  error TEXT,
  result TEXT,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  client TEXT NOT NULL DEFAULT '',
  deadline_at TEXT
);
CREATE TABLE IF NOT EXISTS client_usage (
  client TEXT PRIMARY KEY,
  scenarios INTEGER NOT NULL,
  runs INTEGER NOT NULL,
  bytes INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS job_rows (
  job_id TEXT NOT NULL,
  point INTEGER NOT NULL,
  row TEXT NOT NULL,
  PRIMARY KEY (job_id, point)
);
`;

/** Columns added after the first release: a store created before them gets them on open. */
const ADDED_COLUMNS: [table: string, column: string, definition: string][] = [
  ['scenarios', 'client', "TEXT NOT NULL DEFAULT ''"],
  ['runs', 'client', "TEXT NOT NULL DEFAULT ''"],
  ['runs', 'warnings', "TEXT NOT NULL DEFAULT '[]'"],
  ['jobs', 'client', "TEXT NOT NULL DEFAULT ''"],
  ['jobs', 'deadline_at', 'TEXT'],
];

export type JobStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** A long job (a sweep): its request, how far it got, and its rows so far. */
export interface StoredJob {
  id: string;
  kind: string;
  status: JobStatus;
  request: unknown;
  fingerprint: string;
  total: number;
  done: number;
  columns: string[];
  error: unknown;
  /** What the finished job computed from its rows (sensitivity indices); null for sweeps. */
  result: unknown;
  createdAt: string;
  finishedAt: string | null;
  /** The address that started it ('' when unknown). */
  client: string;
  /** When the server stops it with `deadline_exceeded` (ISO time); null for a job without one. */
  deadlineAt: string | null;
}

/** A job's row in the store, its JSON columns as text. */
export interface JobRow {
  id: string;
  kind: string;
  status: JobStatus;
  request: string;
  fingerprint: string;
  total: number;
  columns: string;
  error: string | null;
  result: string | null;
  created_at: string;
  finished_at: string | null;
  done: number;
  client: string;
  deadline_at: string | null;
}

/** Runs writes and remembers whether the latest one failed (the `Store` is one). */
export interface WriteTracker {
  write<T>(fn: () => T): T;
}

/** SQLite errors that say the store cannot write (not that one statement was refused, like a constraint). */
const STORE_FAULT = /^SQLITE_(FULL|READONLY|IOERR|BUSY|LOCKED|CANTOPEN|CORRUPT|NOTADB|PERM|NOMEM|PROTOCOL)/;

/** The SQLite file inside a data folder. */
export const DATABASE_FILE = 'georisk.sqlite';

/** Opens (creating if needed) the store in `dataDir`. */
export class Store implements WriteTracker {
  readonly db: Database.Database;
  private readonly statements;

  /** The last write that failed (disk full, read-only, locked), until a write succeeds; null while writes work. */
  private lastWriteError: { code: string; message: string } | null = null;

  /** Largest stored row in bytes; a larger one is refused with 413 `row_too_large`. */
  readonly maxRowBytes: number;

  constructor(dataDir: string, options: { maxRowBytes?: number } = {}) {
    this.maxRowBytes = options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES;
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, DATABASE_FILE));
    this.db.pragma('journal_mode = WAL');
    // NORMAL (in WAL mode): a commit survives the process being killed, only a power cut or OS crash
    // can lose the latest ones. FULL would fsync on every commit, and better-sqlite3 is synchronous,
    // so a slow disk would stall the event loop (measured: small-run p99 2.5 s with FULL on a busy disk).
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.addMissingColumns();
    this.statements = {
      insertScenario: this.db.prepare(
        `INSERT OR IGNORE INTO scenarios (id, hash, document_id, title, question, tags, text, created_at, client)
         VALUES (@id, @hash, @document_id, @title, @question, @tags, @text, @created_at, @client)`,
      ),
      getScenario: this.db.prepare('SELECT * FROM scenarios WHERE id = ?'),
      listScenarios: this.db.prepare('SELECT * FROM scenarios ORDER BY created_at, id'),
      insertRun: this.db.prepare(
        `INSERT INTO runs (id, status, scenario_id, scenario_hash, request, warnings, created_at, client)
         VALUES (@id, 'running', @scenario_id, @scenario_hash, @request, @warnings, @created_at, @client)`,
      ),
      finishRun: this.db.prepare(
        `UPDATE runs SET status = @status, result = @result, error = @error, finished_at = @finished_at WHERE id = @id`,
      ),
      getRun: this.db.prepare('SELECT * FROM runs WHERE id = ?'),
      addUsage: this.db.prepare(
        `INSERT INTO client_usage (client, scenarios, runs, bytes) VALUES (?, ?, ?, ?)
         ON CONFLICT (client) DO UPDATE SET scenarios = scenarios + excluded.scenarios, runs = runs + excluded.runs, bytes = bytes + excluded.bytes`,
      ),
      runClient: this.db.prepare('SELECT client FROM runs WHERE id = ?'),
      usage: this.db.prepare('SELECT scenarios, runs, bytes FROM client_usage WHERE client = ?'),
      recentRuns: this.db.prepare(
        'SELECT id, status, scenario_id, scenario_hash, created_at, finished_at FROM runs ORDER BY created_at DESC, rowid DESC LIMIT ?',
      ),
      insertJob: this.db.prepare(
        `INSERT INTO jobs (id, kind, status, request, fingerprint, total, columns, created_at, client, deadline_at)
         VALUES (@id, @kind, 'running', @request, @fingerprint, @total, @columns, @created_at, @client, @deadline_at)`,
      ),
      getJob: this.db.prepare('SELECT jobs.*, (SELECT COUNT(*) FROM job_rows WHERE job_id = jobs.id) AS done FROM jobs WHERE id = ?'),
      jobState: this.db.prepare(
        'SELECT id, status, total, error, (SELECT COUNT(*) FROM job_rows WHERE job_id = jobs.id) AS done FROM jobs WHERE id = ?',
      ),
      unfinishedJobs: this.db.prepare(
        "SELECT jobs.*, (SELECT COUNT(*) FROM job_rows WHERE job_id = jobs.id) AS done FROM jobs WHERE status = 'running' ORDER BY created_at",
      ),
      setJobTotal: this.db.prepare('UPDATE jobs SET total = ? WHERE id = ?'),
      insertRow: this.db.prepare('INSERT OR REPLACE INTO job_rows (job_id, point, row) VALUES (?, ?, ?)'),
      jobRows: this.db.prepare('SELECT point, row FROM job_rows WHERE job_id = ? ORDER BY point'),
      jobRowTexts: this.db.prepare('SELECT row FROM job_rows WHERE job_id = ? ORDER BY point').pluck(),
      finishJob: this.db.prepare(
        "UPDATE jobs SET status = @status, error = @error, result = @result, finished_at = @finished_at WHERE id = @id AND status = 'running'",
      ),
      abandonRuns: this.db.prepare(
        `UPDATE runs SET status = 'failed', error = @error, finished_at = @finished_at WHERE status = 'running'`,
      ),
    };
  }

  /** Adds the columns a store created by an older release lacks. */
  private addMissingColumns(): void {
    for (const [table, column, definition] of ADDED_COLUMNS) {
      const columns = this.db.pragma(`table_info(${table})`) as { name: string }[];
      if (!columns.some((c) => c.name === column)) this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
    }
  }

  /** `PRAGMA quick_check` on the folder's database: "ok", or what SQLite found wrong (one line), or the error reading it. */
  static quickCheck(dataDir: string): string {
    let db: Database.Database | undefined;
    try {
      db = new Database(join(dataDir, DATABASE_FILE), { fileMustExist: true });
      const rows = db.pragma('quick_check(5)') as { quick_check: string }[];
      if (rows.length === 1 && rows[0]?.quick_check === 'ok') return 'ok';
      // One line for the message: the findings without SQLite's header, the first three.
      const found = rows.flatMap((r) => r.quick_check.split('\n')).filter((line) => line.trim() !== '' && !line.startsWith('***'));
      return found.slice(0, 3).join('; ') + (found.length > 3 ? '; …' : '');
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      return e.code === undefined ? e.message : `${e.code}: ${e.message}`;
    } finally {
      db?.close();
    }
  }

  /** Runs one write, remembering whether it failed so `/api/health` can say the store is degraded. */
  write<T>(fn: () => T): T {
    try {
      const out = fn();
      this.lastWriteError = null;
      return out;
    } catch (error) {
      const e = error as { code?: unknown; message?: unknown };
      if (typeof e.code === 'string' && STORE_FAULT.test(e.code)) {
        this.lastWriteError = { code: e.code, message: String(e.message) };
      }
      throw error;
    }
  }

  /** Whether the latest write worked, and if not, why (cheap: nothing touches the disk). */
  writeState(): { writable: true } | { writable: false; reason: string } {
    const e = this.lastWriteError;
    return e === null ? { writable: true } : { writable: false, reason: `${e.code}: ${e.message}` };
  }

  /** `PRAGMA journal_mode`, for checks. */
  journalMode(): string {
    return String(this.db.pragma('journal_mode', { simple: true }));
  }

  /** Saves a user scenario for `client`; saving the same content twice keeps the first. */
  saveScenario(s: Omit<StoredScenario, 'createdAt'>, client = ''): StoredScenario {
    const bytes = this.checkRowSize(Buffer.byteLength(s.text), 'the scenario text');
    this.write(() => {
      const saved = this.statements.insertScenario.run({
        client,
        id: s.id,
        hash: s.hash,
        document_id: s.documentId,
        title: s.title,
        question: s.question,
        tags: JSON.stringify(s.tags),
        text: s.text,
        created_at: new Date().toISOString(),
      });
      if (saved.changes > 0) this.statements.addUsage.run(client, 1, 0, bytes);
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

  /** Records an accepted run of `client` before any work starts. */
  startRun(run: {
    id: string;
    scenarioId: string;
    scenarioHash: string;
    request: unknown;
    requestJson?: string;
    warnings?: readonly unknown[];
    client?: string;
  }): void {
    // `requestJson`: the request already serialized by the caller, stored as it is.
    const request = run.requestJson ?? JSON.stringify(run.request);
    const client = run.client ?? '';
    this.write(() => {
      this.statements.insertRun.run({
        id: run.id,
        scenario_id: run.scenarioId,
        scenario_hash: run.scenarioHash,
        request,
        warnings: JSON.stringify(run.warnings ?? []),
        created_at: new Date().toISOString(),
        client,
      });
      this.statements.addUsage.run(client, 0, 1, Buffer.byteLength(request));
    });
  }

  /** Stores a run's result or error; a result over `maxRowBytes` is refused (413 `row_too_large`) and nothing is written. */
  finishRun(id: string, outcome: { result: unknown } | { resultJson: string } | { error: unknown }): void {
    // `resultJson`: the result already serialized (off the event loop), stored as it is.
    const result = 'resultJson' in outcome ? outcome.resultJson : 'result' in outcome ? JSON.stringify(outcome.result) : null;
    const error = 'error' in outcome ? JSON.stringify(outcome.error) : null;
    const bytes = this.checkRowSize(Buffer.byteLength(result ?? error ?? ''), "the run's result");
    this.write(() => {
      this.statements.finishRun.run({
        id,
        status: 'error' in outcome ? 'failed' : 'done',
        result,
        error,
        finished_at: new Date().toISOString(),
      });
      const owner = this.statements.runClient.get(id) as { client: string } | undefined;
      if (owner) this.statements.addUsage.run(owner.client, 0, 0, bytes);
    });
  }

  /** What `client` has stored so far (zero for an address never seen). */
  usage(client: string): ClientUsage {
    return (this.statements.usage.get(client) as ClientUsage | undefined) ?? { scenarios: 0, runs: 0, bytes: 0 };
  }

  /** Returns `bytes`, or throws 413 `row_too_large` when a row that big is more than the store keeps. */
  private checkRowSize(bytes: number, what: string): number {
    if (bytes > this.maxRowBytes) {
      throw new ApiError(
        413,
        'row_too_large',
        `${what} is ${(bytes / 1024 ** 2).toFixed(1)} MiB, more than the ${(this.maxRowBytes / 1024 ** 2).toFixed(1)} MiB the store keeps in one row; ask for a smaller result (fewer steps, a coarser dt)`,
      );
    }
    return bytes;
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
      warnings: JSON.parse(row.warnings),
      result: row.result === null ? null : JSON.parse(row.result),
      error: row.error === null ? null : JSON.parse(row.error),
      createdAt: row.created_at,
      finishedAt: row.finished_at,
    };
  }

  /** The latest runs, newest first, without their results. */
  recentRuns(limit: number): Omit<StoredRun, 'request' | 'warnings' | 'result' | 'error'>[] {
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
    return this.write(
      () => this.statements.abandonRuns.run({ error: JSON.stringify(reason), finished_at: new Date().toISOString() }).changes,
    );
  }

  /** Records a job before it starts. */
  startJob(job: {
    id: string;
    kind: string;
    request: unknown;
    fingerprint: string;
    total: number;
    columns: string[];
    client?: string;
    deadlineAt?: string | null;
  }): void {
    this.write(() =>
      this.statements.insertJob.run({
        client: job.client ?? '',
        deadline_at: job.deadlineAt ?? null,
        id: job.id,
        kind: job.kind,
        request: JSON.stringify(job.request),
        fingerprint: job.fingerprint,
        total: job.total,
        columns: JSON.stringify(job.columns),
        created_at: new Date().toISOString(),
      }),
    );
  }

  /** Sets a job's point count (a staged job grows when its next stage is planned). */
  setJobTotal(jobId: string, total: number): void {
    this.write(() => this.statements.setJobTotal.run(total, jobId));
  }

  /** Saves one finished point of a job (a committed row survives kill -9). */
  saveJobRow(jobId: string, point: number, row: readonly number[]): void {
    // JSON has no NaN or Infinity: missing numbers are stored as null.
    this.write(() => this.statements.insertRow.run(jobId, point, JSON.stringify(row.map((x) => (Number.isFinite(x) ? x : null)))));
  }

  /** The rows of a job so far, by point. */
  jobRows(jobId: string): Map<number, (number | null)[]> {
    const rows = this.statements.jobRows.all(jobId) as { point: number; row: string }[];
    return new Map(rows.map((r) => [r.point, JSON.parse(r.row) as (number | null)[]]));
  }

  getJob(id: string): StoredJob | undefined {
    const row = this.statements.getJob.get(id) as JobRow | undefined;
    return row && jobFromRow(row);
  }

  /**
   * A job as stored, its request, columns, result and error still JSON text, and its rows as stored (JSON
   * arrays, in point order): what `GET /api/jobs/:id` splices into its answer without parsing them.
   */
  jobText(id: string): { job: JobRow; rows: string[] } | undefined {
    const job = this.statements.getJob.get(id) as JobRow | undefined;
    if (job === undefined) return undefined;
    const rows = this.statements.jobRowTexts.all(id) as string[];
    return { job, rows };
  }

  /** A job's status, progress and error only (cheap: its request, result and rows are not read). */
  jobState(id: string): Pick<StoredJob, 'id' | 'status' | 'total' | 'done' | 'error'> | undefined {
    const row = this.statements.jobState.get(id) as Pick<JobRow, 'id' | 'status' | 'total' | 'done' | 'error'> | undefined;
    return row && { ...row, error: row.error === null ? null : JSON.parse(row.error) };
  }

  /** Jobs a previous process left running, oldest first. */
  unfinishedJobs(): StoredJob[] {
    return (this.statements.unfinishedJobs.all() as JobRow[]).map(jobFromRow);
  }

  /** Ends a running job; a job already ended stays as it was. */
  finishJob(id: string, status: Exclude<JobStatus, 'running'>, error?: unknown, result?: unknown): boolean {
    return this.write(
      () =>
        this.statements.finishJob.run({
          id,
          status,
          error: error === undefined ? null : JSON.stringify(error),
          result: result === undefined ? null : JSON.stringify(result),
          finished_at: new Date().toISOString(),
        }).changes > 0,
    );
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

function jobFromRow(row: JobRow): StoredJob {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    request: JSON.parse(row.request),
    fingerprint: row.fingerprint,
    total: row.total,
    done: row.done,
    columns: JSON.parse(row.columns) as string[],
    error: row.error === null ? null : JSON.parse(row.error),
    result: row.result === null ? null : JSON.parse(row.result),
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    client: row.client,
    deadlineAt: row.deadline_at,
  };
}
