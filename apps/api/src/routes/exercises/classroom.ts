/** What every classroom route shares: the store, the token checks, the limits, the clock and the exercises being revealed. */
import type { LoadedScenario } from '@georisk/engine';
import type { Exercise } from '@georisk/engine/classroom';
import { turnExercise } from '@georisk/engine/seminar';
import { z } from 'zod';
import { ClassroomStore, type StoredExercise } from '../../classroom-store.ts';
import type { DocumentChecker } from '../../document-checker.ts';
import { ApiError, errorReply } from '../../errors.ts';
import type { JobsPerClient } from '../../plugins/limits.ts';
import type { SimulationPool } from '../../pool.ts';
import { definition, ExerciseAccess } from './access.ts';
import { CreationRate } from './creation-rate.ts';
import { SubmissionRate } from './submission-rate.ts';
import type { ExerciseTemplate } from './templates.ts';

export interface ClassroomOptions {
  /** Students one exercise admits (409 `class_full` beyond). */
  maxStudents?: number;
  /** Submissions one student may make per minute (429 `submission_rate_limited` beyond). */
  submissionsPerMinute?: number;
  /** Exercises one address may create an hour (429 `exercise_rate_limited` beyond). */
  exercisesPerHour?: number;
  /** The clock, for tests of the deadline. */
  now?: () => number;
}

export const DEFAULT_MAX_STUDENTS = 60;
export const DEFAULT_SUBMISSIONS_PER_MINUTE = 10;
export const DEFAULT_EXERCISES_PER_HOUR = 20;
/** Classroom bodies are small; a scenario-sized body here is a mistake or an attack. */
const BODY_LIMIT = 64 * 1024;
/** The route options of the classroom routes that take a body. */
export const WITH_BODY = { bodyLimit: BODY_LIMIT };

/** Path parameter `:id` of the classroom routes. */
export const IdParams = z.strictObject({ id: z.uuid('must be an exercise id') });

/** The classroom's state and services, made once when the routes are registered. */
export interface Classroom {
  store: ClassroomStore;
  access: ExerciseAccess;
  pool: SimulationPool;
  /** The per-address job cap: a reveal is one of the teacher's address's jobs. */
  jobsPerClient: JobsPerClient;
  /** A library or saved scenario by id; throws a 404 ApiError when there is none. */
  scenario: (id: string) => LoadedScenario;
  /** Parses a saved scenario off the event loop before `scenario` reads it. */
  prepareScenario: (id: string) => Promise<void>;
  /** The document threads, where exercise definitions are checked. */
  documents: DocumentChecker;
  /** Ceiling on trials × steps for one run. */
  budget: number;
  templates: ExerciseTemplate[];
  creations: CreationRate;
  now: () => number;
  maxStudents: number;
  submissions: SubmissionRate;
  /** Exercises being revealed now, so a double click runs the scenario once. */
  revealing: Set<string>;
}

/** Sets up the classroom over the server's database. */
export function createClassroom(
  db: ConstructorParameters<typeof ClassroomStore>[0],
  writes: ConstructorParameters<typeof ClassroomStore>[1],
  services: Pick<Classroom, 'pool' | 'jobsPerClient' | 'scenario' | 'prepareScenario' | 'documents' | 'budget' | 'templates'>,
  options: ClassroomOptions | undefined,
): Classroom {
  const store = new ClassroomStore(db, writes);
  return {
    ...services,
    store,
    access: new ExerciseAccess(store),
    now: options?.now ?? Date.now,
    maxStudents: options?.maxStudents ?? DEFAULT_MAX_STUDENTS,
    submissions: new SubmissionRate(options?.submissionsPerMinute ?? DEFAULT_SUBMISSIONS_PER_MINUTE),
    creations: new CreationRate(options?.exercisesPerHour ?? DEFAULT_EXERCISES_PER_HOUR),
    revealing: new Set(),
  };
}

/** Why an exercise takes no more joins or submissions (revealed, or past its deadline), or undefined while it is open. */
export function closedReason(e: StoredExercise, now: number): ApiError | undefined {
  if (e.status === 'revealed')
    return new ApiError(409, 'already_revealed', 'the teacher has revealed the results; submissions are closed', '');
  const deadline = Date.parse(definition(e).deadline);
  if (now >= deadline) {
    return new ApiError(
      409,
      'deadline_passed',
      `submissions closed at the deadline (${definition(e).deadline}); nothing was saved, ask your teacher if you need more time`,
      'deadline',
    );
  }
  return undefined;
}

/**
 * Runs a reveal (or a turn close), recording on the exercise why it failed when the fault is the
 * exercise's or the class's (a 400: a decision the scenario refuses), so the teacher's dashboard
 * shows it; the exercise stays open and can be revealed again once students or the teacher change
 * what fails. A busy server (429, 503) is not recorded: trying again is the whole answer.
 */
export async function keepingFailure<T>(store: ClassroomStore, id: string, reveal: () => Promise<T>): Promise<T> {
  try {
    return await reveal();
  } catch (error) {
    const { status, body } = errorReply(error, '');
    if (status === 400) store.revealFailed(id, { code: body.code, message: body.message, path: body.path });
    throw error;
  }
}

/** A question without the record of what happened. */
function withoutActual<Q extends { actual?: unknown }>({ actual: _hidden, ...question }: Q): Omit<Q, 'actual'> {
  return question;
}

/**
 * What a student sees of an exercise: everything but other students and the teacher's secrets. In
 * a seminar's `turn`, only the turns released so far, and only that turn's levers and questions;
 * without `turn` (the debrief), every turn.
 */
export function publicExercise(exercise: Exercise, turn?: number) {
  const asked = turn === undefined ? exercise : turnExercise(exercise, turn);
  return {
    scenarioId: exercise.scenarioId,
    title: exercise.title,
    briefing: exercise.briefing,
    teams: exercise.teams,
    levers: asked.levers,
    // What happened is the debrief's, never the form's: it would hand a historical exercise's answers over.
    questions: turn === undefined ? asked.questions : asked.questions.map(withoutActual),
    deadline: exercise.deadline,
    trials: exercise.trials,
    ...(exercise.turns === undefined
      ? {}
      : {
          turn: turn ?? exercise.turns.length - 1,
          turnCount: exercise.turns.length,
          turns: exercise.turns.slice(0, (turn ?? exercise.turns.length - 1) + 1).map((t) => ({
            id: t.id,
            title: t.title,
            briefing: t.briefing,
          })),
        }),
  };
}
