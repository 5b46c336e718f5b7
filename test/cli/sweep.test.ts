/**
 * `georisk sweep`, `sensitivity` and `discover` as a user runs them: the same bytes for 1 and 2
 * workers, a killed sweep resumed to a byte-identical file, and bad input refused with a clear
 * message and no file that looks complete.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, type Scratch, scratchDir, stackLines } from '../helpers/cli.ts';
import { RUNTIME_FAILING_SCENARIO, SWEEP_SCENARIO } from '../helpers/scenarios.ts';

/** The 2022 scenario: slow enough per point that a sweep can be interrupted part-way. */
const SLOW = 'scenarios/armenia-azerbaijan-2022.yaml';
const SLOW_ARGS = [
  '--vary',
  'war_attempt_rate=0.002:0.008:6',
  '--vary',
  'p_hold_war=0.1:0.5:6',
  '--trials',
  '1000',
  '--metrics',
  'war_reached,total_fatalities',
];

let dir: Scratch;
let file: string;

beforeAll(() => {
  dir = scratchDir('georisk-sweep-');
  file = dir.write('s.yaml', SWEEP_SCENARIO);
});
afterAll(() => dir.remove());

describe('georisk sweep', () => {
  it('prints the same bytes on 1 and 2 workers (several chunks per point)', async () => {
    const args = ['sweep', file, '--vary', 'war_rate=0:0.1:3', '--vary', 'ceasefire_rate=0.05:0.5:4', '--trials', '20000'];
    const [one, two] = await Promise.all([runCli([...args, '--workers', '1']), runCli([...args, '--workers', '2'])]);
    expect(one.status, one.stderr).toBe(0);
    expect(two.status, two.stderr).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const lines = one.stdout.trim().split('\n');
    expect(lines.length).toBe(1 + 12);
    expect(lines[0]?.startsWith('point,war_rate,ceasefire_rate,war_reached.mean,war_reached.se,')).toBe(true);
    expect(lines[1]?.startsWith('0,0,0.05,0,0,')).toBe(true);
    expect(one.stderr).toBe('');
  });

  it('warns on stderr when a grid n is not used for a switch or choice, and prints the same rows as without it', async () => {
    const levelled = dir.write(
      'levels.yaml',
      `${SWEEP_SCENARIO.replace('parameters:\n', 'parameters:\n  surge: { default: 0, kind: switch }\n  fronts: { default: 2, choices: [1, 2, 3, 4] }\n')}`,
    );
    const sweep = (...vary: string[]) =>
      runCli(['sweep', levelled, ...vary.flatMap((v) => ['--vary', v]), '--trials', '200', '--metrics', 'war_reached']);
    const [three, two, none, choice] = await Promise.all([
      sweep('surge=0:1:3'),
      sweep('surge=0:1:2'),
      sweep('surge=0:1'),
      sweep('fronts=2:4:2'),
    ]);
    expect(three.status, three.stderr).toBe(0);
    expect(three.stderr).toBe(
      'georisk: warning: --vary surge=0:1:3: n = 3 is not used: "surge" is a switch, so the grid takes its 2 values 0 or 1 (write --vary surge=0:1, without n)\n',
    );
    expect(three.stdout).toBe(none.stdout);
    expect(three.stdout.trim().split('\n').length).toBe(1 + 2);
    expect(two.stderr).toBe('');
    expect(two.stdout).toBe(none.stdout);
    expect(choice.status, choice.stderr).toBe(0);
    expect(choice.stderr).toMatch(
      /^georisk: warning: --vary fronts=2:4:2: n = 2 is not used: "fronts" is a choice, so the grid takes its 3 values 2, 3 or 4 /,
    );
    expect(choice.stdout.trim().split('\n').length).toBe(1 + 3);
  });

  it('prints a readable table for a terminal: estimates with intervals, as many metrics as fit, and where the full columns are', async () => {
    const r = await runCli(['sweep', file, '--vary', 'ceasefire_rate=0.1:0.5:5', '--trials', '2000', '--format', 'table']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^point {2}ceasefire_rate {2}\s*war_reached/);
    // Grid values as typed, probabilities as percentages with their interval.
    expect(lines.slice(1, 6).map((l) => l.trim().split(/\s+/)[1])).toEqual(['0.1', '0.2', '0.3', '0.4', '0.5']);
    expect(lines[1]).toMatch(/\d+\.\d% \[\d+\.\d%, \d+\.\d%\]/);
    expect(lines.slice(6).join('\n')).toContain('every column (SE, interval, quantiles) as CSV');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    const refused = await runCli(['sweep', file, '--vary', 'war_rate=0:0.1:3', '--format', 'table', '--out', dir.path('t.csv')]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--format table is for a terminal');
    expect(existsSync(dir.path('t.csv'))).toBe(false);
  });

  it('writes JSON Lines for a .jsonl file, which appears only when complete, and says where it wrote', async () => {
    const out = dir.path('lhs.jsonl');
    const r = await runCli(['sweep', file, '--lhs', '5', '--trials', '100', '--out', out, '--metrics', 'war_reached']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe(`georisk: wrote 5 rows (JSONL) to ${out}\n`);
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>);
    expect(rows.map((x) => x.point)).toEqual([0, 1, 2, 3, 4]);
    expect(Object.keys(rows[0] ?? {})).toContain('war_reached.p50');
    expect(existsSync(`${out}.partial`) || existsSync(`${out}.partial.json`)).toBe(false);
  });

  it('a sweep killed part-way and resumed gives a byte-identical file', async () => {
    const whole = dir.path('whole.csv');
    const resumed = dir.path('resumed.csv');
    const full = await runCli(['sweep', SLOW, ...SLOW_ARGS, '--workers', '2', '--out', whole]);
    expect(full.status, full.stderr).toBe(0);
    // Start the same sweep on one worker and kill it once a few rows are on disk.
    const child = spawn(process.execPath, ['apps/cli/bin/georisk.js', 'sweep', SLOW, ...SLOW_ARGS, '--workers', '1', '--out', resumed], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    const partial = `${resumed}.partial`;
    await new Promise<void>((done, fail) => {
      const timer = setInterval(() => {
        const rows = existsSync(partial) ? readFileSync(partial, 'utf8').split('\n').length - 2 : 0;
        if (rows >= 3) {
          clearInterval(timer);
          child.kill('SIGKILL');
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(timer);
        done();
      });
      child.on('error', fail);
    });
    expect(existsSync(resumed)).toBe(false);
    const cut = readFileSync(partial, 'utf8');
    expect(cut.length).toBeLessThan(readFileSync(whole, 'utf8').length);
    // Without --resume the leftover is refused; with it the sweep finishes.
    const refused = await runCli(['sweep', SLOW, ...SLOW_ARGS, '--out', resumed]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/interrupted sweep.*--resume/);
    const other = await runCli(['sweep', SLOW, ...SLOW_ARGS, '--seed', '2', '--out', resumed, '--resume']);
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/different sweep/);
    const again = await runCli(['sweep', SLOW, ...SLOW_ARGS, '--workers', '2', '--out', resumed, '--resume']);
    expect(again.status, again.stderr).toBe(0);
    expect(readFileSync(resumed).equals(readFileSync(whole))).toBe(true);
    expect(existsSync(partial)).toBe(false);
  });

  it.each([
    [['--vary', 'war_rat=0:0.1:3'], /no parameter "war_rat"[\s\S]*war_rate/],
    [['--vary', 'war_rate=0:0.5:3'], /outside its declared range \[0, 0\.1\]/],
    [['--vary', 'war_rate=0:0.1:1'], /at least 2 levels/],
    [['--vary', 'war_rate=0.1:0:3'], /empty/],
    [['--lhs', '1'], /at least 2 samples/],
    [
      ['--lhs', '3', '--vary', 'war_rate=0.01:0.1:3'],
      /--vary war_rate: error \[bad_override\] "war_rate" is given 3 levels, which only a grid uses/,
    ],
    [[], /say what to vary/],
    [['--vary', 'war_rate=0:0.1:3', '--metrics', 'nope'], /no metric "nope"/],
  ])('refuses %j with a clear message and writes no file', async (args, message) => {
    const out = dir.path(`bad-${args.join('_').replace(/[^a-z0-9]/gi, '')}.csv`);
    const r = await runCli(['sweep', file, ...args, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(stackLines(r.stderr)).toEqual([]);
    expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
  });

  it('a run-time failure on the worker pool is reported once, leaving only the .partial file', async () => {
    const failing = dir.write('fails.yaml', RUNTIME_FAILING_SCENARIO);
    const out = dir.path('fails.csv');
    const r = await runCli(['sweep', failing, '--vary', 'k=0.5:2:10', '--trials', '100000', '--workers', '2', '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/runtime_value/);
    expect(stackLines(r.stderr)).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });

  it('stops quietly when the reader closes the pipe (as `| head` does)', async () => {
    const child = spawn(
      process.execPath,
      ['apps/cli/bin/georisk.js', 'sweep', file, '--vary', 'war_rate=0:0.1:200', '--trials', '2000', '--workers', '1'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise((done) => child.on('close', done));
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('any command stops quietly when the reader closes the pipe mid-answer (a large JSON result)', async () => {
    const child = spawn(
      process.execPath,
      ['apps/cli/bin/georisk.js', 'run', 'scenarios/armenia-azerbaijan-2022.yaml', '--trials', '200', '--format', 'json'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise((done) => child.on('close', done));
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('refuses to overwrite an existing --out file without --resume', async () => {
    const out = dir.write('exists.csv', 'precious\n');
    const r = await runCli(['sweep', file, '--vary', 'war_rate=0:0.1:2', '--trials', '10', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/already exists/);
    expect(readFileSync(out, 'utf8')).toBe('precious\n');
    expect(statSync(out).size).toBe(9);
  });
});

describe('georisk sensitivity and discover', () => {
  it('Sobol indices as JSON: ranked, with intervals, the same on 1 and 2 workers', async () => {
    const args = [
      'sensitivity',
      file,
      '--method',
      'sobol',
      '--samples',
      '64',
      '--trials',
      '2000',
      '--format',
      'json',
      '--metrics',
      'war_reached',
      // Uniform over the ranges: by its default prior, triangular(0, 0.02, 0.1), war_rate varies less.
      '--sampling',
      'uniform',
    ];
    const [one, two] = await Promise.all([runCli([...args, '--workers', '1']), runCli([...args, '--workers', '2'])]);
    expect(one.status, one.stderr).toBe(0);
    const a = JSON.parse(one.stdout) as {
      modelRuns: number;
      metrics: { sobol: { param: string; total: number; totalCi95: number[] }[] }[];
      timing: unknown;
    };
    const b = JSON.parse(two.stdout) as typeof a;
    expect(a.modelRuns).toBe(64 * 4);
    expect(b.metrics).toEqual(a.metrics);
    // War needs war_rate; ceasefire_rate only competes with it.
    expect(a.metrics[0]?.sobol[0]?.param).toBe('war_rate');
  });

  it('refuses a sample count Saltelli sampling cannot use', async () => {
    const r = await runCli(['sensitivity', file, '--method', 'sobol', '--samples', '1000']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/power of two.*1000[\s\S]*use 512 or 1024/);
  });

  it('tornado and Morris print ranked tables', async () => {
    const [t, m] = await Promise.all([
      runCli(['sensitivity', file, '--method', 'tornado', '--trials', '2000', '--metrics', 'war_reached']),
      runCli(['sensitivity', file, '--method', 'morris', '--samples', '10', '--trials', '1000', '--metrics', 'war_reached']),
    ]);
    expect(t.status, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/Tornado[\s\S]*war_reached \(at the defaults: [\d.]+\), noise-free\nparameter\s+low\s+high[\s\S]*\nwar_rate /);
    expect(t.stdout).toMatch(/solver: exact solver \(noise-free\)/);
    expect(m.status, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/μ\*[\s\S]*\nwar_rate /);
  });

  it("by Monte Carlo, tables show each bar's interval, the noise floor and which bars are within noise", async () => {
    const r = await runCli([
      'sensitivity',
      file,
      '--method',
      'tornado',
      '--solver',
      'monte-carlo',
      '--trials',
      '200',
      '--metrics',
      'war_reached',
      '--vary',
      'war_rate',
      '--vary',
      'ceasefire_rate',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/solver: Monte Carlo was asked for/);
    expect(r.stdout).toMatch(/war_reached \(at the defaults: [\d.]+\), noise floor [\d.]+\nparameter .* swing 95% CI/);
    expect(r.stdout).toMatch(/\nwar_rate +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +\[[\d.]+, [\d.]+\]\n/);
  });

  it('refuses an unknown sampling or solver, naming the choices', async () => {
    const [sampling, solver] = await Promise.all([
      runCli(['sensitivity', file, '--sampling', 'lhs']),
      runCli(['sensitivity', file, '--solver', 'fast']),
    ]);
    expect(sampling.status).toBe(2);
    expect(sampling.stderr).toMatch(/--sampling.*lhs.*prior, uniform/);
    expect(solver.status).toBe(2);
    expect(solver.stderr).toMatch(/--solver.*fast.*auto, exact, monte-carlo/);
  });

  it('groups parameters for Sobol with --group, and refuses a group naming no parameter with the flag and a fix', async () => {
    const [ok, empty, unknown] = await Promise.all([
      runCli(['sensitivity', file, '--group', 'rates=war_rate,ceasefire_rate', '--samples', '256', '--metrics', 'war_reached']),
      runCli(['sensitivity', file, '--group', 'rates=', '--samples', '64']),
      runCli(['sensitivity', file, '--group', 'rates=war_rte', '--samples', '64']),
    ]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/group rates: war_rate, ceasefire_rate[\s\S]*\nrates +[\d.]+ +\[/);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(
      /--group rates: error \[bad_run_options\] the group "rates" names no parameter\n {2}hint: list its parameters/,
    );
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(
      /--group rates: .*names "war_rte", which is not a varied parameter\n {2}hint: did you mean "war_rate"\?/,
    );
    expect(stackLines(unknown.stderr)).toEqual([]);
  });

  it('groups Sobol factors by included module with --group-by module; a scenario without modules is refused with a fix', async () => {
    const modular = `${ROOT}/scenarios/examples/modular-example.yaml`;
    const [ok, none, both] = await Promise.all([
      runCli(['sensitivity', modular, '--group-by', 'module', '--samples', '64', '--metrics', 'war_reached']),
      runCli(['sensitivity', file, '--group-by', 'module', '--samples', '64']),
      runCli(['sensitivity', modular, '--group-by', 'module', '--group', 'a=p_hold']),
    ]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/group clash-module: escalation_rate, clash_deaths_per_day\n/);
    expect(ok.stdout).toMatch(/group pipeline-module\[3\]: scp_shutdown_rate\n/);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/grouping by module needs parameters that came from included modules[\s\S]*hint: name the groups yourself/);
    expect(stackLines(none.stderr)).toEqual([]);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/--group and --group-by module cannot be combined/);
  });

  it('discover prints the chosen box and the peeling trajectory', async () => {
    const r = await runCli(['discover', file, '--outcome', 'war_reached > 0', '--samples', '200', '--trials', '200', '--threshold', '0.3']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Chosen box[\s\S]*war_rate in \[[\d.]+, 0\.1\][\s\S]*Peeling trajectory/);
    const bad = await runCli(['discover', file, '--outcome', 'war > 0']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/no metric "war"/);
  });

  it('discover refuses shares outside their ranges, naming the flag, with a fix, before any run', async () => {
    const discover = (...flags: string[]) => runCli(['discover', file, '--outcome', 'war_reached > 0', '--samples', '10', ...flags]);
    const [over, under, mass, noMass] = await Promise.all([
      discover('--threshold', '2'),
      discover('--threshold', '-1'),
      discover('--min-mass', '2'),
      discover('--min-mass', '-1', '--alpha', '0.7'),
    ]);
    for (const r of [over, under, mass, noMass]) {
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/\n {2}hint: give /);
    }
    expect(over.stderr).toMatch(
      /^--threshold: error \[bad_run_options\] --threshold must lie in \[0, 1\), got 2: .*every point would count as 0\n/,
    );
    expect(under.stderr).toMatch(/^--threshold: .*got -1: .*every point would count as 1\n/);
    expect(mass.stderr).toMatch(/^--min-mass: error \[bad_run_options\] --min-mass must lie in \(0, 1\), got 2/);
    expect(noMass.stderr).toMatch(/--alpha must lie in \(0, 0\.5\), got 0\.7[\s\S]*--min-mass must lie in \(0, 1\), got -1/);
  });
});
