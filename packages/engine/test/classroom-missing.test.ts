/**
 * A student who leaves questions unanswered (a seminar turn skipped) is not rewarded: a missing
 * probability counts as the uninformed 50% forecast, a missing quantity as the class's largest
 * relative error on it, and the CSV flags each such row. Values worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { buildDebrief, debriefCsv, type Exercise, ExerciseSchema, type QuestionOutcome } from '../src/classroom.ts';

const exercise: Exercise = ExerciseSchema.parse({
  scenarioId: 'api-small',
  title: 'Two questions',
  briefing: 'A clash on the border.',
  questions: [
    { kind: 'probability', id: 'easy', label: 'Easy?', metric: 'war' },
    { kind: 'probability', id: 'hard', label: 'Hard?', metric: 'truce' },
    { kind: 'quantity', id: 'deaths', label: 'Deaths', metric: 'deaths' },
  ],
  deadline: '2026-03-02T10:00:00Z',
});

const probability = (p: number): QuestionOutcome => ({ kind: 'probability', p, ci95: [p, p], n: 1000 });
/** Deaths 0, 10, 20 or 30, equally likely: E|x − Y| is 10 at the median 15, 15 at x = 0 and 25 at x = 40. */
const deaths: QuestionOutcome = {
  kind: 'quantity',
  mean: 15,
  se: 1,
  median: 15,
  quantiles: { p5: 0, p25: 0, p50: 15, p75: 30, p95: 30 } as never,
  histogram: { edges: [0, 40], counts: [4] },
  grid: [0, 10, 20, 30],
  n: 4,
};
const outcomes = { easy: probability(0), hard: probability(0.9), deaths };

describe('missing answers', () => {
  const debrief = buildDebrief(
    exercise,
    [
      { id: 'f', name: 'Full', team: null, forecasts: { easy: 0, hard: 0.9, deaths: 0 } },
      { id: 'w', name: 'Wide', team: null, forecasts: { easy: 0, hard: 0.9, deaths: 40 } },
      { id: 's', name: 'Skip', team: null, forecasts: { easy: 0 } },
    ],
    outcomes,
    outcomes,
  );
  const student = (name: string) => debrief.students.find((s) => s.name === name);

  it('scores a missing probability as 50% and a missing quantity as the class’s largest error, so skipping ranks last', () => {
    // Full: Brier (0 + 0.9·0.01 + 0.1·0.81) / 2 = 0.045; Skip: (0 + 0.25) / 2 = 0.125 (without the rule: 0, first).
    expect(student('Full')?.brier).toBeCloseTo(0.045, 12);
    expect(student('Skip')?.brier).toBeCloseTo(0.125, 12);
    expect(student('Skip')?.missing).toEqual([
      { question: 'hard', brier: 0.25, log: 1 },
      // The class's largest: Wide's 25 / 10.
      { question: 'deaths', relativeError: 2.5 },
    ]);
    expect(student('Skip')?.relativeError).toBeCloseTo(2.5, 12);
    expect(student('Full')?.missing).toEqual([]);
    expect(debrief.students.map((s) => [s.name, s.rank])).toEqual([
      ['Full', 1],
      ['Wide', 2],
      ['Skip', 3],
    ]);
  });

  it('flags the unanswered rows in the CSV with the score they count for', () => {
    const lines = debriefCsv(exercise, debrief).split('\n');
    expect(lines[0]?.endsWith(',note')).toBe(true);
    expect(lines).toContain('3,Skip,,hard,probability,,0.9,0.25,1,,,no answer: scored as a 50% forecast');
    expect(lines).toContain("3,Skip,,deaths,quantity,,15,,,,2.5,no answer: scored as the class's largest error");
  });

  it('adds no note column when everyone answered everything', () => {
    const full = buildDebrief(
      exercise,
      [{ id: 'f', name: 'Full', team: null, forecasts: { easy: 0, hard: 0.9, deaths: 0 } }],
      outcomes,
      outcomes,
    );
    expect(debriefCsv(exercise, full).split('\n')[0]).not.toContain('note');
  });
});

describe('decisions that changed nothing', () => {
  it('give each question a difference of exactly 0 with no interval, not one of noise that did not occur', () => {
    const same = buildDebrief(exercise, [{ id: 'f', name: 'Full', team: null, forecasts: { easy: 0 } }], outcomes, outcomes);
    for (const e of same.effects) expect(e).toMatchObject({ difference: 0, ci95: [0, 0], unchanged: true });
    const moved = buildDebrief(exercise, [{ id: 'f', name: 'Full', team: null, forecasts: { easy: 0 } }], outcomes, {
      ...outcomes,
      hard: probability(0.8),
    });
    const hard = moved.effects.find((e) => e.question === 'hard');
    expect(hard?.unchanged).toBeUndefined();
    expect(hard?.ci95[0]).toBeLessThan(hard!.difference);
    expect(moved.effects.find((e) => e.question === 'easy')?.unchanged).toBe(true);
  });
});

describe('questions a student could not answer', () => {
  it('are excused, not scored as skipped (a seminar turn closed before they joined)', () => {
    const late = buildDebrief(
      exercise,
      [
        { id: 'f', name: 'Full', team: null, forecasts: { easy: 0, hard: 0.9, deaths: 0 } },
        { id: 'l', name: 'Late', team: null, forecasts: { easy: 0 }, excused: ['hard', 'deaths'] },
      ],
      outcomes,
      outcomes,
    );
    const student = late.students.find((s) => s.name === 'Late');
    expect(student?.missing).toEqual([]);
    // Scored on the one question they could answer: Brier 0 (easy: 0% for an outcome of 0).
    expect(student?.brier).toBe(0);
    // And the debrief says so, so the ranks are read as not like for like.
    expect(student?.excused).toEqual(['hard', 'deaths']);
    expect(late.students.find((s) => s.name === 'Full')).not.toHaveProperty('excused');
  });
});

describe('a forecast key too long', () => {
  it('is refused in words that read: "is longer than 40 characters", not zod\'s own', async () => {
    const { SubmissionSchema } = await import('../src/classroom.ts');
    const { zodIssues } = await import('../src/scenario/zod-issues.ts');
    const body = { forecasts: { ['q'.repeat(45)]: 0.5 }, decisions: {} };
    const parsed = SubmissionSchema.safeParse(body);
    if (parsed.success) throw new Error('accepted');
    const [issue] = zodIssues(parsed.error, body, SubmissionSchema);
    expect(issue?.message).toBe(`"${'q'.repeat(45)}" is not a valid name: it is longer than 40 characters`);
  });
});
