/**
 * `georisk backtest` end to end, on small trial counts: the real CLI, the real episode file and
 * the real library. The numbers are checked for shape and sense (scores finite and in range, the
 * baseline leave-one-out, the same seed giving the same JSON), not pinned: the library tests pin
 * the scenarios, and the scoring tests pin the arithmetic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type Scratch, scratchDir, stackLines } from '../helpers/cli.ts';

const TRIALS = '300';

interface Forecast {
  p?: number;
  brier?: number;
  log?: number;
  crps?: number;
  median?: number;
  pit?: number;
}
interface Outcome {
  question: string;
  kind: 'event' | 'count';
  observed: number;
  forecasts: Record<string, Forecast>;
  baseline: Forecast & { basedOn: number };
  misses: string[];
}
interface Report {
  seed: number;
  trials: number;
  episodes: { id: string; scenarioHash: string; runs: { label: string; scenario?: string; overrides: object }[]; outcomes: Outcome[] }[];
  referenceClass: { id: string }[];
  summary: { question: string; score: string; n: number; model: number; baseline: number; skill: number }[];
}

let json: { status: number | null; stdout: string; stderr: string };
let report: Report;
let scratch: Scratch;

beforeAll(async () => {
  scratch = scratchDir('georisk-backtest-');
  json = await runCli(['backtest', '--trials', TRIALS, '--workers', '1', '--format', 'json']);
  report = JSON.parse(json.stdout) as Report;
});
afterAll(() => scratch.remove());

describe('georisk backtest --format json', () => {
  it('scores the five episodes with scenarios against a reference class of eight', () => {
    expect(json.status).toBe(0);
    expect(report.trials).toBe(300);
    expect(report.episodes.map((e) => e.id)).toEqual([
      'four-day-war-2016',
      'nagorno-karabakh-2020',
      'armenia-azerbaijan-2022',
      'karabakh-2023',
      'kyrgyz-tajik-2022',
    ]);
    expect(report.referenceClass).toHaveLength(8);
  });

  it('reports the 2022 forecasts against the 2022 outcome: ~44 h, 207 and 80 deaths, no CSTO troops, no pipeline disruption', () => {
    const e2022 = report.episodes.find((e) => e.id === 'armenia-azerbaijan-2022');
    const observed = Object.fromEntries((e2022?.outcomes ?? []).map((o) => [o.question, o.observed]));
    expect(observed).toMatchObject({ fighting_days: 1.83, side_a_deaths: 207, side_b_deaths: 80, csto_troops: 0, pipeline_disruption: 0 });
    // The scenario forecasts without hindsight; the reconstruction fitted to 2022 is scored beside it, labelled.
    expect(e2022?.runs.map((r) => r.label)).toEqual(['model', 'reconstruction (fitted to 2022)']);
    // The reconstruction is its own file, not overrides of the forecast outside the forecast's ranges.
    expect(e2022?.runs[1]).toMatchObject({ scenario: '../reconstruction/armenia-azerbaijan-2022-reconstruction.yaml', overrides: {} });
    expect(json.stderr).not.toContain('bad_override');
    const deaths = e2022?.outcomes.find((o) => o.question === 'side_a_deaths');
    for (const f of [deaths?.forecasts.model, deaths?.forecasts['reconstruction (fitted to 2022)']]) {
      expect(f?.pit).toBeGreaterThanOrEqual(0);
      expect(f?.pit).toBeLessThanOrEqual(1);
    }
  });

  it('gives every outcome finite scores in range, from every run and the baseline', () => {
    for (const e of report.episodes) {
      for (const o of e.outcomes) {
        for (const f of [...Object.values(o.forecasts), o.baseline]) {
          if (o.kind === 'event') {
            expect(f.p).toBeGreaterThanOrEqual(0);
            expect(f.p).toBeLessThanOrEqual(1);
            expect(f.brier).toBeCloseTo((f.p! - o.observed) ** 2, 12);
            expect(f.log).toBeGreaterThan(0);
            expect(f.log).toBeLessThanOrEqual(Math.log2(1000) + 1e-9);
          } else {
            expect(Number.isFinite(f.crps)).toBe(true);
            expect(f.crps).toBeGreaterThanOrEqual(0);
          }
        }
      }
    }
  });

  it('takes the base rate from the other episodes only (leave-one-out)', () => {
    const war2016 = report.episodes.find((e) => e.id === 'four-day-war-2016')?.outcomes.find((o) => o.question === 'war');
    // The other episodes where escalation to war is a question: 6, none escalated → (0 + 0.5) / 7.
    expect(war2016?.baseline.basedOn).toBe(6);
    expect(war2016?.baseline.p).toBeCloseTo(0.5 / 7, 12);
    const ceasefire2020 = report.episodes
      .find((e) => e.id === 'nagorno-karabakh-2020')
      ?.outcomes.find((o) => o.question === 'ceasefire_within_7_days');
    // Six others have a truce question and all six had a truce within a week → 6.5 / 7.
    expect(ceasefire2020?.baseline.p).toBeCloseTo(6.5 / 7, 12);
  });

  it('summarises every question with a skill against the base rate', () => {
    const events = report.summary.find((r) => r.question === 'all_events' && r.score === 'brier');
    expect(events?.n).toBeGreaterThan(15);
    for (const r of report.summary) expect(r.skill).toBeCloseTo(1 - r.model / r.baseline, 12);
  });
});

describe('georisk backtest', () => {
  it('prints a table with each episode, its misses and the summary', async () => {
    const r = await runCli(['backtest', '--trials', TRIALS, '--workers', '1', '--episode', 'armenia-azerbaijan-2022']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('armenia-azerbaijan-2022');
    expect(r.stdout).not.toContain('four-day-war-2016:');
    expect(r.stdout).toMatch(/reconstruction \(fitted to 2022\)/);
    expect(r.stdout).toMatch(/summary: mean score/);
    expect(r.stdout).toMatch(/miss · |no misses flagged/);
    expect(stackLines(r.stderr)).toEqual([]);
  });

  it('gives the same numbers for the same seed in a fresh process, on any number of workers', async () => {
    for (const id of ['karabakh-2023', 'armenia-azerbaijan-2022']) {
      const again = await runCli(['backtest', '--trials', TRIALS, '--workers', '2', '--format', 'json', '--episode', id]);
      const mine = report.episodes.find((e) => e.id === id);
      expect((JSON.parse(again.stdout) as Report).episodes[0]).toEqual(mine);
    }
  });

  it('refuses an unknown episode with exit 2, and a broken or empty episode file with exit 1 at file:line:column, as validate does', async () => {
    const unknown = await runCli(['backtest', '--trials', '10', '--episode', 'no-such-war']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/no episode with a scenario called no-such-war/);
    const bad = scratch.write(
      'bad.yaml',
      'kind: backtest-episodes\nquestions: { war: { kind: event } }\nepisodes:\n  - { id: x, observed: { war: 2 } }\n',
    );
    const broken = await runCli(['backtest', bad, '--trials', '10']);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/bad\.yaml:4:\d+ episodes\[0\]\.observed\.war: error \[invalid_value\] an event is 0, 1 or null/);
    expect(stackLines(broken.stderr)).toEqual([]);
    const empty = await runCli(['backtest', scratch.write('empty.yaml', ''), '--trials', '10']);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toMatch(
      /empty\.yaml: error \[invalid_type\] the episode file is empty\n {2}hint: .*see scenarios\/backtest\/episodes\.yaml\n$/,
    );
  });

  it('finds its default episode file from any folder', async () => {
    const r = await runCli(['backtest', '--trials', '10', '--workers', '1', '--episode', 'kyrgyz-tajik-2022', '--format', 'json'], {
      cwd: scratch.dir,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as Report).episodes.map((e) => e.id)).toEqual(['kyrgyz-tajik-2022']);
  });
});
