/** Who may see an exercise: its teacher (by the teacher token), its students (by their tokens), or either. */
import type { Exercise } from '@georisk/engine/classroom';
import type { FastifyRequest } from 'fastify';
import type { ClassroomStore, StoredExercise, StoredStudent } from '../../classroom-store.ts';
import { ApiError } from '../../errors.ts';
import { bearer, sameHash, sha256 } from './tokens.ts';

/** An exercise's definition as stored (checked against ExerciseSchema when it was created). */
export const definition = (e: StoredExercise): Exercise => e.definition as Exercise;

/** Looks exercises up and checks the request's token against them: 404, 401 and 403 with what to do. */
export class ExerciseAccess {
  constructor(private readonly store: ClassroomStore) {}

  /** The exercise, or 404. */
  exercise(id: string): StoredExercise {
    const e = this.store.getExercise(id);
    if (!e) throw new ApiError(404, 'not_found', `no exercise with id "${id}"`, 'id');
    return e;
  }

  /** The exercise, if the request carries its teacher token; 401/403 otherwise. */
  asTeacher(request: FastifyRequest, id: string): StoredExercise {
    const token = bearer(request, 'teacher');
    const e = this.exercise(id);
    if (!sameHash(sha256(token), e.teacherHash)) {
      throw new ApiError(
        403,
        'forbidden',
        "this token is not this exercise's teacher token; use the private teacher link",
        'headers.authorization',
      );
    }
    return e;
  }

  /** The student, if the request carries a token of a student of this exercise; 401/403 otherwise. */
  asStudent(request: FastifyRequest, id: string): { exercise: StoredExercise; student: StoredStudent } {
    const token = bearer(request, 'student');
    const exercise = this.exercise(id);
    const student = this.store.studentByTokenHash(sha256(token));
    if (!student || student.exerciseId !== exercise.id) {
      throw new ApiError(
        403,
        'forbidden',
        'this token belongs to no student of this exercise (the teacher may have removed you); join with the code again',
        'headers.authorization',
      );
    }
    return { exercise, student };
  }

  /** Teacher or student of this exercise. */
  asMember(request: FastifyRequest, id: string): StoredExercise {
    const token = bearer(request, 'any');
    const exercise = this.exercise(id);
    if (sameHash(sha256(token), exercise.teacherHash)) return exercise;
    const student = this.store.studentByTokenHash(sha256(token));
    if (student?.exerciseId === exercise.id) return exercise;
    throw new ApiError(
      403,
      'forbidden',
      'this token belongs to neither the teacher nor a student of this exercise',
      'headers.authorization',
    );
  }
}
