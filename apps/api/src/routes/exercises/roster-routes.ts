/** The teacher's roster: removing a student who will not take part (a lost tab, a test join) and moving students between teams. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { StoredExercise } from '../../classroom-store.ts';
import { ApiError } from '../../errors.ts';
import { parseBody } from '../../request-helpers.ts';
import { definition } from './access.ts';
import { type Classroom, WITH_BODY } from './classroom.ts';

const StudentParams = z.strictObject({ id: z.uuid('must be an exercise id'), studentId: z.uuid('must be a student id') });
const MoveSchema = z.strictObject({ team: z.string().max(40).nullable() });

/** 409 once revealed: the debrief is computed from the roster as it was. */
function stillOpen(e: StoredExercise): void {
  if (e.status === 'revealed') {
    throw new ApiError(409, 'already_revealed', 'this exercise has been revealed; its roster can no longer change', '');
  }
}

/** 404 unless the student belongs to the exercise. */
function checkStudent(classroom: Classroom, e: StoredExercise, studentId: string) {
  const student = classroom.store.students(e.id).find((s) => s.id === studentId);
  if (!student) throw new ApiError(404, 'not_found', `no student with id "${studentId}" in this exercise`, 'studentId');
  return student;
}

/** Registers the roster routes (teacher token required). */
export function registerRosterRoutes(app: FastifyInstance, classroom: Classroom): void {
  const { store, access } = classroom;

  app.delete('/api/exercises/:id/students/:studentId', async (request, reply) => {
    const { id, studentId } = parseBody(StudentParams, request.params);
    const e = access.asTeacher(request, id);
    stillOpen(e);
    checkStudent(classroom, e, studentId);
    store.removeStudent(id, studentId);
    return reply.code(204).header('cache-control', 'no-store').send();
  });

  app.patch('/api/exercises/:id/students/:studentId', WITH_BODY, async (request, reply) => {
    const { id, studentId } = parseBody(StudentParams, request.params);
    const e = access.asTeacher(request, id);
    stillOpen(e);
    const student = checkStudent(classroom, e, studentId);
    const { team } = parseBody(MoveSchema, request.body);
    const teams = definition(e).teams;
    if (teams.length === 0 && team !== null)
      throw new ApiError(400, 'invalid_request', 'team: this exercise has no teams; send null', 'team');
    if (teams.length > 0 && !teams.some((t) => t.id === team)) {
      throw new ApiError(400, 'invalid_request', `team: choose one of: ${teams.map((t) => `"${t.id}" (${t.name})`).join(', ')}`, 'team');
    }
    const withdrawn = student.team !== team && student.submission !== null;
    store.moveStudent(id, studentId, team);
    reply.header('cache-control', 'no-store');
    // A submission for the old team's levers is withdrawn: the student answers again for the new team.
    return { id: student.id, name: student.name, team, submissionWithdrawn: withdrawn };
  });
}
