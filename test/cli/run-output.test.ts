/** `georisk run`: the table, the `--format json` contract, CSV, `--out`, `--set`, and quiet stderr in pipes. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type CliResult, REFERENCE, runCli, type Scratch, scratchDir, withoutTiming } from '../helpers/cli.ts';
import { PARAMETER_SCENARIO } from '../helpers/scenarios.ts';

const TRIALS = 2000;
const SEED = 11;
const BASE = ['run', REFERENCE, '--trials', String(TRIALS), '--seed', String(SEED)];
const METRICS = ['war_reached', 'intervention', 'fatalities', 'pipeline_down_days', 'oil_lost_mbbl', 'days_to_ceasefire'];
const TRACKS = { conflict: 5, alliance: 3, pipeline: 3 } as const;
const QUANTILES = ['p1', 'p5', 'p10', 'p25', 'p50', 'p75', 'p90', 'p95', 'p99'] as const;

/** The parts of the JSON contract these tests read. */
interface Metric {
  mean: number;
  sd: number;
  se: number;
  ci95: [number, number];
  min: number;
  max: number;
  quantiles: Record<(typeof QUANTILES)[number], number>;
  histogram: { edges: number[]; counts: number[] };
  n: number;
}
interface RunJson {
  scenario: { id: string; hash: string };
  engine: { version: string };
  seed: number;
  trials: number;
  horizon: number;
  dt: number;
  tracks: Record<
    string,
    { states: string[]; final: Record<string, number>; ever: Record<string, number>; occupancy: Record<string, number[]> }
  >;
  metrics: Record<string, Metric>;
  timing: { seconds: number; trialStepsPerSecond: number };
  receipt: {
    scenarioHash: string;
    engineVersion: string;
    seed: number;
    trials: number;
    overrides: Record<string, number>;
    outputHash: string;
  };
}

/** Each distinct command runs once per file, however many tests read its output. */
const cache = new Map<string, Promise<CliResult>>();
function once(args: string[]): Promise<CliResult> {
  const key = JSON.stringify(args);
  let run = cache.get(key);
  if (!run) cache.set(key, (run = runCli(args)));
  return run;
}

let scratch: Scratch;
let parameterFile: string;
beforeAll(() => {
  scratch = scratchDir();
  parameterFile = scratch.write('parameter.yaml', PARAMETER_SCENARIO);
});
afterAll(() => scratch.remove());

const json = async () => {
  const r = await once([...BASE, '--format', 'json']);
  if (r.status !== 0) throw new Error(`run failed (${r.status}): ${r.stderr}`);
  return { r, result: JSON.parse(r.stdout) as RunJson };
};

