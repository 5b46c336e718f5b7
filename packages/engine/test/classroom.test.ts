/** Classroom exercises: definitions, submissions, class decisions and the debrief's scores, against values worked by hand. */
import { describe, expect, it } from 'vitest';
import {
  buildDebrief,
  calibrationBins,
  checkSubmission,
  classDecisions,
  debriefCsv,
  type Exercise,
  ExerciseSchema,
  expectedAbsoluteError,
  expectedBrier,
  expectedLog,
  noActionOverrides,
  type QuestionOutcome,
  quantileGrid,
  questionOutcomes,
  scoreForecast,
} from '../src/classroom.ts';
import { buildModel, loadScenarioText, simulate } from '../src/index.ts';
import { brierScore, logScore } from '../src/scoring.ts';

const exercise: Exercise = ExerciseSchema.parse({
  scenarioId: 'api-small',
  title: 'Test exercise',
  briefing: 'A clash on the border.',
  teams: [
    { id: 'red', name: 'Red' },
    { id: 'blue', name: 'Blue' },
  ],
  levers: [
    {
      kind: 'choice',
      id: 'talks',
      label: 'Open talks',
      team: 'red',
      options: [
        { id: 'no', label: 'No talks' },
        { id: 'yes', label: 'Talks', overrides: { war_rate: 0.001 } },
      ],
    },
    { kind: 'range', id: 'posture', label: 'Posture', parameter: 'ceasefire_rate', min: 0.05, max: 0.5 },
  ],
  questions: [
    { kind: 'probability', id: 'war', label: 'War within 30 days?', metric: 'war_reached' },
    { kind: 'quantity', id: 'days', label: 'Days to ceasefire', metric: 'days_to_ceasefire', unit: 'days', max: 30 },
  ],
  deadline: '2030-01-01T00:00:00Z',
});

describe('ExerciseSchema', () => {
  it('fills defaults (trials, seed) and refuses levers that set the same parameter or name a missing team', () => {
    expect(exercise.trials).toBe(20_000);
    expect(exercise.seed).toBe(1);
    const bad = ExerciseSchema.safeParse({
      ...exercise,
      levers: [
        { ...exercise.levers[0], team: 'green' },
        { kind: 'range', id: 'x', label: 'X', parameter: 'war_rate', min: 0, max: 1 },
      ],
    });
    expect(bad.success).toBe(false);
    const messages = bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(messages).toContain('levers.0.team: no team "green"; use one of: red, blue');
    expect(messages).toContain('levers.1: parameter "war_rate" is already set by lever "talks"; let one lever decide each parameter');
  });
  it('refuses control and invisible characters in labels', () => {
    expect(ExerciseSchema.safeParse({ ...exercise, title: 'a\u202Eb' }).success).toBe(false);
    expect(ExerciseSchema.safeParse({ ...exercise, title: 'a\u0007b' }).success).toBe(false);
  });
  it('takes the seeds a run takes, up to 2^53 − 1 (as the CLI, the API and the page)', () => {
    expect(ExerciseSchema.parse({ ...exercise, seed: 5_000_000_000 }).seed).toBe(5_000_000_000);
    expect(ExerciseSchema.safeParse({ ...exercise, seed: 2 ** 53 }).success).toBe(false);
  });
});

describe('checkSubmission', () => {
  it('accepts a complete submission for the team and names every problem otherwise', () => {
    expect(checkSubmission(exercise, 'red', { forecasts: { war: 0.2, days: 5 }, decisions: { talks: 'yes', posture: 0.1 } })).toEqual([]);
    const problems = checkSubmission(exercise, 'blue', { forecasts: { war: 1.5, extra: 1 }, decisions: { talks: 'yes', posture: 9 } });
    expect(problems).toEqual([
      { path: 'forecasts.extra', message: 'no question "extra" in this exercise; remove it' },
      { path: 'forecasts.war', message: 'a probability must be between 0 and 1 (write 30% as 0.3), got 1.5' },
      { path: 'forecasts.days', message: '"Days to ceasefire" has no forecast; give one' },
      { path: 'decisions.talks', message: 'lever "talks" is decided by another team; remove it' },
      { path: 'decisions.posture', message: 'must be a number between 0.05 and 0.5' },
    ]);
  });
});

