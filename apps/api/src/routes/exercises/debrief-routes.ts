/** The debrief after the reveal, for the teacher and the students: as JSON, and as CSV. */
import { debriefCsv } from '@georisk/engine/classroom';
import type { FastifyInstance } from 'fastify';
import { parseBody } from '../../request-helpers.ts';
import { definition } from './access.ts';
import { type Classroom, IdParams, publicExercise } from './classroom.ts';
import { revealed } from './reveal.ts';

/** Registers the debrief routes. */
export function registerDebriefRoutes(app: FastifyInstance, { access }: Classroom): void {
  app.get('/api/exercises/:id/debrief', async (request, reply) => {
    const { id } = parseBody(IdParams, request.params);
    const e = access.asMember(request, id);
    const result = revealed(e);
    reply.header('cache-control', 'no-store');
    return { id: e.id, status: e.status, revealedAt: e.revealedAt, exercise: publicExercise(definition(e)), ...result };
  });

  app.get('/api/exercises/:id/debrief.csv', async (request, reply) => {
    const { id } = parseBody(IdParams, request.params);
    const e = access.asMember(request, id);
    const result = revealed(e);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="debrief-${e.joinCode}.csv"`)
      .header('cache-control', 'no-store')
      .send(debriefCsv(definition(e), result.debrief));
  });
}
