/**
 * Classroom exercises over HTTP (`/api/exercises`): a teacher creates one and gets a join code
 * and a secret teacher token; students join with the code and a display name and get their own
 * token; they submit forecasts and decisions until the deadline; the teacher reveals, which runs
 * the scenario twice on the pool (the class's decisions, and no action, with the same seed) and
 * stores the debrief. Tokens travel as `Authorization: Bearer …`; only their hashes are stored.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildModel,
  checkRunOptions,
  finalizeResult,
  GeoriskError,
  type LoadedScenario,
  type Model,
  type Overrides,
  type RunSummary,
  simulate,
} from '@georisk/engine';
import {
  buildDebrief,
  checkSubmission,
  classDecisions,
  type Debrief,
  debriefCsv,
  type Exercise,
  ExerciseSchema,
  isPlainText,
  questionOutcomes,
  SubmissionSchema,
} from '@georisk/engine/classroom';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ClassroomStore, type StoredExercise, type StoredStudent } from './classroom-store.ts';
import { ApiError } from './errors.ts';
import type { SimulationPool } from './pool.ts';

export interface ClassroomOptions {
  /** Students one exercise admits (409 `class_full` beyond). */
  maxStudents?: number;
  /** Submissions one student may make per minute (429 `submission_rate_limited` beyond). */
  submissionsPerMinute?: number;
  /** The clock, for tests of the deadline. */
  now?: () => number;
}

export interface ClassroomContext {
  db: ConstructorParameters<typeof ClassroomStore>[0];
  pool: SimulationPool;
  /** A library or saved scenario by id; throws a 404 ApiError when there is none. */
  scenario: (id: string) => LoadedScenario;
  /** The folder holding exercises/ (the scenario library). */
  scenariosDir: string;
  /** Ceiling on trials × steps for one run. */
  budget: number;
  options?: ClassroomOptions | undefined;
}

export const DEFAULT_MAX_STUDENTS = 60;
export const DEFAULT_SUBMISSIONS_PER_MINUTE = 10;
/** The longest an exercise may stay open. */
const MAX_DEADLINE_DAYS = 60;
/** Join codes: no 0/O, 1/I/L, so a code read off a projector is typed right. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 6;
/** Classroom bodies are small; a scenario-sized body here is a mistake or an attack. */
const BODY_LIMIT = 64 * 1024;

/** A ready exercise shipped in scenarios/exercises/. */
export interface ExerciseTemplate {
  id: string;
  title: string;
  summary: string;
  guide: string;
  minutes: number;
  exercise: Omit<z.input<typeof ExerciseSchema>, 'deadline'>;
}

const TemplateSchema = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  guide: z.string(),
  minutes: z.number(),
  exercise: z.record(z.string(), z.unknown()),
});

/** Reads the templates (each checked against ExerciseSchema with a placeholder deadline); bad files are reported and left out. */
export function loadTemplates(scenariosDir: string, onSkip: (file: string, why: string) => void = () => {}): ExerciseTemplate[] {
  const dir = join(scenariosDir, 'exercises');
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
  const out: ExerciseTemplate[] = [];
  for (const file of files) {
    try {
      const t = TemplateSchema.parse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      ExerciseSchema.parse({ ...t.exercise, deadline: '2100-01-01T00:00:00Z' });
      out.push(t as ExerciseTemplate);
    } catch (error) {
      onSkip(file, error instanceof Error ? (error.message.split('\n')[0] as string) : String(error));
    }
  }
  return out;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
/** 256 random bits, URL-safe. */
const newToken = (): string => randomBytes(32).toString('base64url');

function newJoinCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  // 256 is not a multiple of 31, but the bias (under 1%) costs nothing here: the code is not a secret.
  return Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}

