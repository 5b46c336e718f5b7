/** Seminar exercises: turns in the schema, what each turn asks and releases, team payoffs and scores against history, against values worked by hand. */
import { describe, expect, it } from 'vitest';
import { buildDebrief, debriefCsv, type Exercise, ExerciseSchema, OUTCOME_GRID_POINTS, scoreForecast } from '../src/classroom.ts';
import { historyRows, outcomeFromSummary, releasedObservations, teamPayoffs, turnDecisions, turnExercise } from '../src/seminar.ts';
import type { MetricSummary } from '../src/summarize.ts';

const BASE = {
  scenarioId: 'api-small',
  title: 'Seminar',
  briefing: 'A clash on the border.',
  teams: [
    { id: 'red', name: 'Red', aims: 'Fewer dead.', payoff: [{ metric: 'deaths', weight: -1 }] },
    {
      id: 'blue',
      name: 'Blue',
      payoff: [
        { metric: 'war', weight: -100 },
        { metric: 'deaths', weight: -0.5 },
      ],
    },
    { id: 'grey', name: 'Grey' },
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
    { kind: 'range', id: 'posture', label: 'Posture', team: 'blue', parameter: 'ceasefire_rate', min: 0.05, max: 0.5 },
  ],
  questions: [
    { kind: 'probability', id: 'war1', label: 'War?', metric: 'war', actual: { value: 0, source: 'https://example.org/a' } },
    { kind: 'quantity', id: 'deaths2', label: 'Deaths', metric: 'deaths', actual: { value: 40, source: 'https://example.org/b' } },
    { kind: 'probability', id: 'war2', label: 'War now?', metric: 'war' },
  ],
  turns: [
    { id: 'one', title: 'Night', briefing: 'Shots.', questions: ['war1'], levers: ['talks'] },
    {
      id: 'two',
      title: 'Morning',
      briefing: 'Talks failed.',
      observations: [{ at: 9, track: 'conflict', state: 'clash' }],
      asOf: 10,
      questions: ['deaths2', 'war2'],
      levers: ['posture'],
    },
  ],
  deadline: '2030-01-01T00:00:00Z',
};
const exercise: Exercise = ExerciseSchema.parse(BASE);

/** The schema's messages for a definition, by path. */
function issues(input: unknown): Record<string, string> {
  const parsed = ExerciseSchema.safeParse(input);
  return parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.'), i.message]));
}

describe('seminar definitions', () => {
  it('accepts turns, aims, payoffs and recorded outcomes; an exercise without turns is unchanged', () => {
    expect(exercise.turns?.map((t) => t.id)).toEqual(['one', 'two']);
    expect(exercise.turns?.[0]?.observations).toEqual([]);
    const { turns: _turns, ...single } = BASE;
    expect(ExerciseSchema.parse(single).turns).toBeUndefined();
  });

  it('refuses a question or lever in no turn, in two turns, or unknown, and a turn that asks nothing, naming the place', () => {
    const turns = (one: object, two: object) => ({
      ...BASE,
      turns: [
        { ...BASE.turns[0], ...one },
        { ...BASE.turns[1], ...two },
      ],
    });
    expect(issues(turns({ questions: [] }, {}))).toMatchObject({
      'questions.0': expect.stringContaining('"war1" is in no turn'),
      'turns.0.questions': 'every turn asks at least one question',
    });
    expect(issues(turns({ questions: ['war1', 'war2'] }, {}))['turns.1.questions.1']).toMatch(/already in turn "one"/);
    expect(issues(turns({ levers: ['talks', 'nope'] }, {}))['turns.0.levers.1']).toBe('no lever "nope" in this exercise');
    expect(issues({ ...BASE, turns: [BASE.turns[0]] })).toHaveProperty('turns');
  });

  it('refuses a recorded outcome without an https source, or a yes/no outcome other than 0 or 1', () => {
    const q = (actual: object) => ({ ...BASE, questions: [{ ...BASE.questions[0], actual }, ...BASE.questions.slice(1)] });
    expect(issues(q({ value: 0, source: 'http://example.org' }))['questions.0.actual.source']).toMatch(/https/);
    expect(issues(q({ value: 0.5, source: 'https://example.org' }))['questions.0.actual.value']).toMatch(/happened \(1\) or did not \(0\)/);
    expect(issues({ ...BASE, teams: [{ id: 'red', name: 'Red', payoff: [{ metric: 'war', weight: 0 }] }] })).toHaveProperty(
      'teams.0.payoff.0.weight',
    );
  });
});

