/**
 * What the 2022 seminar's questions come to, turn by turn, for the teacher's guide: each turn's
 * answers with no action and with a few class decisions (5,000 trials, seed 2022). Run with
 * `node --import tsx test/bench/seminar-expect.ts`.
 */
import { readFileSync } from 'node:fs';
import { ExerciseSchema } from '../../packages/engine/src/classroom.ts';
import { type Overrides, runScenario, updateScenario } from '../../packages/engine/src/index.ts';
import { releasedObservations, turnExercise } from '../../packages/engine/src/seminar.ts';
import { libraryScenario } from '../helpers/library-scenarios.ts';

const template = JSON.parse(readFileSync('scenarios/exercises/seminar-2022.json', 'utf8'));
const exercise = ExerciseSchema.parse({ ...template.exercise, deadline: '2100-01-01T00:00:00Z' });
const scenario = libraryScenario('scenarios/armenia-azerbaijan-2022.yaml');
const trials = 5000;
const seed = 2022;
const cases: [string, Overrides][] = [
  ['no action', {}],
  ['press on', { offensive_culmination_rate: 0.02, offensive_escalation_rate: 0.004 }],
  ['EU at once', { western_mediation_rate: 0.06 }],
  ['Turkey urges restraint', { turkey_backing: 0 }],
  ['Iran lets its red line lapse', { iran_red_line: 0 }],
  ['CSTO troops pushed', { ties_to_attacker: 0, declaration_ties: 0 }],
  ['US Secretary', { international_attempt_rate: 0.042 }],
];
for (const k of [0, 1]) {
  const asked = turnExercise(exercise, k);
  const observed = releasedObservations(exercise, k);
  for (const [name, overrides] of cases) {
    const metrics =
      observed === undefined
        ? runScenario(scenario, { trials, seed, overrides }).metrics
        : updateScenario(scenario, observed, { trials, seed, overrides, method: 'smc' }).metrics;
    const cells = asked.questions.map((q) => {
      const m = metrics[q.metric];
      return `${q.id} ${q.kind === 'probability' ? `${((m?.probability?.p ?? Number.NaN) * 100).toFixed(1)}%` : `median ${m?.quantiles.p50}`}`;
    });
    console.log(`turn ${k + 1} | ${name} | ${cells.join(' | ')}`);
  }
}