/** Compares two hex hashes in constant time. */
function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The bearer token of a request, or a 401 that says how to send one. */
function bearer(request: FastifyRequest, who: 'teacher' | 'student' | 'any'): string {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(header.trim()) : null;
  if (!match) {
    const what =
      who === 'teacher'
        ? "the teacher link's token"
        : who === 'student'
          ? 'the token you got when you joined'
          : 'a teacher or student token';
    throw new ApiError(401, 'unauthorized', `this route needs ${what} as "Authorization: Bearer <token>"`, 'headers.authorization');
  }
  return match[1] as string;
}

const IdParams = z.strictObject({ id: z.uuid('must be an exercise id') });

/** Display names: trimmed, NFC, one line of plain text, 1–40 characters. */
const NameSchema = z
  .string()
  .transform((s) => s.normalize('NFC').trim().replace(/ {2,}/g, ' '))
  .pipe(
    z
      .string()
      .min(1, 'type a display name')
      .max(40, 'use at most 40 characters')
      .refine((s) => isPlainText(s), 'use letters, digits and punctuation only (no control or invisible characters)'),
  );

const JoinSchema = z.strictObject({
  code: z
    .string()
    .transform((s) => s.trim().toUpperCase())
    .pipe(z.string().regex(/^[A-Z0-9]{6}$/, 'a join code has 6 letters and digits, as shown by your teacher')),
  name: NameSchema,
  team: z.string().max(40).optional(),
});

/** What a student sees of an exercise: everything but other students and the teacher's secrets. */
function publicExercise(exercise: Exercise) {
  return {
    scenarioId: exercise.scenarioId,
    title: exercise.title,
    briefing: exercise.briefing,
    teams: exercise.teams,
    levers: exercise.levers,
    questions: exercise.questions,
    deadline: exercise.deadline,
    trials: exercise.trials,
  };
}

/** What the reveal stores. */
interface RevealResult {
  debrief: Debrief;
  decisions: ReturnType<typeof classDecisions>['decisions'];
  overrides: Overrides;
  receipts: { withDecisions: RunReceipt; noAction: RunReceipt };
  seconds: number;
  submitted: number;
}
interface RunReceipt {
  scenarioId: string;
  scenarioHash: string;
  engineVersion: string;
  seed: number;
  trials: number;
  overrides: Overrides;
  outputHash: string;
}

