/** The backtest module: the episode file's schema and its located problems, and the scoring of forecasts against episodes. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  backtestReport,
  type EpisodeRun,
  missesOf,
  ordinal,
  readEpisodes,
  runSpecs,
  scoreCount,
  scoredEpisodes,
  scoreEpisode,
  scoreEvent,
} from '../src/backtest/index.ts';
import { GeoriskError, type Issue } from '../src/errors.ts';
import { buildModel, loadScenarioText, simulate } from '../src/index.ts';

const EPISODES = new URL('../../../scenarios/backtest/episodes.yaml', import.meta.url);

function problems(text: string): Issue[] {
  try {
    readEpisodes(text, 'episodes.yaml');
  } catch (error) {
    if (error instanceof GeoriskError) return error.issues;
    throw error;
  }
  throw new Error('the episode file was accepted');
}

describe('readEpisodes', () => {
  it('reads the library episode file: eight episodes, five with a scenario, defaults filled in', () => {
    const { episodes: file } = readEpisodes(readFileSync(EPISODES, 'utf8'), 'episodes.yaml');
    expect(file.episodes).toHaveLength(8);
    expect(scoredEpisodes(file).map((e) => e.id)).toEqual([
      'four-day-war-2016',
      'nagorno-karabakh-2020',
      'armenia-azerbaijan-2022',
      'karabakh-2023',
      'kyrgyz-tajik-2022',
    ]);
    expect(file.questions.war).toEqual({
      kind: 'event',
      label: 'full-scale war',
      scale: 'linear',
      description: 'The fighting escalated into a full-scale war (n/a when it began as one)',
    });
    const e2022 = file.episodes.find((e) => e.id === 'armenia-azerbaijan-2022');
    expect(runSpecs(e2022 ?? file.episodes[0]!).map((r) => r.label)).toEqual(['model', 'reconstruction (fitted to 2022)']);
  });

  it('points every problem at its line and column, with a fix', () => {
    const issues = problems(
      [
        'kind: backtest-episodes',
        'questions: { war: { kind: event }, days: { kind: count } }',
        'episodes:',
        '  - { id: x, observed: { war: 2, dayz: 1 } }',
        '  - { id: x, scenario: s.yaml, observed: {}, forecast: { days: { metric: d, at_most: 3 } } }',
        '  - { id: y, scenario: s.yaml, observed: {} }',
      ].join('\n'),
    );
    expect(issues.map((i) => [i.path, i.line, i.column, i.message])).toEqual([
      ['episodes[0].observed.war', 4, 31, 'an event is 0, 1 or null, got 2'],
      ['episodes[0].observed.dayz', 4, 40, 'unknown question, got 1'],
      ['episodes[1].id', 5, 11, '"x" is used twice'],
      ['episodes[1].forecast.days.at_most', 5, 86, 'only an event question reads a threshold, got 3'],
      ['episodes[2].forecast', 6, 5, 'an episode with a scenario needs forecasts'],
    ]);
    expect(issues.every((i) => i.file === 'episodes.yaml' && i.hint !== undefined)).toBe(true);
    expect(issues[1]?.hint).toBe('known questions: war, days');
  });

  it('refuses a document of another kind and a wrong question kind, with zod issues in the scenario words', () => {
    const issues = problems('kind: scenario\nquestions: { war: { kind: evnt } }\nepisodes: []\n');
    expect(issues.map((i) => [i.path, i.line, i.hint])).toEqual([
      ['kind', 1, 'write one of: backtest-episodes'],
      ['questions.war.kind', 2, 'did you mean "event"?'],
      ['episodes', 3, undefined],
    ]);
  });
});

describe('scoring', () => {
  it('scores events by Brier and log score, counts by CRPS with a mid-PIT', () => {
    expect(scoreEvent(0.8, 1, 0.001)).toEqual({ p: 0.8, brier: (0.8 - 1) ** 2, log: -Math.log2(0.8) });
    const count = scoreCount(
      [
        [0, 2],
        [1, 1],
        [3, 1],
      ],
      1,
      'linear',
    );
    expect(count).toMatchObject({ median: 0, p5: 0, p95: 3, pit: (2 + 0.5) / 4 });
    // E|X − 1| − E|X − X'| / 2 = 1 − 1.25 / 2 for weights ½, ¼, ¼ at 0, 1, 3.
    expect(count.crps).toBeCloseTo(0.375, 12);
  });

  it('scores an episode against its runs and the other episodes, and summarises it', () => {
    const { episodes: file } = readEpisodes(
      [
        'kind: backtest-episodes',
        'questions: { war: { kind: event } }',
        'episodes:',
        '  - { id: a, scenario: a.yaml, observed: { war: 1 }, forecast: { war: war_reached } }',
        '  - { id: b, observed: { war: 0 } }',
        '  - { id: c, observed: { war: 1 } }',
      ].join('\n'),
    );
    const { scenario } = loadScenarioText(
      [
        'id: a',
        'time: { unit: day, dt: 1, horizon: 1 }',
        'parameters: { p_war: { default: 0.25 } }',
        'tracks:',
        '  conflict: { states: [calm, war], initial: calm, transitions: [{ from: calm, to: war, probability: p_war }] }',
        'metrics: { war_reached: { expr: \'ever(conflict, "war")\' } }',
      ].join('\n'),
    );
    const episode = file.episodes[0]!;
    const runs: EpisodeRun[] = runSpecs(episode).map((spec) => {
      const model = buildModel(scenario, spec.set);
      return { spec, model, summary: simulate(model, { seed: 1, firstTrial: 0, trials: 4000 }) };
    });
    const scored = scoreEpisode(file, episode, runs, { clip: 0.001, scenario: 'a.yaml' });
    const outcome = scored.outcomes[0];
    expect(outcome?.forecasts.model?.p).toBeCloseTo(0.25, 1);
    // The base rate of the two other episodes, one of which saw war: (1 + 0.5) / (2 + 1).
    expect(outcome?.baseline).toMatchObject({ p: 0.5, basedOn: 2 });
    expect(outcome?.misses).toEqual([expect.stringMatching(/worse than the base rate/)]);
    const report = backtestReport(file, [scored], { episodesFile: 'e.yaml', seed: 1, trials: 4000, logScoreClip: 0.001 });
    expect(report.summary.map((r) => [r.question, r.score, r.n])).toEqual([
      ['war', 'brier', 1],
      ['war', 'log', 1],
      ['all_events', 'brier', 1],
      ['all_events', 'log', 1],
    ]);
  });
});

describe('misses in words', () => {
  it('writes ordinals as English does, and says past which end a share beyond the rounding lies', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 83, 92, 111].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '83rd',
      '92nd',
      '111th',
    ]);
    const question = { kind: 'count' as const, label: 'deaths', scale: 'linear' as const };
    const miss = (pit: number) => missesOf(question, 5, { pit, p5: 1, p95: 4 }, {})[0];
    expect(miss(0.999)).toBe('the observed 5 lies above the 90% interval (1–4; it is above the 99th percentile)');
    expect(miss(0.92)).toBe('the observed 5 is in the upper tail (92nd percentile)');
  });
});