describe('classDecisions', () => {
  it('takes the plurality per choice lever (ties go to no action) and the median per range lever, only from the deciding team', () => {
    const { decisions, overrides } = classDecisions(exercise, [
      { team: 'red', decisions: { talks: 'yes', posture: 0.1 } },
      { team: 'red', decisions: { talks: 'yes', posture: 0.3 } },
      { team: 'red', decisions: { talks: 'no', posture: 0.2 } },
      { team: 'blue', decisions: { talks: 'no', posture: 0.5 } },
    ]);
    expect(decisions[0]).toEqual({ lever: 'talks', decision: 'yes', votes: { no: 1, yes: 2 }, voters: 3 });
    expect(decisions[1]).toMatchObject({ lever: 'posture', decision: 0.25, voters: 4 });
    expect(overrides).toEqual({ war_rate: 0.001, ceasefire_rate: 0.25 });
    const tie = classDecisions(exercise, [
      { team: 'red', decisions: { talks: 'yes' } },
      { team: 'red', decisions: { talks: 'no' } },
    ]);
    expect(tie.decisions[0]?.decision).toBe('no');
    expect(tie.overrides).toEqual({});
    expect(classDecisions(exercise, []).decisions.map((d) => d.decision)).toEqual([null, null]);
  });

  it("takes a range lever's median on its own grid, not between two of its values", () => {
    const stepped = {
      ...exercise,
      levers: [{ kind: 'range', id: 'rate', label: 'Rate', description: '', parameter: 'war_rate', min: 0, max: 0.2, step: 0.01 }],
    } as Exercise;
    const decided = classDecisions(stepped, [
      { team: null, decisions: { rate: 0.05 } },
      { team: null, decisions: { rate: 0.12 } },
    ]);
    expect(decided.overrides).toEqual({ war_rate: 0.09 });
    expect(classDecisions(stepped, [{ team: null, decisions: { rate: 0.07 } }]).overrides).toEqual({ war_rate: 0.07 });
  });

  it('compares the decisions with every choice lever at its no-action option, whose own overrides count on both sides', () => {
    // A "calm" no-action option that lowers a rate: a tie, or no vote at all, leaves the class at
    // calm, and the no-action run is at calm too, so the two runs are the same (no effect).
    const calm = {
      ...exercise,
      levers: [
        {
          ...exercise.levers[0],
          noAction: 'calm',
          options: [
            { id: 'calm', label: 'Stay calm', overrides: { war_rate: 0.01 } },
            { id: 'stir', label: 'Stir', overrides: { war_rate: 0.2 } },
          ],
        },
      ],
    } as Exercise;
    expect(noActionOverrides(calm.levers)).toEqual({ war_rate: 0.01 });
    const tie = classDecisions(calm, [
      { team: 'red', decisions: { talks: 'calm' } },
      { team: 'red', decisions: { talks: 'stir' } },
    ]);
    expect(tie.overrides).toEqual(noActionOverrides(calm.levers));
    expect(classDecisions(calm, []).overrides).toEqual(noActionOverrides(calm.levers));
    expect(classDecisions(calm, [{ team: 'red', decisions: { talks: 'stir' } }]).overrides).toEqual({ war_rate: 0.2 });
    // The library's levers whose first option means no action and sets nothing: the no-action run is the scenario's.
    expect(noActionOverrides(exercise.levers)).toEqual({});
  });
});

describe('scores', () => {
  it('scores a quantity the engine is certain of on a finite scale: exact is 1, and further off is worse', () => {
    const question = { id: 'deaths', label: 'Deaths', kind: 'quantity', metric: 'deaths' } as const;
    const certain = (value: number): QuestionOutcome => ({
      kind: 'quantity',
      mean: value,
      se: 0,
      median: value,
      quantiles: { p1: value, p5: value, p10: value, p25: value, p50: value, p75: value, p90: value, p95: value, p99: value },
      histogram: { edges: [value, value], counts: [100] },
      grid: new Array(200).fill(value),
      n: 100,
    });
    const score = (forecast: number, value: number) => scoreForecast(question as never, forecast, certain(value)).relativeError;
    expect([score(0, 0), score(5, 0), score(10, 0)]).toEqual([1, 6, 11]);
    // Off by 50 from a certain 200 is a quarter of the value: 1.25.
    expect(score(250, 200)).toBe(1.25);
    expect(score(150, 200)).toBe(1.25);
  });

  it('expected Brier and log scores are the outcome-weighted scoring rules, minimised at the engine probability', () => {
    expect(expectedBrier(0.3, 0.1)).toBeCloseTo(0.1 * 0.49 + 0.9 * 0.09, 15);
    expect(expectedBrier(0.3, 0.1)).toBe(0.1 * brierScore(0.3, 1) + 0.9 * brierScore(0.3, 0));
    expect(expectedLog(0.5, 0.3)).toBeCloseTo(1, 15);
    expect(expectedLog(0.2, 0.4)).toBeCloseTo(0.4 * logScore(0.2, 1) + 0.6 * logScore(0.2, 0), 15);
    for (const q of [0.05, 0.3, 0.8]) {
      for (const f of [0, 0.1, 0.5, 0.95]) {
        expect(expectedBrier(q, q)).toBeLessThanOrEqual(expectedBrier(f, q) + 1e-15);
        expect(expectedLog(q, q)).toBeLessThanOrEqual(expectedLog(f, q) + 1e-12);
      }
    }
  });
  it('expected absolute error over a quantile grid is least at the median', () => {
    const grid = quantileGrid(
      [
        [1, 2],
        [2, 5],
        [10, 3],
      ],
      10,
    );
    expect(grid).toEqual([1, 1, 2, 2, 2, 2, 2, 10, 10, 10]);
    expect(expectedAbsoluteError(2, grid)).toBeCloseTo((2 * 1 + 3 * 8) / 10, 12);
    expect(expectedAbsoluteError(2, grid)).toBeLessThan(expectedAbsoluteError(3, grid));
    expect(expectedAbsoluteError(2, grid)).toBeLessThan(expectedAbsoluteError(1, grid));
  });
  it('bins forecasts by tenths for the calibration chart', () => {
    const bins = calibrationBins([
      { forecast: 0.05, outcome: 0.1 },
      { forecast: 0.15, outcome: 0.3 },
      { forecast: 0.19, outcome: 0.1 },
      { forecast: 1, outcome: 0.9 },
    ]);
    expect(bins).toHaveLength(10);
    expect(bins[1]).toMatchObject({ count: 2 });
    expect(bins[1]?.meanForecast).toBeCloseTo(0.17, 12);
    expect(bins[1]?.meanOutcome).toBeCloseTo(0.2, 12);
    expect(bins[9]).toMatchObject({ count: 1, meanForecast: 1, meanOutcome: 0.9 });
    expect(bins[5]).toMatchObject({ count: 0, meanForecast: null });
  });
});