const exerciseId = [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }];
const bearerAuth = [{ name: 'authorization', in: 'header', required: true, schema: { type: 'string' }, description: 'Bearer <token>' }];
const answer = (description: string, ...errors: number[]) => ({
  200: { description },
  ...Object.fromEntries(
    errors.map((s) => [
      String(s),
      { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    ]),
  ),
});

/** The classroom routes in the OpenAPI document. */
export const CLASSROOM_PATHS = {
  '/api/exercises/templates': {
    get: { summary: 'The ready exercises shipped in scenarios/exercises/ (with their teacher guides)', responses: answer('templates') },
  },
  '/api/exercises': {
    post: {
      summary: 'Create a classroom exercise; answers 201 with `{id, joinCode, teacherToken, teacherPath}` (the token is shown once)',
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Exercise' } } } },
      responses: answer('created (201)', 400, 413),
    },
  },
  '/api/exercises/join': {
    post: {
      summary: 'A student joins with `{code, name, team}`; answers 201 with `{exerciseId, studentToken}`',
      responses: answer('joined (201)', 400, 404, 409),
    },
  },
  '/api/exercises/{id}': {
    get: {
      summary: 'Teacher: the exercise, its join code and who has submitted',
      parameters: [...exerciseId, ...bearerAuth],
      responses: answer('exercise', 401, 403, 404),
    },
  },
  '/api/exercises/{id}/me': {
    get: {
      summary: 'Student: the briefing, levers, questions and their own submission only',
      parameters: [...exerciseId, ...bearerAuth],
      responses: answer('briefing', 401, 403, 404),
    },
  },
  '/api/exercises/{id}/submission': {
    put: {
      summary: 'Student: submit or replace `{forecasts, decisions}` before the deadline',
      parameters: [...exerciseId, ...bearerAuth],
      responses: answer('saved', 400, 401, 403, 404, 409, 429),
    },
  },
  '/api/exercises/{id}/reveal': {
    post: {
      summary: "Teacher: run the scenario with the class's decisions and with none (same seed), score every forecast, close the exercise",
      parameters: [...exerciseId, ...bearerAuth],
      responses: answer('debrief', 401, 403, 404, 409, 503),
    },
  },
  '/api/exercises/{id}/debrief': {
    get: {
      summary: 'Teacher or student, after the reveal: scores, leaderboard, calibration, decisions against no action',
      parameters: [...exerciseId, ...bearerAuth],
      responses: answer('debrief', 401, 403, 404),
    },
  },
  '/api/exercises/{id}/debrief.csv': {
    get: {
      summary: 'The debrief as CSV (one row per student and question)',
      parameters: [...exerciseId, ...bearerAuth],
      responses: answer('text/csv', 401, 403, 404),
    },
  },
};

/** Registers the classroom routes. */
export async function registerClassroom(app: FastifyInstance, ctx: ClassroomContext): Promise<void> {
  const store = new ClassroomStore(ctx.db);
  const now = ctx.options?.now ?? Date.now;
  const maxStudents = ctx.options?.maxStudents ?? DEFAULT_MAX_STUDENTS;
  const perMinute = ctx.options?.submissionsPerMinute ?? DEFAULT_SUBMISSIONS_PER_MINUTE;
  const templates = loadTemplates(ctx.scenariosDir, (file, why) => app.log.warn({ file, why }, 'exercise template left out'));
  /** Submission times per student in the last minute (memory only: a restart forgives). */
  const recent = new Map<string, number[]>();
  /** Exercises being revealed now, so a double click runs the scenario once. */
  const revealing = new Set<string>();
  const route = { bodyLimit: BODY_LIMIT };

  const exerciseOr404 = (id: string): StoredExercise => {
    const e = store.getExercise(id);
    if (!e) throw new ApiError(404, 'not_found', `no exercise with id "${id}"`, 'id');
    return e;
  };
  const definition = (e: StoredExercise): Exercise => e.definition as Exercise;

  /** The exercise, if the request carries its teacher token; 401/403 otherwise. */
  const asTeacher = (request: FastifyRequest, id: string): StoredExercise => {
    const token = bearer(request, 'teacher');
    const e = exerciseOr404(id);
    if (!sameHash(sha256(token), e.teacherHash)) {
      throw new ApiError(
        403,
        'forbidden',
        "this token is not this exercise's teacher token; use the private teacher link",
        'headers.authorization',
      );
    }
    return e;
  };
  /** The student, if the request carries a token of a student of this exercise; 401/403 otherwise. */
  const asStudent = (request: FastifyRequest, id: string): { exercise: StoredExercise; student: StoredStudent } => {
    const token = bearer(request, 'student');
    const exercise = exerciseOr404(id);
    const student = store.studentByTokenHash(sha256(token));
    if (!student || student.exerciseId !== exercise.id) {
      throw new ApiError(
        403,
        'forbidden',
        'this token belongs to no student of this exercise; join with the code again',
        'headers.authorization',
      );
    }
    return { exercise, student };
  };
  /** Teacher or student of this exercise. */
  const asMember = (request: FastifyRequest, id: string): StoredExercise => {
    const token = bearer(request, 'any');
    const exercise = exerciseOr404(id);
    if (sameHash(sha256(token), exercise.teacherHash)) return exercise;
    const student = store.studentByTokenHash(sha256(token));
    if (student?.exerciseId === exercise.id) return exercise;
    throw new ApiError(
      403,
      'forbidden',
      'this token belongs to neither the teacher nor a student of this exercise',
      'headers.authorization',
    );
  };

  const closed = (e: StoredExercise): ApiError | undefined => {
    if (e.status === 'revealed')
      return new ApiError(409, 'already_revealed', 'the teacher has revealed the results; submissions are closed', '');
    const deadline = Date.parse(definition(e).deadline);
    if (now() >= deadline) {
      return new ApiError(
        409,
        'deadline_passed',
        `submissions closed at the deadline (${definition(e).deadline}); nothing was saved, ask your teacher if you need more time`,
        'deadline',
      );
    }
    return undefined;
  };

  /** Checks a definition against its scenario: parameters, metrics, and a short trial run of every lever option. */
  const checkAgainstScenario = (exercise: Exercise): LoadedScenario => {
    let loaded: LoadedScenario;
    try {
      loaded = ctx.scenario(exercise.scenarioId);
    } catch (error) {
      if (error instanceof ApiError && error.statusCode === 404) {
        throw new ApiError(
          400,
          'unknown_scenario',
          `no scenario "${exercise.scenarioId}" in the library; pick one from GET /api/scenarios`,
          'scenarioId',
        );
      }
      throw error;
    }
    const s = loaded.scenario;
    const params = Object.keys(s.parameters);
    const model = buildModel(s);
    const metrics = model.metrics.map((m) => m.name);
    const missing = (name: string, path: string) => {
      if (!params.includes(name)) {
        throw new ApiError(
          400,
          'invalid_request',
          `${path}: the scenario has no parameter "${name}"; use one of: ${params.join(', ')}`,
          path,
        );
      }
    };
    exercise.levers.forEach((lever, i) => {
      if (lever.kind === 'range') missing(lever.parameter, `levers[${i}].parameter`);
      else
        lever.options.forEach((o, j) => Object.keys(o.overrides).forEach((p) => missing(p, `levers[${i}].options[${j}].overrides.${p}`)));
    });
    exercise.questions.forEach((q, i) => {
      if (!metrics.includes(q.metric)) {
        throw new ApiError(
          400,
          'invalid_request',
          `questions[${i}].metric: the scenario has no metric "${q.metric}"; use one of: ${metrics.join(', ')}`,
          `questions[${i}].metric`,
        );
      }
    });
    // A short run catches a probability question on a metric that is not 0/1; it is capped at
    // about a million trial-steps, so a long scenario cannot hold the event loop.
    try {
      checkRunOptions(model, { trials: exercise.trials, seed: exercise.seed, budget: ctx.budget });
      const probe = Math.max(1, Math.min(200, Math.floor(1e6 / model.steps)));
      questionOutcomes(exercise, model, simulate(model, { seed: exercise.seed, firstTrial: 0, trials: probe }));
    } catch (error) {
      if (error instanceof RangeError) throw new ApiError(400, 'invalid_request', error.message, error.message.split(':')[0] as string);
      if (error instanceof GeoriskError) {
        const first = error.issues[0];
        throw new ApiError(
          400,
          first?.code === 'budget_exceeded' ? 'budget_exceeded' : 'invalid_request',
          first?.message ?? 'invalid exercise',
          first?.path === 'trials' ? 'trials' : '',
        );
      }
      throw error;
    }
    return loaded;
  };

  app.get('/api/exercises/templates', async () => ({ templates }));

  app.post('/api/exercises', route, async (request, reply) => {
    const exercise = ExerciseSchema.parse(request.body ?? {});
    const deadline = Date.parse(exercise.deadline);
    if (deadline <= now())
      throw new ApiError(400, 'invalid_request', 'deadline: the deadline is in the past; choose a time later than now', 'deadline');
    if (deadline > now() + MAX_DEADLINE_DAYS * 86_400_000) {
      throw new ApiError(400, 'invalid_request', `deadline: choose a deadline within ${MAX_DEADLINE_DAYS} days`, 'deadline');
    }
    checkAgainstScenario(exercise);
    const id = randomUUID();
    const teacherToken = newToken();
    let joinCode = newJoinCode();
    while (store.codeTaken(joinCode)) joinCode = newJoinCode();
    store.createExercise({ id, joinCode, teacherHash: sha256(teacherToken), definition: exercise });
    return reply
      .code(201)
      .header('location', `/api/exercises/${id}`)
      .header('cache-control', 'no-store')
      .send({ id, joinCode, teacherToken, teacherPath: `#/teach/${id}?token=${teacherToken}`, joinPath: '#/join' });
  });

  app.get('/api/exercises/:id', async (request, reply) => {
    const { id } = IdParams.parse(request.params);
    const e = asTeacher(request, id);
    const students = store.students(id);
    reply.header('cache-control', 'no-store');
    return {
      id: e.id,
      joinCode: e.joinCode,
      status: e.status,
      createdAt: e.createdAt,
      revealedAt: e.revealedAt,
      exercise: definition(e),
      limits: { maxStudents, submissionsPerMinute: perMinute },
      students: students.map((s) => ({ id: s.id, name: s.name, team: s.team, joinedAt: s.joinedAt, submittedAt: s.submittedAt })),
      submitted: students.filter((s) => s.submission !== null).length,
    };
  });

  app.post('/api/exercises/join', route, async (request, reply) => {
    const body = JoinSchema.parse(request.body ?? {});
    const e = store.exerciseByCode(body.code);
    if (!e) throw new ApiError(404, 'not_found', `no exercise with join code "${body.code}"; check the code your teacher shows`, 'code');
    const isClosed = closed(e);
    if (isClosed) throw isClosed;
    const exercise = definition(e);
    let team: string | null = null;
    if (exercise.teams.length > 0 && body.team === undefined) {
      // No team asked for: the smallest team so far (the first on a tie), so a class splits evenly by itself.
      const sizes = new Map(exercise.teams.map((t) => [t.id, 0]));
      for (const s of store.students(e.id)) if (s.team !== null) sizes.set(s.team, (sizes.get(s.team) ?? 0) + 1);
      team = [...sizes.entries()].reduce((a, b) => (b[1] < a[1] ? b : a))[0];
    } else if (exercise.teams.length > 0) {
      const t = exercise.teams.find((x) => x.id === body.team);
      if (!t) {
        throw new ApiError(
          400,
          'invalid_request',
          `team: choose one of: ${exercise.teams.map((x) => `"${x.id}" (${x.name})`).join(', ')}`,
          'team',
        );
      }
      team = t.id;
    } else if (body.team !== undefined) {
      throw new ApiError(400, 'invalid_request', 'team: this exercise has no teams; leave the team out', 'team');
    }
    const token = newToken();
    const studentId = randomUUID();
    const added = store.addStudent({
      id: studentId,
      exerciseId: e.id,
      name: body.name,
      nameKey: body.name.toLocaleLowerCase('en-US'),
      team,
      tokenHash: sha256(token),
      maxStudents,
    });
    if (added === 'name_taken')
      throw new ApiError(409, 'name_taken', `someone in this class already uses the name "${body.name}"; choose another`, 'name');
    if (added === 'full') throw new ApiError(409, 'class_full', `this class is full (${maxStudents} students); ask your teacher`, 'code');
    return reply
      .code(201)
      .header('cache-control', 'no-store')
      .send({ exerciseId: e.id, studentId, studentToken: token, name: body.name, team });
  });

  app.get('/api/exercises/:id/me', async (request, reply) => {
    const { id } = IdParams.parse(request.params);
    const { exercise, student } = asStudent(request, id);
    reply.header('cache-control', 'no-store');
    return {
      exerciseId: exercise.id,
      status: exercise.status,
      now: new Date(now()).toISOString(),
      exercise: publicExercise(definition(exercise)),
      student: { id: student.id, name: student.name, team: student.team },
      submission: student.submission,
      submittedAt: student.submittedAt,
    };
  });

  app.put('/api/exercises/:id/submission', route, async (request) => {
    const { id } = IdParams.parse(request.params);
    const { exercise, student } = asStudent(request, id);
    const isClosed = closed(exercise);
    if (isClosed) throw isClosed;
    // The reveal has read the submissions already: one accepted now would be stored but never scored.
    if (revealing.has(id)) throw new ApiError(409, 'already_revealed', 'the teacher is revealing the results; submissions are closed', '');
    const t = now();
    const times = (recent.get(student.id) ?? []).filter((x) => x > t - 60_000);
    if (times.length >= perMinute) {
      const wait = Math.max(1, Math.ceil((times[0] as number) + 60_000 - t) / 1000);
      throw new ApiError(
        429,
        'submission_rate_limited',
        `at most ${perMinute} submissions a minute; your last one is saved, try again in ${Math.ceil(wait)} s`,
        '',
        Math.ceil(wait),
      );
    }
    const submission = SubmissionSchema.parse(request.body ?? {});
    const problems = checkSubmission(definition(exercise), student.team, submission);
    const first = problems[0];
    if (first) throw new ApiError(400, 'invalid_submission', `${first.path}: ${first.message}`, first.path);
    times.push(t);
    recent.set(student.id, times);
    const submittedAt = store.submit(student.id, submission);
    return { saved: true, submittedAt, submission };
  });

  app.post('/api/exercises/:id/reveal', route, async (request) => {
    const { id } = IdParams.parse(request.params);
    const e = asTeacher(request, id);
    if (e.status === 'revealed')
      throw new ApiError(409, 'already_revealed', 'this exercise has been revealed already; GET its debrief', '');
    if (revealing.has(id)) throw new ApiError(409, 'reveal_in_progress', 'the reveal is already running; wait for it', '', 2);
    revealing.add(id);
    try {
      const exercise = definition(e);
      const loaded = checkAgainstScenario(exercise);
      const students = store.students(id).filter((s) => s.submission !== null);
      const decided = classDecisions(
        exercise,
        students.map((s) => ({ team: s.team, decisions: s.submission?.decisions ?? {} })),
      );
      const started = performance.now();
      const run = async (overrides: Overrides): Promise<{ model: Model; summary: RunSummary; receipt: RunReceipt }> => {
        const model = buildModel(loaded.scenario, overrides);
        const summary = await ctx.pool.runTrials(model, { seed: exercise.seed, trials: exercise.trials, overrides });
        const result = finalizeResult(model, summary, { seed: exercise.seed, overrides, seconds: 0, workers: 1 });
        return { model, summary, receipt: result.receipt };
      };
      // The same seed for both: common random numbers, so the difference is the decisions', not the dice's.
      const [withDecisions, noAction] = await Promise.all([run(decided.overrides), run({})]);
      const debrief = buildDebrief(
        exercise,
        students.map((s) => ({ id: s.id, name: s.name, team: s.team, forecasts: s.submission?.forecasts ?? {} })),
        questionOutcomes(exercise, withDecisions.model, withDecisions.summary),
        questionOutcomes(exercise, noAction.model, noAction.summary),
      );
      const result: RevealResult = {
        debrief,
        decisions: decided.decisions,
        overrides: decided.overrides,
        receipts: { withDecisions: withDecisions.receipt, noAction: noAction.receipt },
        seconds: (performance.now() - started) / 1000,
        submitted: students.length,
      };
      if (!store.reveal(id, result)) throw new ApiError(409, 'already_revealed', 'this exercise has been revealed already', '');
      return { status: 'revealed', ...result };
    } finally {
      revealing.delete(id);
    }
  });

  const revealed = (e: StoredExercise): RevealResult => {
    if (e.status !== 'revealed' || e.result === null) {
      throw new ApiError(403, 'not_revealed', 'the results are hidden until the teacher reveals them', '');
    }
    return e.result as RevealResult;
  };

  app.get('/api/exercises/:id/debrief', async (request, reply) => {
    const { id } = IdParams.parse(request.params);
    const e = asMember(request, id);
    const result = revealed(e);
    reply.header('cache-control', 'no-store');
    return { id: e.id, status: e.status, revealedAt: e.revealedAt, exercise: publicExercise(definition(e)), ...result };
  });

  app.get('/api/exercises/:id/debrief.csv', async (request, reply) => {
    const { id } = IdParams.parse(request.params);
    const e = asMember(request, id);
    const result = revealed(e);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="debrief-${e.joinCode}.csv"`)
      .header('cache-control', 'no-store')
      .send(debriefCsv(definition(e), result.debrief));
  });
}
