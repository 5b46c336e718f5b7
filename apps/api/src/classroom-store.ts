/**
 * Classroom exercises in the server's SQLite store (the same file and connection as `Store`):
 * exercises, students and their latest submission. Tokens are stored only as SHA-256 hashes, so a
 * copy of the database does not hand out teacher links. Every write is one autocommitted
 * statement, so an accepted submission is on disk before the server answers.
 */
import type Database from 'better-sqlite3';
import type { WriteTracker } from './store.ts';

export type ExerciseStatus = 'open' | 'revealed';

export interface StoredExercise {
  id: string;
  joinCode: string;
  teacherHash: string;
  /** The exercise definition as checked (ExerciseSchema's output). */
  definition: unknown;
  status: ExerciseStatus;
  /** What the reveal computed (debrief, decisions, receipts); null until then. */
  result: unknown;
  createdAt: string;
  revealedAt: string | null;
  /** The turn open now (0-based; always 0 for an exercise without turns). */
  turn: number;
  /** What each closed turn's adjudication stored, in turn order. */
  turnResults: unknown[];
  /** What the check at creation warned the teacher of (lever values outside their parameter's range). */
  warnings: { path: string; message: string }[];
  /** Why the last reveal (or turn close) failed, while the exercise stays open; null when it has not failed. */
  revealError: RevealError | null;
}

/** A failed reveal, kept so the teacher's dashboard shows it until a reveal succeeds. */
export interface RevealError {
  code: string;
  message: string;
  path: string;
  at: string;
}

/** A submission of a closed turn, kept when the teacher moved the class on. */
export interface TurnSubmission {
  studentId: string;
  turn: number;
  submission: NonNullable<StoredStudent['submission']>;
  submittedAt: string;
}

export interface StoredStudent {
  id: string;
  exerciseId: string;
  name: string;
  team: string | null;
  joinedAt: string;
  /** The latest submission (forecasts and decisions), null before the first. */
  submission: { forecasts: Record<string, number>; decisions: Record<string, string | number> } | null;
  submittedAt: string | null;
  revisions: number;
}

interface ExerciseRow {
  id: string;
  join_code: string;
  teacher_hash: string;
  definition: string;
  status: ExerciseStatus;
  result: string | null;
  created_at: string;
  revealed_at: string | null;
  turn: number;
  turn_results: string | null;
  warnings: string | null;
  reveal_error: string | null;
}

