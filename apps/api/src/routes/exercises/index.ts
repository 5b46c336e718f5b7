/**
 * Classroom exercises over HTTP (`/api/exercises`): a teacher creates one and gets a join code
 * and a secret teacher token; students join with the code and a display name and get their own
 * token; they submit forecasts and decisions until the deadline; the teacher reveals, which runs
 * the scenario twice on the pool (the class's decisions, and no action, with the same seed) and
 * stores the debrief. Tokens travel as `Authorization: Bearer …`; only their hashes are stored.
 */
import type { LoadedScenario } from '@georisk/engine';
import type { FastifyPluginAsync } from 'fastify';
import type { ClassroomStore } from '../../classroom-store.ts';
import type { DocumentChecker } from '../../document-checker.ts';
import type { JobsPerClient } from '../../plugins/limits.ts';
import type { SimulationPool } from '../../pool.ts';
import { type ClassroomOptions, createClassroom } from './classroom.ts';
import { registerDebriefRoutes } from './debrief-routes.ts';
import { registerRosterRoutes } from './roster-routes.ts';
import { registerStudentRoutes } from './student-routes.ts';
import { registerTeacherRoutes } from './teacher-routes.ts';
import { loadTemplates } from './templates.ts';
import { registerTurnRoutes } from './turn-routes.ts';

export type { ClassroomOptions } from './classroom.ts';
export { CLASSROOM_PATHS } from './openapi-paths.ts';

export interface ExerciseRoutesOptions {
  db: ConstructorParameters<typeof ClassroomStore>[0];
  /** The main store, which records whether a write failed. */
  writes: ConstructorParameters<typeof ClassroomStore>[1];
  pool: SimulationPool;
  jobsPerClient: JobsPerClient;
  /** A library or saved scenario by id; throws a 404 ApiError when there is none. */
  scenario: (id: string) => LoadedScenario;
  /** Parses a saved scenario off the event loop before `scenario` reads it. */
  prepareScenario: (id: string) => Promise<void>;
  /** The document threads, where exercise definitions are checked. */
  documents: DocumentChecker;
  /** The folder holding exercises/ (the scenario library). */
  scenariosDir: string;
  /** Ceiling on trials × steps for one run. */
  budget: number;
  options: ClassroomOptions | undefined;
}

/** The classroom routes. */
export const exerciseRoutes: FastifyPluginAsync<ExerciseRoutesOptions> = async (
  app,
  { db, writes, pool, jobsPerClient, scenario, prepareScenario, documents, scenariosDir, budget, options },
) => {
  const templates = loadTemplates(scenariosDir, (file, why) => app.log.warn({ file, why }, 'exercise template left out'));
  const classroom = createClassroom(db, writes, { pool, jobsPerClient, scenario, prepareScenario, documents, budget, templates }, options);
  registerTeacherRoutes(app, classroom);
  registerTurnRoutes(app, classroom);
  registerRosterRoutes(app, classroom);
  registerStudentRoutes(app, classroom);
  registerDebriefRoutes(app, classroom);
};
