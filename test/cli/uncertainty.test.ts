/**
 * `georisk run --uncertainty N`: the band as a table and JSON, the same numbers for any worker
 * count, and every bad input refused with its path and a fix, exit 1 or 2, and nothing written.
 * `georisk validate` warns on a parameter that says nothing of where it comes from.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { MAX_EXACT_DRAWS } from '../../packages/engine/src/index.ts';
import { runCli, type Scratch, scratchDir, stackLines, withoutTiming } from '../helpers/cli.ts';
import { PARAMETER_SCENARIO, positionOf } from '../helpers/scenarios.ts';

/** PARAMETER_SCENARIO with a second, unsourced parameter and a prior that leaves its range. */
const BAD_PRIOR = PARAMETER_SCENARIO.replace(
  '  war_rate: { default: 0.01, range: [0, 1], unit: per day, assumption: a round number for tests }',
  `  war_rate: { default: 0.01, range: [0, 1], unit: per day, assumption: a round number for tests, uncertainty: { dist: uniform, min: 0, max: 2 } }
  mystery: { default: 0.1, range: [0, 1] }`,
);
/** PARAMETER_SCENARIO with a second parameter that says nothing of where its value comes from. */
const NO_PROVENANCE = PARAMETER_SCENARIO.replace(
  '  war_rate: { default: 0.01, range: [0, 1], unit: per day, assumption: a round number for tests }',
  `  war_rate: { default: 0.01, range: [0, 1], unit: per day, assumption: a round number for tests }
  mystery: { default: 0.1, range: [0, 1] }`,
);
const NO_SAMPLER = PARAMETER_SCENARIO.replace('assumption: a round number for tests', 'uncertainty: { dist: pert, min: 0, max: 1 }');

let scratch: Scratch;
let good: string;
let badPrior: string;
let noSampler: string;
let noProvenance: string;

beforeAll(() => {
  scratch = scratchDir();
  good = scratch.write('parameter.yaml', PARAMETER_SCENARIO);
  badPrior = scratch.write('bad-prior.yaml', BAD_PRIOR);
  noSampler = scratch.write('no-sampler.yaml', NO_SAMPLER);
  noProvenance = scratch.write('no-provenance.yaml', NO_PROVENANCE);
});
afterAll(() => scratch.remove());