describe.concurrent('georisk run', () => {
  it('says on stderr, with the place, why the table is empty when the scenario has no metrics', async ({ expect }) => {
    const bare = scratch.write(
      'bare.yaml',
      'id: bare\ntime: { unit: day, dt: 1, horizon: 5 }\ntracks:\n  c: { states: [a, b], transitions: [{ from: a, to: b, rate: 0.1 }] }\n',
    );
    const r = await runCli(['run', bare, '--trials', '100']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`${bare}:1:1 metrics: warning [invalid_value] the scenario defines no metrics`);
    expect(r.stderr).toContain('hint: add metrics such as war:');
  });

  it('prints a table with every metric, every track state and a receipt line; stderr stays empty', async ({ expect }) => {
    const r = await once(BASE);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    for (const name of METRICS) expect(r.stdout).toMatch(new RegExp(`^${name}\\s`, 'm'));
    for (const state of ['skirmish', 'clash', 'war', 'ceasefire', 'settlement', 'uninvolved', 'intervention', 'shutdown', 'damaged']) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${state}\\s+\\d+\\.\\d%\\s+\\d+\\.\\d%$`, 'm'));
    }
    expect(r.stdout).toContain(`2,000 trials · seed ${SEED} · horizon 90 days`);
    const receipt = /^receipt ([0-9a-f]{16}) · scenario ([0-9a-f]{16}) · engine (\S+)$/m.exec(r.stdout);
    expect(receipt).not.toBeNull();
    // The receipt in the table is the same run as the JSON: same output hash, scenario hash and engine.
    const { result } = await json();
    expect(receipt?.[1]).toBe(result.receipt.outputHash.slice(0, 16));
    expect(receipt?.[2]).toBe(result.scenario.hash.slice(0, 16));
    expect(receipt?.[3]).toBe(result.engine.version);
  });

  it('--format json follows the contract', async ({ expect }) => {
    const { r, result } = await json();
    expect(r.stderr).toBe('');
    expect(result.scenario).toMatchObject({ id: 'caucasus-reference', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(result.engine.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(result).toMatchObject({ seed: SEED, trials: TRIALS, horizon: 90, dt: 1 });

    const steps = result.horizon / result.dt;
    expect(Object.keys(result.tracks).sort()).toEqual(Object.keys(TRACKS).sort());
    for (const [name, count] of Object.entries(TRACKS)) {
      const t = result.tracks[name];
      expect(t, name).toBeDefined();
      if (!t) continue;
      expect(t.states).toHaveLength(count);
      expect(Object.keys(t.final).sort()).toEqual([...t.states].sort());
      expect(sum(Object.values(t.final))).toBeCloseTo(1, 12);
      for (const state of t.states) {
        expect(t.ever[state]).toBeGreaterThanOrEqual(t.final[state]!);
        expect(t.ever[state]).toBeLessThanOrEqual(1);
        expect(t.occupancy[state], `${name}.${state}`).toHaveLength(steps + 1);
      }
      for (let k = 0; k <= steps; k++) {
        expect(sum(t.states.map((s) => t.occupancy[s]?.[k] ?? Number.NaN))).toBeCloseTo(1, 12);
      }
      // Occupancy at the horizon is the final-state distribution.
      for (const state of t.states) expect(t.occupancy[state]?.[steps]).toBeCloseTo(t.final[state]!, 12);
    }
    expect(result.tracks.conflict?.occupancy.clash?.[0]).toBe(1);

    expect(Object.keys(result.metrics)).toEqual(METRICS);
    for (const [name, m] of Object.entries(result.metrics)) {
      for (const key of ['mean', 'sd', 'se', 'min', 'max'] as const) expect(Number.isFinite(m[key]), `${name}.${key}`).toBe(true);
      expect(m.ci95).toHaveLength(2);
      expect(m.ci95[0]).toBeLessThanOrEqual(m.mean);
      expect(m.ci95[1]).toBeGreaterThanOrEqual(m.mean);
      expect(m.se).toBeCloseTo(m.sd / Math.sqrt(TRIALS), 10);
      expect(Object.keys(m.quantiles)).toEqual([...QUANTILES]);
      const q = QUANTILES.map((k) => m.quantiles[k]);
      expect([m.min, ...q, m.max]).toEqual([m.min, ...q, m.max].slice().sort((a, b) => a - b));
      expect(m.histogram.edges.length).toBe(m.histogram.counts.length + 1);
      expect(m.histogram.edges).toEqual(m.histogram.edges.slice().sort((a, b) => a - b));
      expect(sum(m.histogram.counts)).toBe(m.n);
    }
    // Probabilities agree with the tracks they count.
    expect(result.metrics.war_reached?.mean).toBeCloseTo(result.tracks.conflict!.ever.war!, 12);

    expect(result.timing.seconds).toBeGreaterThan(0);
    expect(result.timing.trialStepsPerSecond).toBeGreaterThan(0);
    expect(result.receipt).toEqual({
      scenarioId: 'caucasus-reference',
      scenarioHash: result.scenario.hash,
      engineVersion: result.engine.version,
      seed: SEED,
      trials: TRIALS,
      overrides: {},
      outputHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('--format csv has a header and one row per metric, with the same numbers as the JSON', async ({ expect }) => {
    const r = await once([...BASE, '--format', 'csv']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const rows = r.stdout.trimEnd().split('\n');
    const header = rows[0]?.split(',') ?? [];
    expect(header.slice(0, 7)).toEqual(['name', 'kind', 'mean', 'sd', 'se', 'ci95_lo', 'ci95_hi']);
    for (const q of ['min', 'p1', 'p5', 'p50', 'p95', 'p99', 'max']) expect(header).toContain(q);
    for (const row of rows) expect(row.split(',')).toHaveLength(header.length);
    const byName = new Map(rows.slice(1).map((row) => [row.split(',')[0], row.split(',')]));
    const { result } = await json();
    for (const name of METRICS) {
      const cells = byName.get(name);
      expect(cells, name).toBeDefined();
      expect(rows.filter((row) => row.startsWith(`${name},`))).toHaveLength(1);
      const m = result.metrics[name]!;
      expect(Number(cells?.[header.indexOf('mean')])).toBe(m.mean);
      expect(Number(cells?.[header.indexOf('p50')])).toBe(m.quantiles.p50);
      expect(Number(cells?.[header.indexOf('max')])).toBe(m.max);
    }
    expect(byName.get('war_reached')?.[1]).toBe('probability');
    expect(byName.get('fatalities')?.[1]).toBe('metric');
    // Each metric's declared unit in its own column, then the trials its figures count and the
    // invalid ones left out of them; track rows leave the unit empty and count every trial.
    expect(header.slice(-3)).toEqual(['unit', 'n', 'invalid']);
    const unit = header.indexOf('unit');
    expect(byName.get('fatalities')?.[unit]).toBe('deaths');
    expect(byName.get('days_to_ceasefire')?.[unit]).toBe('day');
    expect(byName.get('war_reached')?.[unit]).toBe('probability');
    expect(byName.get('fatalities')?.slice(-2)).toEqual([String(result.metrics.fatalities!.n), '0']);
    const track = rows.find((row) => row.startsWith('conflict.final.'))?.split(',');
    expect(track?.slice(-3)).toEqual(['', String(result.trials), '0']);
  });

  it('--out FILE writes the output there, prints nothing and leaves no temporary file', async ({ expect }) => {
    const out = scratch.path('result.json');
    const r = await runCli([...BASE, '--format', 'json', '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
    expect(existsSync(out)).toBe(true);
    const { r: printed } = await json();
    expect(withoutTiming(readFileSync(out, 'utf8'))).toEqual(withoutTiming(printed.stdout));
    expect(readdirSync(scratch.dir).filter((f) => f.startsWith('result.json.'))).toEqual([]);
  });

  it('--set name=value changes the result and is recorded in the receipt', async ({ expect }) => {
    const args = ['run', parameterFile, '--trials', '2000', '--seed', '3', '--format', 'json'];
    const [base, changed] = await Promise.all([once(args), once([...args, '--set', 'war_rate=0.5'])]);
    expect(base.status).toBe(0);
    expect(changed.status).toBe(0);
    const a = JSON.parse(base.stdout) as RunJson & { overrides: Record<string, number> };
    const b = JSON.parse(changed.stdout) as RunJson & { overrides: Record<string, number> };
    expect(a.receipt.overrides).toEqual({});
    expect(b.receipt.overrides).toEqual({ war_rate: 0.5 });
    expect(b.overrides).toEqual({ war_rate: 0.5 });
    // P(war) is about 1 - exp(-0.01 * ...) ≈ 9% by default and far higher at 0.5 per day.
    expect(a.metrics.war_reached?.mean).toBeLessThan(0.2);
    expect(b.metrics.war_reached?.mean).toBeGreaterThan(0.7);
    expect(b.receipt.outputHash).not.toBe(a.receipt.outputHash);
    expect(b.scenario.hash).toBe(a.scenario.hash);
  });

  it('keeps stderr empty in a pipe even for a run long enough to show progress on a terminal', async ({ expect }) => {
    // On a TTY a progress bar appears once a run has taken a second (this one takes one or two
    // without quiet-step skipping); a non-TTY stderr must get nothing at all.
    const r = await runCli(['run', REFERENCE, '--trials', '60000', '--step-only', '--workers', '1', '--format', 'csv']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toMatch(/^name,kind,mean/);
  });
});

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