interface StudentRow {
  id: string;
  exercise_id: string;
  name: string;
  team: string | null;
  joined_at: string;
  submission: string | null;
  submitted_at: string | null;
  revisions: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS exercises (
  id TEXT PRIMARY KEY,
  join_code TEXT NOT NULL UNIQUE,
  teacher_hash TEXT NOT NULL,
  definition TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'revealed')),
  result TEXT,
  created_at TEXT NOT NULL,
  revealed_at TEXT
);
CREATE TABLE IF NOT EXISTS students (
  id TEXT PRIMARY KEY,
  exercise_id TEXT NOT NULL REFERENCES exercises (id),
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  team TEXT,
  token_hash TEXT NOT NULL UNIQUE,
  joined_at TEXT NOT NULL,
  submission TEXT,
  submitted_at TEXT,
  revisions INTEGER NOT NULL DEFAULT 0,
  UNIQUE (exercise_id, name_key)
);
CREATE INDEX IF NOT EXISTS students_by_exercise ON students (exercise_id);
CREATE TABLE IF NOT EXISTS turn_submissions (
  exercise_id TEXT NOT NULL REFERENCES exercises (id),
  student_id TEXT NOT NULL,
  turn INTEGER NOT NULL,
  submission TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  PRIMARY KEY (student_id, turn)
);
`;

/** Columns added since the first release (seminars, creation warnings, failed reveals); a database made before them gets them with their defaults. */
const ADDED_COLUMNS: Record<string, string> = {
  turn: 'ALTER TABLE exercises ADD COLUMN turn INTEGER NOT NULL DEFAULT 0',
  turn_results: 'ALTER TABLE exercises ADD COLUMN turn_results TEXT',
  warnings: 'ALTER TABLE exercises ADD COLUMN warnings TEXT',
  reveal_error: 'ALTER TABLE exercises ADD COLUMN reveal_error TEXT',
};

/** The classroom tables of the store. */
export class ClassroomStore {
  private readonly statements;

  /** `writes` (the main store) records whether a write failed, for `/api/health`. */
  constructor(
    private readonly db: Database.Database,
    private readonly writes: WriteTracker = { write: (fn) => fn() },
  ) {
    db.exec(SCHEMA);
    const columns = new Set((db.prepare('PRAGMA table_info(exercises)').all() as { name: string }[]).map((c) => c.name));
    for (const [name, sql] of Object.entries(ADDED_COLUMNS)) if (!columns.has(name)) db.exec(sql);
    this.statements = {
      insertExercise: db.prepare(
        `INSERT INTO exercises (id, join_code, teacher_hash, definition, status, created_at, warnings)
         VALUES (@id, @join_code, @teacher_hash, @definition, 'open', @created_at, @warnings)`,
      ),
      getExercise: db.prepare('SELECT * FROM exercises WHERE id = ?'),
      byCode: db.prepare('SELECT * FROM exercises WHERE join_code = ?'),
      reveal: db.prepare(
        "UPDATE exercises SET status = 'revealed', result = @result, revealed_at = @revealed_at, reveal_error = NULL WHERE id = @id AND status = 'open'",
      ),
      revealFailed: db.prepare("UPDATE exercises SET reveal_error = @error WHERE id = @id AND status = 'open'"),
      insertStudent: db.prepare(
        `INSERT INTO students (id, exercise_id, name, name_key, team, token_hash, joined_at)
         VALUES (@id, @exercise_id, @name, @name_key, @team, @token_hash, @joined_at)`,
      ),
      studentByToken: db.prepare('SELECT * FROM students WHERE token_hash = ?'),
      nameTaken: db.prepare('SELECT name FROM students WHERE exercise_id = ? AND name_key = ?'),
      countStudents: db.prepare('SELECT COUNT(*) AS n FROM students WHERE exercise_id = ?'),
      students: db.prepare('SELECT * FROM students WHERE exercise_id = ? ORDER BY joined_at, rowid'),
      removeStudent: db.prepare('DELETE FROM students WHERE id = ? AND exercise_id = ?'),
      removeTurnSubmissions: db.prepare('DELETE FROM turn_submissions WHERE student_id = ? AND exercise_id = ?'),
      archiveTurn: db.prepare(
        `INSERT INTO turn_submissions (exercise_id, student_id, turn, submission, submitted_at)
         SELECT exercise_id, id, @turn, submission, submitted_at FROM students WHERE exercise_id = @id AND submission IS NOT NULL`,
      ),
      clearSubmissions: db.prepare('UPDATE students SET submission = NULL, submitted_at = NULL, revisions = 0 WHERE exercise_id = ?'),
      nextTurn: db.prepare(
        `UPDATE exercises SET turn = turn + 1, turn_results = @results, reveal_error = NULL
         WHERE id = @id AND turn = @turn AND status = 'open'`,
      ),
      turnSubmissions: db.prepare('SELECT * FROM turn_submissions WHERE exercise_id = ? ORDER BY turn, rowid'),
      // A move to another team withdraws the open turn's submission: its decisions were the old team's levers.
      moveStudent: db.prepare(
        `UPDATE students SET
           submission = CASE WHEN team IS @team THEN submission ELSE NULL END,
           submitted_at = CASE WHEN team IS @team THEN submitted_at ELSE NULL END,
           team = @team
         WHERE id = @id AND exercise_id = @exercise_id`,
      ),
      submit: db.prepare(
        `UPDATE students SET submission = @submission, submitted_at = @submitted_at, revisions = revisions + 1
         WHERE id = @id`,
      ),
    };
  }

  createExercise(e: {
    id: string;
    joinCode: string;
    teacherHash: string;
    definition: unknown;
    warnings: StoredExercise['warnings'];
  }): void {
    this.writes.write(() =>
      this.statements.insertExercise.run({
        id: e.id,
        join_code: e.joinCode,
        teacher_hash: e.teacherHash,
        definition: JSON.stringify(e.definition),
        created_at: new Date().toISOString(),
        warnings: e.warnings.length === 0 ? null : JSON.stringify(e.warnings),
      }),
    );
  }

  getExercise(id: string): StoredExercise | undefined {
    const row = this.statements.getExercise.get(id) as ExerciseRow | undefined;
    return row && exerciseFromRow(row);
  }

  exerciseByCode(code: string): StoredExercise | undefined {
    const row = this.statements.byCode.get(code) as ExerciseRow | undefined;
    return row && exerciseFromRow(row);
  }

  /** Whether a join code is in use (codes stay unique for ever, so an old code never reaches a new class). */
  codeTaken(code: string): boolean {
    return this.statements.byCode.get(code) !== undefined;
  }

  /** Stores the reveal's result; false when the exercise was already revealed. */
  reveal(id: string, result: unknown): boolean {
    return this.writes.write(
      () => this.statements.reveal.run({ id, result: JSON.stringify(result), revealed_at: new Date().toISOString() }).changes > 0,
    );
  }

  /** Records why a reveal (or turn close) failed; the exercise stays open, and a later success clears it. */
  revealFailed(id: string, error: Omit<RevealError, 'at'>): void {
    const stored: RevealError = { ...error, at: new Date().toISOString() };
    this.writes.write(() => this.statements.revealFailed.run({ id, error: JSON.stringify(stored) }));
  }

  /**
   * Adds a student in one transaction with the size and name checks, so two joins at once can
   * neither overfill the class nor take the same name.
   */
  addStudent(s: {
    id: string;
    exerciseId: string;
    name: string;
    nameKey: string;
    team: string | null;
    tokenHash: string;
    maxStudents: number;
  }): 'ok' | 'full' | 'name_taken' {
    return this.writes.write(
      this.db.transaction(() => {
        if (this.statements.nameTaken.get(s.exerciseId, s.nameKey)) return 'name_taken' as const;
        const { n } = this.statements.countStudents.get(s.exerciseId) as { n: number };
        if (n >= s.maxStudents) return 'full' as const;
        this.statements.insertStudent.run({
          id: s.id,
          exercise_id: s.exerciseId,
          name: s.name,
          name_key: s.nameKey,
          team: s.team,
          token_hash: s.tokenHash,
          joined_at: new Date().toISOString(),
        });
        return 'ok' as const;
      }),
    );
  }

  /** The name of the student in this exercise whose name has this key, if any. */
  nameHolder(exerciseId: string, nameKey: string): string | undefined {
    return (this.statements.nameTaken.get(exerciseId, nameKey) as { name: string } | undefined)?.name;
  }

  studentByTokenHash(hash: string): StoredStudent | undefined {
    const row = this.statements.studentByToken.get(hash) as StudentRow | undefined;
    return row && studentFromRow(row);
  }

  students(exerciseId: string): StoredStudent[] {
    return (this.statements.students.all(exerciseId) as StudentRow[]).map(studentFromRow);
  }

  /** Removes a student (and their submission) from an exercise; false when there is no such student. */
  removeStudent(exerciseId: string, studentId: string): boolean {
    return this.writes.write(
      this.db.transaction(() => {
        this.statements.removeTurnSubmissions.run(studentId, exerciseId);
        return this.statements.removeStudent.run(studentId, exerciseId).changes > 0;
      }),
    );
  }

  /**
   * Closes turn `turn` in one transaction: keeps its submissions, clears them for the next turn,
   * stores the turn's adjudication and opens the next turn. False when the exercise is no longer
   * open at that turn (a second click, or a reveal in between), and nothing is written.
   */
  advanceTurn(id: string, turn: number, results: unknown[]): boolean {
    return this.writes.write(
      this.db.transaction(() => {
        if (this.statements.nextTurn.run({ id, turn, results: JSON.stringify(results) }).changes === 0) return false;
        this.statements.archiveTurn.run({ id, turn });
        this.statements.clearSubmissions.run(id);
        return true;
      }),
    );
  }

  /** The submissions of the turns already closed. */
  turnSubmissions(exerciseId: string): TurnSubmission[] {
    return (
      this.statements.turnSubmissions.all(exerciseId) as { student_id: string; turn: number; submission: string; submitted_at: string }[]
    ).map((r) => ({ studentId: r.student_id, turn: r.turn, submission: JSON.parse(r.submission), submittedAt: r.submitted_at }));
  }

  /**
   * Moves a student to another team, withdrawing the open turn's submission when the team changes (its
   * decisions were for the old team's levers, and would be dropped at the reveal); false when there is no such student.
   */
  moveStudent(exerciseId: string, studentId: string, team: string | null): boolean {
    return this.writes.write(() => this.statements.moveStudent.run({ id: studentId, exercise_id: exerciseId, team }).changes > 0);
  }

  /** Replaces a student's submission; returns when it was stored. */
  submit(studentId: string, submission: NonNullable<StoredStudent['submission']>): string {
    const at = new Date().toISOString();
    this.writes.write(() => this.statements.submit.run({ id: studentId, submission: JSON.stringify(submission), submitted_at: at }));
    return at;
  }
}

function exerciseFromRow(row: ExerciseRow): StoredExercise {
  return {
    id: row.id,
    joinCode: row.join_code,
    teacherHash: row.teacher_hash,
    definition: JSON.parse(row.definition),
    status: row.status,
    result: row.result === null ? null : JSON.parse(row.result),
    createdAt: row.created_at,
    revealedAt: row.revealed_at,
    turn: row.turn,
    turnResults: row.turn_results === null ? [] : JSON.parse(row.turn_results),
    warnings: row.warnings === null ? [] : JSON.parse(row.warnings),
    revealError: row.reveal_error === null ? null : JSON.parse(row.reveal_error),
  };
}

function studentFromRow(row: StudentRow): StoredStudent {
  return {
    id: row.id,
    exerciseId: row.exercise_id,
    name: row.name,
    team: row.team,
    joinedAt: row.joined_at,
    submission: row.submission === null ? null : JSON.parse(row.submission),
    submittedAt: row.submitted_at,
    revisions: row.revisions,
  };
}
