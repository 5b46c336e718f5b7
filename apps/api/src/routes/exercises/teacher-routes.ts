/** The teacher's classroom routes: templates, creating an exercise, following it, and revealing the results. */
import { randomUUID } from 'node:crypto';
import { type Exercise, ExerciseSchema } from '@georisk/engine/classroom';
import { playedTurns } from '@georisk/engine/seminar';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors.ts';
import { parseBody } from '../../request-helpers.ts';
import { definition } from './access.ts';
import type { TurnResult } from './adjudicate-turn.ts';
import { checkAgainstScenario } from './check-exercise.ts';
import { type Classroom, IdParams, keepingFailure, WITH_BODY } from './classroom.ts';
import { joinAddresses } from './join-addresses.ts';
import { type RevealResult, runReveal } from './reveal.ts';
import { runSeminarReveal } from './seminar-reveal.ts';
import { newJoinCode, newToken, sha256 } from './tokens.ts';

/** The longest an exercise may stay open. */
const MAX_DEADLINE_DAYS = 60;

/** 400 unless the deadline lies between now and MAX_DEADLINE_DAYS from now. */
function checkDeadline(exercise: Exercise, now: number): void {
  const deadline = Date.parse(exercise.deadline);
  if (deadline <= now)
    throw new ApiError(400, 'invalid_request', 'deadline: the deadline is in the past; choose a time later than now', 'deadline');
  if (deadline > now + MAX_DEADLINE_DAYS * 86_400_000) {
    throw new ApiError(400, 'invalid_request', `deadline: choose a deadline within ${MAX_DEADLINE_DAYS} days`, 'deadline');
  }
}

/** Registers the teacher's routes. */
export function registerTeacherRoutes(app: FastifyInstance, classroom: Classroom): void {
  const { store, access } = classroom;

  app.get('/api/exercises/templates', async () => ({ templates: classroom.templates }));

  app.post('/api/exercises', WITH_BODY, async (request, reply) => {
    const exercise = parseBody(ExerciseSchema, request.body);
    checkDeadline(exercise, classroom.now());
    const { warnings } = await checkAgainstScenario(exercise, classroom, true);
    classroom.creations.take(request.ip, classroom.now());
    const id = randomUUID();
    const teacherToken = newToken();
    let joinCode = newJoinCode();
    while (store.codeTaken(joinCode)) joinCode = newJoinCode();
    store.createExercise({ id, joinCode, teacherHash: sha256(teacherToken), definition: exercise, warnings });
    return reply
      .code(201)
      .header('location', `/api/exercises/${id}`)
      .header('cache-control', 'no-store')
      .send({ id, joinCode, teacherToken, teacherPath: `#/teach/${id}?token=${teacherToken}`, joinPath: '#/join', warnings });
  });

  app.get('/api/exercises/:id', async (request, reply) => {
    const { id } = parseBody(IdParams, request.params);
    const e = access.asTeacher(request, id);
    const students = store.students(id);
    reply.header('cache-control', 'no-store');
    return {
      id: e.id,
      joinCode: e.joinCode,
      join: joinAddresses(app),
      status: e.status,
      createdAt: e.createdAt,
      revealedAt: e.revealedAt,
      exercise: definition(e),
      turn: e.turn,
      warnings: e.warnings,
      revealError: e.revealError,
      /** What the class decided in each closed turn of a seminar. */
      closedTurns: (e.turnResults as TurnResult[]).map((r) => ({
        turn: r.turn,
        title: r.title,
        decisions: r.decisions,
        submitted: r.submitted,
      })),
      limits: { maxStudents: classroom.maxStudents, submissionsPerMinute: classroom.submissions.perMinute },
      students: students.map((s) => ({ id: s.id, name: s.name, team: s.team, joinedAt: s.joinedAt, submittedAt: s.submittedAt })),
      submitted: students.filter((s) => s.submission !== null).length,
    };
  });

  app.post('/api/exercises/:id/reveal', WITH_BODY, async (request) => {
    const { id } = parseBody(IdParams, request.params);
    const e = access.asTeacher(request, id);
    if (e.status === 'revealed')
      throw new ApiError(409, 'already_revealed', 'this exercise has been revealed already; GET its debrief', '');
    if (classroom.revealing.has(id)) throw new ApiError(409, 'reveal_in_progress', 'the reveal is already running; wait for it', '', 2);
    const turns = definition(e).turns?.length ?? 1;
    // Past the deadline no later turn can take answers (advance refuses): the turns played are revealed.
    const pastDeadline = classroom.now() >= Date.parse(definition(e).deadline);
    if (e.turn < turns - 1 && !pastDeadline) {
      throw new ApiError(409, 'turns_left', `turn ${e.turn + 1} of ${turns} is open; move the class to the next turn first`, '');
    }
    classroom.revealing.add(id);
    try {
      const exercise = e.turn < turns - 1 ? playedTurns(definition(e), e.turn) : definition(e);
      const result: RevealResult = await keepingFailure(store, id, async () => {
        const { loaded } = await checkAgainstScenario(exercise, classroom);
        const students = store.students(id);
        const submitted = students.filter((s) => s.submission !== null);
        const ctx = { exercise, loaded, pool: classroom.pool, budget: classroom.budget, client: request.ip };
        // A reveal is one of the teacher's address's jobs (it runs the scenario twice on the pool).
        return classroom.jobsPerClient.run(request.ip, () =>
          exercise.turns === undefined
            ? runReveal(exercise, loaded, submitted, classroom.pool, request.ip)
            : runSeminarReveal(ctx, e, students, store.turnSubmissions(id)),
        );
      });
      if (!store.reveal(id, result)) throw new ApiError(409, 'already_revealed', 'this exercise has been revealed already', '');
      return { status: 'revealed', ...result };
    } finally {
      classroom.revealing.delete(id);
    }
  });
}