const SCENARIO = `id: api-small
time: { unit: day, dt: 1, horizon: 30 }
parameters:
  war_rate: { default: 0.01, range: [0, 1] }
  ceasefire_rate: { default: 0.1, range: [0, 1] }
tracks:
  conflict:
    states: [clash, war, ceasefire]
    initial: clash
    transitions:
      - { from: clash, to: war, rate: war_rate }
      - { from: clash, to: ceasefire, rate: ceasefire_rate }
      - { from: war, to: ceasefire, rate: 0.05 }
metrics:
  war_reached: { expr: 'ever(conflict, "war")' }
  days_to_ceasefire: { expr: 'first(conflict, "ceasefire")', unit: day }
`;

describe('buildDebrief', () => {
  const scenario = loadScenarioText(SCENARIO).scenario;
  const outcomesFor = (overrides: Record<string, number>): Record<string, QuestionOutcome> => {
    const model = buildModel(scenario, overrides);
    return questionOutcomes(exercise, model, simulate(model, { seed: 3, firstTrial: 0, trials: 20_000 }));
  };
  const students: { id: string; name: string; team: string | null; forecasts: Record<string, number> }[] = [
    { id: 'a', name: 'Ana', team: 'red', forecasts: { war: 0.1, days: 7 } },
    { id: 'b', name: '=cmd|x', team: 'blue', forecasts: { war: 0.6, days: 20 } },
    { id: 'c', name: 'Cem', team: 'red', forecasts: { war: 0.25 } },
  ];
  const decided = classDecisions(exercise, [{ team: 'red', decisions: { talks: 'yes', posture: 0.2 } }]);
  const outcomes = outcomesFor(decided.overrides);
  const baseline = outcomesFor({});
  const debrief = buildDebrief(exercise, students, outcomes, baseline);

  it('scores each forecast with the engine functions, ranks students and averages teams', () => {
    const war = outcomes.war as Extract<QuestionOutcome, { kind: 'probability' }>;
    // P(war) with war_rate 0.001 and ceasefire_rate 0.2: 0.001/0.201 × (1 − e^{−0.201·30}) ≈ 0.00497.
    expect(war.p).toBeGreaterThan(0.003);
    expect(war.p).toBeLessThan(0.0075);
    const ana = debrief.students.find((s) => s.id === 'a');
    expect(ana?.forecasts[0]?.brier).toBe(expectedBrier(0.1, war.p));
    expect(ana?.brier).toBe(expectedBrier(0.1, war.p));
    expect(debrief.students.map((s) => [s.name, s.rank])).toEqual([
      ['Ana', 1],
      ['Cem', 2],
      ['=cmd|x', 3],
    ]);
    expect(debrief.teams.find((t) => t.team === 'red')?.brier).toBeCloseTo(
      (expectedBrier(0.1, war.p) + expectedBrier(0.25, war.p)) / 2,
      15,
    );
    expect(debrief.crowd[0]?.forecast).toBe(0.25);
  });

  it('shows the decisions lowering P(war) against no action, with an interval that excludes zero', () => {
    const effect = debrief.effects[0];
    // No action: 0.01/0.11 × (1 − e^{−0.11·30}) ≈ 0.0875.
    expect(effect?.noAction).toBeGreaterThan(0.08);
    expect(effect?.noAction).toBeLessThan(0.095);
    expect(effect?.difference).toBeLessThan(0);
    expect(effect?.ci95[1]).toBeLessThan(0);
    const days = outcomes.days as Extract<QuestionOutcome, { kind: 'quantity' }>;
    expect(days.grid).toHaveLength(200);
  });

  it('writes a CSV whose formula-like names are defused', () => {
    const csv = debriefCsv(exercise, debrief);
    // Cem left the days question unanswered: the note column says how it was scored.
    expect(csv.split('\n')[0]).toBe('rank,student,team,question,kind,forecast,engine_answer,brier,log_bits,abs_error,relative_error,note');
    expect(csv).toContain("'=cmd|x,Blue,war,probability,0.6,");
    expect(csv).not.toMatch(/^\d*,=/m);
  });
});