describe.concurrent('georisk run --uncertainty', () => {
  it('prints the band per metric, solved exactly for a Markov chain, with the uncertain parameters', async ({ expect }) => {
    const r = await runCli(['run', good, '--uncertainty', '50', '--workers', '1']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('50 parameter draws (Latin hypercube) each solved exactly');
    expect(r.stdout).toMatch(/^war_reached\s+\S+% ± \S+%\s+\S+% – \S+%\s+\S+% : \S+%\s+war_rate/m);
    expect(r.stdout).toContain('uncertain (1): war_rate');
    const one = await runCli(['run', good, '--uncertainty', '20', '--metrics', 'days_to_ceasefire', '--format', 'json', '--workers', '1']);
    expect(Object.keys(JSON.parse(one.stdout).metrics)).toEqual(['days_to_ceasefire']);
  });

  it('gives the same JSON on 1 and on 2 workers, and lists what --set fixed', async ({ expect }) => {
    const args = ['run', good, '--uncertainty', '40', '--method', 'sample', '--trials-per-draw', '6000', '--format', 'json'];
    const [one, two] = await Promise.all([runCli([...args, '--workers', '1']), runCli([...args, '--workers', '2'])]);
    expect(one.status).toBe(0);
    expect(two.status).toBe(0);
    expect(withoutTiming(two.stdout)).toEqual(withoutTiming(one.stdout));
    const result = JSON.parse(one.stdout);
    expect(result.method).toBe('sample');
    expect(result.metrics.war_reached.band.p5).toBeLessThan(result.metrics.war_reached.band.p95);
    const fixed = await runCli(['run', good, '--uncertainty', '10', '--set', 'war_rate=0.02', '--format', 'json']);
    expect(fixed.status).toBe(2);
    expect(fixed.stderr).toContain('no parameter is uncertain');
  });

  it('refuses --uncertainty 0 and a huge N over the budget with exit 2, writing nothing', async ({ expect }) => {
    const out = scratch.path('band.json');
    const zero = await runCli(['run', good, '--uncertainty', '0', '--out', out]);
    expect(zero.status).toBe(2);
    expect(zero.stderr).toContain('--uncertainty must be a whole number >= 2, got "0"');
    const huge = await runCli(['run', good, '--uncertainty', '90000', '--method', 'sample', '--trials-per-draw', '100000', '--out', out]);
    expect(huge.status).toBe(2);
    expect(huge.stderr).toMatch(/--uncertainty: error \[budget_exceeded\] 90000 draws × 100000 trials × 30 steps/);
    expect(huge.stderr).toContain(
      'hint: use at most 3333 draws (--uncertainty) or fewer trials per draw (--trials-per-draw), or raise --budget',
    );
    // One draw's trials over --budget: named by their flag, with what fits under the budget given.
    const band = ['run', good, '--uncertainty', '4', '--method', 'sample'];
    const perDraw = await runCli([...band, '--trials-per-draw', '1000', '--budget', '20000', '--out', out]);
    expect(perDraw.status).toBe(2);
    expect(perDraw.stderr).toContain(
      '--trials-per-draw: error [budget_exceeded] 1000 trials × 30 steps = 3.00e+4 trial-steps exceeds the budget of 2.00e+4\n  hint: use at most 666 trials (--trials-per-draw) or a larger dt, or raise --budget',
    );
    const many = await runCli(['run', good, '--uncertainty', '1000000', '--out', out]);
    expect(many.status).toBe(2);
    expect(many.stderr).toContain('--uncertainty: error [bad_run_options] at most 100000 parameter draws');
    for (const r of [zero, huge, perDraw, many]) expect(stackLines(r.stderr)).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses, before any work, a flag the chosen mode would ignore: band flags without --uncertainty, plain-run flags with it', async ({
    expect,
  }) => {
    const out = scratch.path('ignored.json');
    const cases: [string[], string][] = [
      [['--design', 'sobol'], '--design is for an uncertainty run: add --uncertainty N (draws), or leave it out'],
      [['--trials-per-draw', '50'], '--trials-per-draw is for an uncertainty run'],
      [['--method', 'exact'], '--method is for an uncertainty run'],
      [['--metrics', 'war_reached'], '--metrics is for an uncertainty run'],
      [['--exact-draws', '4'], '--exact-draws is for --exact: add --exact, or leave it out'],
      [['--exact', '--exact-draws', '1'], '--exact-draws must be 0 (none) or at least 2'],
      [
        ['--uncertainty', '4', '-n', '50'],
        '--trials is for a plain run: with --uncertainty N, give the trials of each sampled draw as --trials-per-draw',
      ],
      [['--uncertainty', '4', '--exact'], '--exact is for a plain run: with --uncertainty N, --method exact solves each draw exactly'],
      [['--uncertainty', '4', '--step-only'], '--step-only is for a plain run'],
      [['--uncertainty', '4', '--exact-draws', '3'], '--exact-draws is for a plain run with --exact'],
    ];
    const results = await Promise.all(cases.map(([flags]) => runCli(['run', good, ...flags, '--workers', '1', '--out', out])));
    results.forEach((r, i) => {
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(`georisk: ${cases[i]?.[1]}`);
      expect(stackLines(r.stderr)).toEqual([]);
    });
    expect(existsSync(out)).toBe(false);
    // The defaults themselves are no flag given: a plain run and a band still run with them.
    const [plain, band] = await Promise.all([
      runCli(['run', good, '--trials', '50', '--exact', '--exact-draws', '0', '--workers', '1']),
      runCli(['run', good, '--uncertainty', '4', '--design', 'lhs', '--method', 'sample', '--trials-per-draw', '20', '--workers', '1']),
    ]);
    expect(plain.status, plain.stderr).toBe(0);
    expect(band.status, band.stderr).toBe(0);
  });

  it('refuses --exact-draws above the exact draws a band may solve (MAX_EXACT_DRAWS), before any trial, writing nothing', async ({
    expect,
  }) => {
    const out = scratch.path('exact-draws.json');
    const r = await runCli(['run', good, '--exact', '--exact-draws', String(MAX_EXACT_DRAWS * 5), '--workers', '1', '--out', out]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toBe(
      `georisk: --exact-draws must be at most ${MAX_EXACT_DRAWS} (each draw is a full exact analysis), got ${MAX_EXACT_DRAWS * 5}: use at most ${MAX_EXACT_DRAWS}, such as the default 32\n`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a prior outside its range with exit 1, its line and a fix, writing nothing', async ({ expect }) => {
    const out = scratch.path('prior.json');
    const r = await runCli(['run', badPrior, '--uncertainty', '20', '--out', out]);
    expect(r.status).toBe(1);
    const at = positionOf(BAD_PRIOR, '{ dist: uniform');
    expect(r.stderr).toContain(
      `${badPrior}:${at.line}:${at.column} parameters.war_rate.uncertainty: error [bad_prior] the prior of "war_rate" lies outside its range [0, 1]: its support [0, 2]`,
    );
    expect(r.stderr).toContain('widen the range');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a distribution the sampler lacks with exit 1 and the list it has', async ({ expect }) => {
    const r = await runCli(['run', noSampler, '--uncertainty', '20']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /parameters\.war_rate\.uncertainty\.dist: error \[invalid_value\] the text "pert" is not one of uniform, triangular/,
    );
    expect(stackLines(r.stderr)).toEqual([]);
  });
});

describe.concurrent('georisk validate and provenance', () => {
  it('refuses a prior outside its range in validate and in a plain run too (a plain run draws it every trial)', async ({ expect }) => {
    const at = positionOf(BAD_PRIOR, '{ dist: uniform');
    for (const args of [
      ['validate', badPrior],
      ['run', badPrior, '--trials', '200'],
    ]) {
      const r = await runCli(args);
      expect(r.status).toBe(1);
      expect(`${r.stdout}${r.stderr}`).toContain(
        `${badPrior}:${at.line}:${at.column} parameters.war_rate.uncertainty: error [bad_prior] the prior of "war_rate" lies outside its range [0, 1]`,
      );
      expect(stackLines(r.stderr)).toEqual([]);
    }
  });

  it('warns on a parameter without provenance, with its line', async ({ expect }) => {
    const r = await runCli(['validate', noProvenance]);
    expect(r.status).toBe(0);
    const at = positionOf(NO_PROVENANCE, '{ default: 0.1, range: [0, 1] }');
    expect(r.stdout).toContain(`ok  ${noProvenance} (1 warning)`);
    expect(r.stdout).toContain(
      `${noProvenance}:${at.line}:${at.column} parameters.mystery: warning [missing_provenance] "mystery" says neither where its value comes from`,
    );
  });
});
