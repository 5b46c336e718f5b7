/** The students' classroom routes: joining with the code, reading the briefing, and submitting forecasts and decisions. */
import { randomUUID } from 'node:crypto';
import { checkSubmission, type Exercise, isPlainText, SubmissionSchema } from '@georisk/engine/classroom';
import { turnExercise } from '@georisk/engine/seminar';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { StoredStudent } from '../../classroom-store.ts';
import { ApiError } from '../../errors.ts';
import { parseBody } from '../../request-helpers.ts';
import { definition } from './access.ts';
import { type Classroom, closedReason, IdParams, publicExercise, WITH_BODY } from './classroom.ts';
import { mixedScriptWord, nameKey, normalizeName } from './name-key.ts';
import { newToken, sha256 } from './tokens.ts';

/** Display names: NFKC, trimmed, one line of plain text, 1–40 characters. */
const NameSchema = z
  .string()
  .transform(normalizeName)
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
  /** Student tokens this browser kept: joining again under the same name resumes that student (a lost tab). */
  resume: z.array(z.string().max(128)).max(32).optional(),
});

/** The student a kept token proves this browser joined as, when it is this exercise's and has this name. */
function resumed(classroom: Classroom, exerciseId: string, name: string, tokens: readonly string[]) {
  for (const token of tokens) {
    const s = classroom.store.studentByTokenHash(sha256(token));
    if (s !== undefined && s.exerciseId === exerciseId && nameKey(s.name) === nameKey(name)) {
      return { exerciseId, studentId: s.id, studentToken: token, name: s.name, team: s.team, resumed: true };
    }
  }
  return undefined;
}

/** The team a joining student is put in: the one asked for, or the smallest so far; null when the exercise has no teams. */
function chooseTeam(exercise: Exercise, students: () => StoredStudent[], asked: string | undefined): string | null {
  if (exercise.teams.length > 0 && asked === undefined) {
    // No team asked for: the smallest team so far (the first on a tie), so a class splits evenly by itself.
    const sizes = new Map(exercise.teams.map((t) => [t.id, 0]));
    for (const s of students()) if (s.team !== null) sizes.set(s.team, (sizes.get(s.team) ?? 0) + 1);
    return [...sizes.entries()].reduce((a, b) => (b[1] < a[1] ? b : a))[0];
  }
  if (exercise.teams.length > 0) {
    const t = exercise.teams.find((x) => x.id === asked);
    if (!t) {
      throw new ApiError(
        400,
        'invalid_request',
        `team: choose one of: ${exercise.teams.map((x) => `"${x.id}" (${x.name})`).join(', ')}`,
        'team',
      );
    }
    return t.id;
  }
  if (asked !== undefined) throw new ApiError(400, 'invalid_request', 'team: this exercise has no teams; leave the team out', 'team');
  return null;
}

/** The 409 for a name that is, or looks, the same as a classmate's. */
function nameTaken(name: string, holder: string | undefined): ApiError {
  const message =
    holder === undefined || holder === name
      ? `someone in this class already uses the name "${name}"; choose another (if it is you and you lost the page, join again from the same browser, or ask your teacher to remove the old entry)`
      : `the name "${name}" looks the same as "${holder}", already used in this class (letters from another alphabet, case or width do not tell names apart); choose another`;
  return new ApiError(409, 'name_taken', message, 'name');
}

/** Adds a student to the exercise with this join code; their token, shown once. */
function joinExercise(classroom: Classroom, body: z.infer<typeof JoinSchema>) {
  const { store } = classroom;
  const e = store.exerciseByCode(body.code);
  if (!e) throw new ApiError(404, 'not_found', `no exercise with join code "${body.code}"; check the code your teacher shows`, 'code');
  const again = resumed(classroom, e.id, body.name, body.resume ?? []);
  if (again) return again;
  const closed = closedReason(e, classroom.now());
  if (closed) throw closed;
  const team = chooseTeam(definition(e), () => store.students(e.id), body.team);
  const token = newToken();
  const studentId = randomUUID();
  const { name } = body;
  const key = nameKey(name);
  const maxStudents = classroom.maxStudents;
  const mixed = mixedScriptWord(name);
  const added =
    mixed !== undefined && store.nameHolder(e.id, key) === undefined
      ? 'mixed_script'
      : store.addStudent({ id: studentId, exerciseId: e.id, name, nameKey: key, team, tokenHash: sha256(token), maxStudents });
  if (added === 'mixed_script') {
    throw new ApiError(
      400,
      'invalid_request',
      `name: "${mixed}" mixes Latin letters with Cyrillic or Greek ones that look alike; type it in one alphabet`,
      'name',
    );
  }
  if (added === 'name_taken') throw nameTaken(name, store.nameHolder(e.id, key));
  if (added === 'full') throw new ApiError(409, 'class_full', `this class is full (${maxStudents} students); ask your teacher`, 'code');
  return { exerciseId: e.id, studentId, studentToken: token, name, team, resumed: false };
}

/** Registers the students' routes. */
export function registerStudentRoutes(app: FastifyInstance, classroom: Classroom): void {
  const { store, access } = classroom;

  app.post('/api/exercises/join', WITH_BODY, async (request, reply) => {
    const joined = joinExercise(classroom, parseBody(JoinSchema, request.body));
    return reply
      .code(joined.resumed ? 200 : 201)
      .header('cache-control', 'no-store')
      .send(joined);
  });

  app.get('/api/exercises/:id/me', async (request, reply) => {
    const { id } = parseBody(IdParams, request.params);
    const { exercise, student } = access.asStudent(request, id);
    reply.header('cache-control', 'no-store');
    return {
      exerciseId: exercise.id,
      status: exercise.status,
      now: new Date(classroom.now()).toISOString(),
      exercise: publicExercise(definition(exercise), exercise.turn),
      student: { id: student.id, name: student.name, team: student.team },
      submission: student.submission,
      submittedAt: student.submittedAt,
    };
  });

  app.put('/api/exercises/:id/submission', WITH_BODY, async (request) => {
    const { id } = parseBody(IdParams, request.params);
    const { exercise, student } = access.asStudent(request, id);
    const closed = closedReason(exercise, classroom.now());
    if (closed) throw closed;
    // The reveal (or the close of a turn) has read the submissions already: one accepted now would never be scored.
    if (classroom.revealing.has(id)) {
      if (exercise.turn < (definition(exercise).turns?.length ?? 1) - 1) {
        throw new ApiError(409, 'turn_closing', 'the teacher is closing this turn; wait for the next turn’s questions', '');
      }
      throw new ApiError(409, 'already_revealed', 'the teacher is revealing the results; submissions are closed', '');
    }
    const t = classroom.now();
    const times = classroom.submissions.check(student.id, t);
    const submission = parseBody(SubmissionSchema, request.body);
    const first = checkSubmission(turnExercise(definition(exercise), exercise.turn), student.team, submission)[0];
    if (first) throw new ApiError(400, 'invalid_submission', `${first.path}: ${first.message}`, first.path);
    classroom.submissions.record(student.id, times, t);
    const submittedAt = store.submit(student.id, submission);
    return { saved: true, submittedAt, submission };
  });
}
