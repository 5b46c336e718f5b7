/**
 * The classroom's calls to the API server (`/api/exercises`), with the bearer token of the teacher
 * or the student. Tokens live in the page's address (teacher link, after "#", so never sent in a
 * Referer or a server log) or in this browser's localStorage (students), never in a cookie.
 */
import type { Debrief, Exercise, LeverDecision, Submission } from '@georisk/engine/classroom';
import type { HistoryRow, TeamPayoff } from '@georisk/engine/seminar';

/** An error answer of the API: what went wrong and where. */
export class ClassroomError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** The API's base: the server that served the page. */
const BASE = new URL('./', location.href.split('#')[0]).href.replace(/\/$/, '');

async function call<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${BASE}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      cache: 'no-store',
    });
  } catch {
    throw new ClassroomError(0, 'offline', 'the server cannot be reached; check the connection and try again', '');
  }
  const type = res.headers.get('content-type') ?? '';
  if (!res.ok) {
    if (type.includes('json')) {
      const e = (await res.json()) as { code?: string; message?: string; path?: string };
      throw new ClassroomError(res.status, e.code ?? 'error', e.message ?? res.statusText, e.path ?? '');
    }
    throw new ClassroomError(
      res.status,
      'error',
      res.status === 404 ? 'the classroom needs the georisk server (pnpm start); this page is served without it' : res.statusText,
      '',
    );
  }
  return (type.includes('json') ? res.json() : res.text()) as Promise<T>;
}

export interface Template {
  id: string;
  title: string;
  summary: string;
  guide: string;
  minutes: number;
  exercise: Omit<Exercise, 'deadline'>;
}

/** A note on an exercise's definition that does not stop it (a lever value outside its parameter's range). */
export interface ExerciseWarning {
  path: string;
  message: string;
}

export interface Created {
  id: string;
  joinCode: string;
  teacherToken: string;
  teacherPath: string;
  warnings: ExerciseWarning[];
}

export interface TeacherView {
  id: string;
  joinCode: string;
  status: 'open' | 'revealed';
  exercise: Exercise;
  limits: { maxStudents: number; submissionsPerMinute: number };
  /** Where students' devices can open the join page; loopbackOnly when the server listens on this computer only. */
  join: { urls: string[]; loopbackOnly: boolean };
  students: { id: string; name: string; team: string | null; joinedAt: string; submittedAt: string | null }[];
  submitted: number;
  /** The open turn of a seminar (0 otherwise). */
  turn: number;
  /** What the class decided in each closed turn. */
  closedTurns: { turn: string; title: string; decisions: LeverDecision[]; submitted: number }[];
  /** What the check at creation warned of (absent for exercises made before it). */
  warnings?: ExerciseWarning[];
  /** Why the last reveal or turn close failed; the exercise stays open (null or absent when none failed). */
  revealError?: { code: string; message: string; path: string; at: string } | null;
}

export interface Joined {
  exerciseId: string;
  studentId: string;
  studentToken: string;
  name: string;
  team: string | null;
  /** True when this browser's kept token brought the student back (a lost tab), not a new join. */
  resumed: boolean;
}

export interface StudentView {
  exerciseId: string;
  status: 'open' | 'revealed';
  now: string;
  exercise: Pick<Exercise, 'scenarioId' | 'title' | 'briefing' | 'teams' | 'levers' | 'questions' | 'deadline' | 'trials'> & {
    /** A seminar's open turn (0-based), its number of turns, and the turns released so far. */
    turn?: number;
    turnCount?: number;
    turns?: { id: string; title: string; briefing: string }[];
  };
  student: { id: string; name: string; team: string | null };
  submission: Submission | null;
  submittedAt: string | null;
}

export interface RunReceipt {
  scenarioId: string;
  scenarioHash: string;
  engineVersion: string;
  seed: number;
  trials: number;
  overrides: Record<string, number>;
  outputHash: string;
}

export interface DebriefView {
  id: string;
  revealedAt: string;
  exercise: StudentView['exercise'];
  debrief: Debrief;
  decisions: LeverDecision[];
  overrides: Record<string, number>;
  receipts: { withDecisions: RunReceipt; noAction: RunReceipt };
  seconds: number;
  submitted: number;
  /** Absent in debriefs revealed before seminars existed. */
  payoffs?: TeamPayoff[];
  history?: HistoryRow[];
  turns?: {
    turn: string;
    title: string;
    decisions: LeverDecision[];
    conditioned: { observations: number; effectiveSampleSize: { withDecisions: number; noAction: number } } | null;
    submitted: number;
  }[];
}

export const api = {
  templates: () => call<{ templates: Template[] }>('GET', '/api/exercises/templates').then((r) => r.templates),
  create: (exercise: unknown) => call<Created>('POST', '/api/exercises', undefined, exercise),
  teacher: (id: string, token: string) => call<TeacherView>('GET', `/api/exercises/${encodeURIComponent(id)}`, token),
  reveal: (id: string, token: string) => call<DebriefView>('POST', `/api/exercises/${encodeURIComponent(id)}/reveal`, token),
  advance: (id: string, token: string) => call<{ turn: number }>('POST', `/api/exercises/${encodeURIComponent(id)}/advance`, token),
  join: (code: string, name: string) => call<Joined>('POST', '/api/exercises/join', undefined, { code, name, resume: keptStudentTokens() }),
  removeStudent: (id: string, token: string, studentId: string) =>
    call<string>('DELETE', `/api/exercises/${encodeURIComponent(id)}/students/${encodeURIComponent(studentId)}`, token),
  moveStudent: (id: string, token: string, studentId: string, team: string) =>
    call<{ team: string }>('PATCH', `/api/exercises/${encodeURIComponent(id)}/students/${encodeURIComponent(studentId)}`, token, { team }),
  me: (id: string, token: string) => call<StudentView>('GET', `/api/exercises/${encodeURIComponent(id)}/me`, token),
  submit: (id: string, token: string, submission: Submission) =>
    call<{ submittedAt: string }>('PUT', `/api/exercises/${encodeURIComponent(id)}/submission`, token, submission),
  debrief: (id: string, token: string) => call<DebriefView>('GET', `/api/exercises/${encodeURIComponent(id)}/debrief`, token),
  csv: (id: string, token: string) => call<string>('GET', `/api/exercises/${encodeURIComponent(id)}/debrief.csv`, token),
};

/** Where this browser keeps a student's token for an exercise. */
const STUDENT_PREFIX = 'georisk.student.';
const studentKey = (id: string) => `${STUDENT_PREFIX}${id}`;

/** Every student token this browser kept (at most 32): sent on joining, so a student who lost the tab resumes. */
function keptStudentTokens(): string[] {
  const tokens = new Set(sessionTokens.values());
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      const token = key?.startsWith(STUDENT_PREFIX) ? localStorage.getItem(key) : null;
      if (token) tokens.add(token);
    }
  } catch {
    // Storage refused (a private window): the tokens of this tab only.
  }
  return [...tokens].slice(-32);
}

export function saveStudentToken(id: string, token: string): void {
  try {
    localStorage.setItem(studentKey(id), token);
  } catch {
    // Private windows may refuse storage; the session still works until the tab closes.
  }
  sessionTokens.set(id, token);
}

const sessionTokens = new Map<string, string>();

export function studentToken(id: string): string | undefined {
  try {
    return localStorage.getItem(studentKey(id)) ?? sessionTokens.get(id);
  } catch {
    return sessionTokens.get(id);
  }
}
