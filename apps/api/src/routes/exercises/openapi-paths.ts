/** The classroom routes in the OpenAPI document. */
const exerciseId = [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }];
const studentId = { name: 'studentId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
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
      summary:
        'Create a classroom exercise; every value a lever can set is run briefly first (a lever that cannot run is a 400 naming it); answers 201 with `{id, joinCode, teacherToken, teacherPath, warnings}` (the token is shown once; `warnings` lists lever values outside their parameter range)',
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Exercise' } } } },
      responses: answer('created (201)', 400, 413),
    },
  },
  '/api/exercises/join': {
    post: {
      summary:
        'A student joins with `{code, name, team, resume}`; answers 201 with `{exerciseId, studentToken}`, or 200 with `resumed: true` when one of the `resume` tokens this browser kept belongs to a student of this exercise with this name',
      responses: answer('joined (201) or resumed (200)', 400, 404, 409),
    },
  },
  '/api/exercises/{id}': {
    get: {
      summary:
        'Teacher: the exercise, its join code, the addresses students can open (`join.urls`; `join.loopbackOnly` when the server listens on this computer only), who has submitted, and for a seminar the open `turn` and what the class decided in each of `closedTurns`',
      parameters: [...exerciseId, ...bearerAuth],
      responses: answer('exercise', 401, 403, 404),
    },
  },
  '/api/exercises/{id}/advance': {
    post: {
      summary:
        'Teacher, seminar (an exercise with `turns`): close the open turn — run the scenario with the decisions so far and with none, conditioned on the observations released so far — keep its submissions and release the next turn; 409 `last_turn` on the last turn (reveal instead)',
      parameters: [...exerciseId, ...bearerAuth],
      responses: answer('`{turn, closed}`', 401, 403, 404, 409),
    },
  },
  '/api/exercises/{id}/students/{studentId}': {
    delete: {
      summary: 'Teacher, while open: remove a student (a lost tab, a test join) and their submission; 204',
      parameters: [...exerciseId, studentId, ...bearerAuth],
      responses: answer('removed (204)', 401, 403, 404, 409),
    },
    patch: {
      summary: 'Teacher, while open: move a student to another team with `{team}`',
      parameters: [...exerciseId, studentId, ...bearerAuth],
      responses: answer('moved', 400, 401, 403, 404, 409),
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