describe('turns', () => {
  it('each turn asks only its own questions and levers', () => {
    expect(turnExercise(exercise, 0).questions.map((q) => q.id)).toEqual(['war1']);
    expect(turnExercise(exercise, 1).levers.map((l) => l.id)).toEqual(['posture']);
    const { turns: _turns, ...single } = BASE;
    const one = ExerciseSchema.parse(single);
    expect(turnExercise(one, 0)).toBe(one);
  });

  it('releases the observations of every turn up to this one, with the last turn’s as-of time', () => {
    expect(releasedObservations(exercise, 0)).toBeUndefined();
    expect(JSON.parse(releasedObservations(exercise, 1) ?? '')).toEqual({
      kind: 'observations',
      as_of: 10,
      observations: [{ at: 9, track: 'conflict', state: 'clash' }],
    });
  });

  it('keeps earlier turns’ overrides in force under this turn’s decisions', () => {
    const decided = turnDecisions(exercise, 1, [{ team: 'blue', decisions: { posture: 0.2 } }], { war_rate: 0.001, ceasefire_rate: 0.1 });
    expect(decided.overrides).toEqual({ war_rate: 0.001, ceasefire_rate: 0.2 });
    expect(decided.decisions.map((d) => d.lever)).toEqual(['posture']);
  });
});

describe('outcomes from a finished run summary', () => {
  const summary = (over: Partial<MetricSummary>): MetricSummary => ({
    n: 100,
    mean: 0,
    sd: 0,
    se: 0.5,
    ci95: [0, 0],
    min: 0,
    max: 0,
    quantiles: { p1: 0, p5: 0, p10: 0, p25: 0, p50: 15, p75: 0, p90: 0, p95: 0, p99: 0 },
    histogram: { edges: [0, 10, 20, 30], counts: [25, 50, 25] },
    quantileMethod: 'exact',
    ...over,
  });

  it("scores a quantity on the update's grid of it, not on the summary's histogram, and needs one", () => {
    const grid = Array.from({ length: OUTCOME_GRID_POINTS }, (_, i) => (i < 180 ? 0 : i));
    const o = outcomeFromSummary(BASE.questions[1] as never, summary({}), grid);
    if (o.kind !== 'quantity') throw new Error('a quantity');
    expect(o.grid).toEqual(grid);
    expect(() => outcomeFromSummary(BASE.questions[1] as never, summary({}))).toThrow(/needs the distribution/);
  });

  it('refuses a probability question on a metric that is not yes/no', () => {
    expect(() => outcomeFromSummary(BASE.questions[0] as never, summary({}))).toThrow(/not a yes\/no/);
    const o = outcomeFromSummary(BASE.questions[0] as never, summary({ probability: { p: 0.3, ci95: [0.2, 0.4] } }));
    expect(o).toMatchObject({ kind: 'probability', p: 0.3, n: 100 });
  });

  it("counts a conditioned turn's trials as its effective sample size, so the decision effect's interval is as wide as they are worth", () => {
    const o = outcomeFromSummary(BASE.questions[0] as never, summary({ effectiveN: 23.5, probability: { p: 0.3, ci95: [0.1, 0.5] } }));
    expect(o).toMatchObject({ kind: 'probability', n: 23.5 });
    expect(outcomeFromSummary(BASE.questions[1] as never, summary({ effectiveN: 40 }), [1, 2])).toMatchObject({ kind: 'quantity', n: 40 });
  });
});

