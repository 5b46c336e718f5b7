/** The teacher's move from one turn of a seminar to the next: the open turn adjudicated, its submissions kept, the next turn released. */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors.ts';
import { parseBody } from '../../request-helpers.ts';
import { definition } from './access.ts';
import { adjudicateTurn, type TurnResult } from './adjudicate-turn.ts';
import { checkAgainstScenario } from './check-exercise.ts';
import { type Classroom, IdParams, keepingFailure, WITH_BODY } from './classroom.ts';

/** Registers `POST /api/exercises/:id/advance`. */
export function registerTurnRoutes(app: FastifyInstance, classroom: Classroom): void {
  const { store, access } = classroom;
  app.post('/api/exercises/:id/advance', WITH_BODY, async (request) => {
    const { id } = parseBody(IdParams, request.params);
    const e = access.asTeacher(request, id);
    const exercise = definition(e);
    if (exercise.turns === undefined) {
      throw new ApiError(409, 'no_turns', 'this exercise has one turn; reveal the results instead', '');
    }
    if (e.status === 'revealed') throw new ApiError(409, 'already_revealed', 'this exercise has been revealed already', '');
    if (e.turn >= exercise.turns.length - 1) {
      throw new ApiError(409, 'last_turn', 'this is the last turn; reveal the results to end the exercise', '');
    }
    // The exercise's one deadline closes every turn: a turn opened after it could take no answers, and
    // its unanswered questions would count against every student at the reveal.
    if (classroom.now() >= Date.parse(exercise.deadline)) {
      throw new ApiError(
        409,
        'deadline_passed',
        `the exercise's deadline (${exercise.deadline}) has passed, so the next turn could take no answers; reveal the results of the turns played instead`,
        'deadline',
      );
    }
    if (classroom.revealing.has(id)) throw new ApiError(409, 'reveal_in_progress', 'the turn is already being closed; wait for it', '', 2);
    classroom.revealing.add(id);
    try {
      const earlier = e.turnResults as TurnResult[];
      const result = await keepingFailure(store, id, async () => {
        const { loaded } = await checkAgainstScenario(exercise, classroom);
        const submitted = store.students(id).filter((s) => s.submission !== null);
        const ctx = { exercise, loaded, pool: classroom.pool, budget: classroom.budget, client: request.ip };
        // Like a reveal, closing a turn is one of the teacher's address's jobs (two runs on the pool).
        return classroom.jobsPerClient.run(request.ip, () =>
          adjudicateTurn(
            ctx,
            e.turn,
            submitted.map((s) => ({ team: s.team, decisions: s.submission?.decisions ?? {} })),
            earlier.at(-1)?.overrides ?? {},
          ),
        );
      });
      if (!store.advanceTurn(id, e.turn, [...earlier, { ...result, closedAt: new Date().toISOString() }])) {
        throw new ApiError(409, 'turn_closed', 'this turn was closed already; reload the dashboard', '');
      }
      return {
        turn: e.turn + 1,
        closed: { turn: result.turn, title: result.title, decisions: result.decisions, submitted: result.submitted },
      };
    } finally {
      classroom.revealing.delete(id);
    }
  });
}
