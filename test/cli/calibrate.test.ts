/**
 * `georisk calibrate` at a reduced size, as CI runs it: a reduced class (8 episodes) for table and JSON, the full class
 * with one fold and few resamples for reproducibility, and bad input refused at file:line:column with nothing written.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ROOT, runCli, type Scratch, scratchDir, stackLines } from '../helpers/cli.ts';

let scratch: Scratch;
let small: string;

beforeAll(() => {
  scratch = scratchDir('georisk-calibrate-');
  const full = parse(readFileSync(join(ROOT, 'scenarios/reference-class/clashes.yaml'), 'utf8')) as {
    episodes: unknown[];
    excluded?: unknown;
  };
  // Four episodes before 2015 and four from 2015 on, in onset order.
  const n = full.episodes.length;
  full.episodes = [0, 5, 10, 15, n - 4, n - 3, n - 2, n - 1].map((i) => full.episodes[i]);
  small = scratch.write('clashes-small.yaml', stringify(full));
});
afterAll(() => scratch.remove());

describe('georisk calibrate', () => {
  it('fits and scores a reduced class: JSON with both folds, every skill finite, the table says whether each is positive', async () => {
    const out = scratch.path('report.json');
    const json = await runCli(['calibrate', small, '--bootstrap', '50', '--split-year', '2015', '--json', '--out', out]);
    expect(json.stderr).toBe('');
    expect(json.status).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.episodes).toBe(8);
    expect(report.folds.map((f: { fold: string }) => f.fold)).toEqual(['loo', 'time']);
    expect(report.folds[0].heldOut).toHaveLength(8);
    expect(report.folds[1].heldOut).toHaveLength(4);
    for (const fold of report.folds) {
      for (const q of fold.questions) {
        expect(Number.isFinite(q.skill.skill)).toBe(true);
        expect(q.skill.ci95[0]).toBeLessThanOrEqual(q.skill.ci95[1]);
      }
    }
    const table = await runCli(['calibrate', small, '--bootstrap', '50', '--folds', 'time']);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/time split: fitted on 4 episodes before 2015, scored on 4/);
    expect(table.stdout).toMatch(/truce within 7 days\s+Brier .*(positive|not positive|not clearly positive|negative)/);
    expect(table.stdout).not.toMatch(/leave-one-out/);
  });

  it('refuses a range with low above high at file:line:column, and writes nothing', async () => {
    const text = readFileSync(small, 'utf8');
    const bad = scratch.write('bad.yaml', text.replace(/low: (\d+)/, 'low: 99999'));
    const line = text.split('\n').findIndex((l) => /low: \d+/.test(l)) + 1;
    const out = scratch.path('never.json');
    const r = await runCli(['calibrate', bad, '--json', '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`bad\\.yaml:${line}:\\d+ .*: error \\[invalid_value\\] `));
    expect(stackLines(r.stderr)).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });

  it('on the full class at a reduced size (time split, 20 resamples), the same seed gives the same report in a fresh process', async () => {
    const args = ['calibrate', '--folds', 'time', '--bootstrap', '20', '--json'];
    const [a, b, other] = await Promise.all([runCli(args), runCli(args), runCli([...args, '--seed', '2'])]);
    for (const r of [a, b, other]) {
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    expect(b.stdout).toBe(a.stdout);
    type Fold = {
      fold: string;
      heldOut: unknown[];
      questions: { label: string; skill: { score: number; baseline: number; skill: number; ci95: number[] } }[];
    };
    const first = JSON.parse(a.stdout) as { episodes: number; settings: { bootstrap: number; seed: number }; folds: Fold[] };
    const second = JSON.parse(other.stdout) as typeof first;
    expect(first.episodes).toBeGreaterThanOrEqual(40);
    expect(first.settings).toMatchObject({ bootstrap: 20, seed: 1 });
    expect(first.folds.map((f) => f.fold)).toEqual(['time']);
    // The seed drives only the bootstrap: the fit and the held-out scores are the same, the intervals are not.
    const points = (r: typeof first) => r.folds[0]?.questions.map((q) => [q.label, q.skill.score, q.skill.baseline, q.skill.skill]);
    expect(points(second)).toEqual(points(first));
    expect(second.folds[0]?.questions.map((q) => q.skill.ci95)).not.toEqual(first.folds[0]?.questions.map((q) => q.skill.ci95));
  });

  it('refuses an empty class file with its own fix, and finds its default files from any folder', async () => {
    const empty = await runCli(['calibrate', scratch.write('empty.yaml', '')]);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toMatch(
      /empty\.yaml: error \[invalid_type\] the reference class file is empty\n {2}hint: .*see scenarios\/reference-class\/clashes\.yaml/,
    );
    const elsewhere = await runCli(['calibrate', '--folds', 'time', '--bootstrap', '10', '--json'], { cwd: scratch.dir });
    expect(elsewhere.stderr).toBe('');
    expect(elsewhere.status).toBe(0);
    expect((JSON.parse(elsewhere.stdout) as { episodes: number }).episodes).toBeGreaterThanOrEqual(40);
  });

  it('refuses a split year that leaves nothing to fit', async () => {
    const r = await runCli(['calibrate', small, '--folds', 'time', '--split-year', '1990']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/split year 1990 leaves 0 episodes to fit/);
  });
});