describe('payoffs and history', () => {
  it('sums each team’s weighted metric means with the decisions and without; teams with no payoff are left out', () => {
    const payoffs = teamPayoffs(exercise.teams, { war: 0.2, deaths: 60 }, { war: 0.1, deaths: 40 });
    expect(payoffs.map((p) => p.team)).toEqual(['red', 'blue']);
    expect(payoffs[0]).toMatchObject({ aims: 'Fewer dead.', withDecisions: -60, noAction: -40, difference: -20 });
    expect(payoffs[1]?.withDecisions).toBeCloseTo(-100 * 0.2 - 0.5 * 60, 12);
    expect(payoffs[1]?.noAction).toBeCloseTo(-100 * 0.1 - 0.5 * 40, 12);
    expect(() => teamPayoffs(exercise.teams, { war: 0.2 }, { war: 0.1 })).toThrow(/no metric "deaths"/);
  });

  it('scores the engine, the class median and each forecast against what happened', () => {
    const outcomes = {
      war1: { kind: 'probability' as const, p: 0.3, ci95: [0.2, 0.4] as [number, number], n: 100 },
      deaths2: outcomeFromSummary(
        BASE.questions[1] as never,
        {
          n: 4,
          mean: 25,
          sd: 0,
          se: 0,
          ci95: [0, 0],
          min: 0,
          max: 0,
          quantiles: { p1: 0, p5: 0, p10: 0, p25: 0, p50: 25, p75: 0, p90: 0, p95: 0, p99: 0 },
          histogram: { edges: [20, 30], counts: [4] },
          quantileMethod: 'exact',
        },
        [25, 25, 25, 25],
      ),
    };
    const rows = historyRows(exercise, outcomes, { war1: 0.1 });
    expect(rows.map((r) => r.question)).toEqual(['war1', 'deaths2']);
    expect(rows[0]).toMatchObject({ actual: 0, engine: 0.3, classMedian: 0.1, source: 'https://example.org/a' });
    expect(rows[0]?.engineScore).toBeCloseTo(0.09, 15);
    expect(rows[0]?.classScore).toBeCloseTo(0.01, 15);
    expect(rows[1]).toMatchObject({ engine: 25, engineScore: 15, classMedian: null, classScore: null });
    const war = exercise.questions[0];
    if (!war) throw new Error('a question');
    expect(scoreForecast(war, 0.8, outcomes.war1)).toMatchObject({ actual: 0, actualBrier: 0.6400000000000001 });
    const plain = exercise.questions[2];
    if (!plain) throw new Error('a question');
    expect(scoreForecast(plain, 0.8, outcomes.war1)).not.toHaveProperty('actual');
  });

  it('adds the columns for what happened to the CSV only when a question records it', () => {
    const p = (x: number) => ({ kind: 'probability' as const, p: x, ci95: [x, x] as [number, number], n: 10 });
    const q = (grid: number[]) => ({
      kind: 'quantity' as const,
      mean: 30,
      se: 1,
      median: 30,
      quantiles: { p1: 0, p5: 0, p10: 0, p25: 0, p50: 30, p75: 0, p90: 0, p95: 0, p99: 0 },
      histogram: { edges: [], counts: [] },
      grid,
      n: 10,
    });
    const outcomes = { war1: p(0.3), deaths2: q([20, 40]), war2: p(0.5) };
    const students = [{ id: 's', name: 'Ana', team: 'red', forecasts: { war1: 0.2, deaths2: 50, war2: 0.5 } }];
    const csv = debriefCsv(exercise, buildDebrief(exercise, students, outcomes, outcomes)).split('\n');
    expect(csv[0]?.endsWith(',relative_error,actual,actual_brier,actual_abs_error')).toBe(true);
    const cells = (question: string) => csv.find((l) => l.includes(`,${question},`))?.split(',') ?? [];
    expect(cells('war1').slice(-3)).toEqual(['0', String(0.2 ** 2), '']);
    expect(cells('deaths2').slice(-3)).toEqual(['40', '', '10']);
    expect(cells('war2').slice(-3)).toEqual(['', '', '']);
  });
});
