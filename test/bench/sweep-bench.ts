/**
 * `pnpm bench:sweep`: sweeps and sensitivity analysis through the bundled CLI, as a user runs them.
 * 1. A grid sweep of the 2022 scenario on 1 and 2 worker threads (the rows are byte-identical;
 *    only the time changes).
 * 2. The cost of a Sobol' analysis of the 2022 scenario with 8 parameters: points (model runs),
 *    trials, trial-steps and wall time.
 * Prints a Markdown report (pasted into docs/benchmarks.md, "Sweeps and sensitivity").
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const quick = process.argv.includes('--quick');
const SCENARIO = 'scenarios/armenia-azerbaijan-2022.yaml';
const STEPS = 720;

function cli(args: string[]): { seconds: number; stdout: string } {
  const t0 = performance.now();
  const stdout = execFileSync(process.execPath, ['apps/cli/bin/georisk.js', ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { seconds: (performance.now() - t0) / 1000, stdout };
}

const fmt = (x: number) => x.toLocaleString('en-US');
const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);

console.log(
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}.`,
);
console.log();

// 1. Grid sweeps, 1 vs 2 workers: a short one (about 8 s on one core, where start-up and each
// thread's JIT warm-up still weigh) and a four times longer one.
cli(['validate', SCENARIO]); // builds the bundle if needed and warms the disk cache
const trials = quick ? 2000 : 16_000;
console.log(`### Sweeps: grid points × ${fmt(trials)} trials of the 2022 scenario (${STEPS} hourly steps), whole command`);
console.log();
console.log('| points | workers | wall seconds | trials/s | speed-up | rows (sha256) |');
console.log('|---|---|---|---|---|---|');
for (const points of quick ? [8] : [16, 64]) {
  const grid = [
    'sweep',
    SCENARIO,
    '--vary',
    `war_attempt_rate=0.002:0.008:${points / 4}`,
    '--vary',
    'p_hold_war=0.1:0.5:4',
    '--trials',
    String(trials),
    '--no-progress',
  ];
  // Best of several runs, 1 and 2 workers taking turns, so that other work on the machine weighs on both alike.
  const reps = quick ? 1 : points > 16 ? 2 : 4;
  let one = cli([...grid, '--workers', '1']);
  let two = cli([...grid, '--workers', '2']);
  for (let i = 1; i < reps; i++) {
    const a = cli([...grid, '--workers', '1']);
    const b = cli([...grid, '--workers', '2']);
    if (a.seconds < one.seconds) one = a;
    if (b.seconds < two.seconds) two = b;
  }
  if (one.stdout !== two.stdout) throw new Error('1 and 2 workers printed different rows');
  for (const [w, r] of [
    [1, one],
    [2, two],
  ] as const) {
    console.log(
      `| ${points} | ${w} | ${r.seconds.toFixed(2)} | ${fmt(Math.round((points * trials) / r.seconds))} | ${(one.seconds / r.seconds).toFixed(2)}× | ${sha(r.stdout)} |`,
    );
  }
}
console.log();

// 2. A Sobol' analysis with 8 parameters.
const PARAMS = [
  'clash_escalation_rate',
  'offensive_escalation_rate',
  'war_attempt_rate',
  'p_hold_clash',
  'p_hold_offensive',
  'p_hold_war',
  'russia_mediation_rate',
  'western_mediation_rate',
];
const runs = process.argv.includes('--no-sobol')
  ? []
  : quick
    ? [{ n: 32, t: 200 }]
    : [
        { n: 128, t: 500 },
        { n: 256, t: 500 },
        { n: 1024, t: 500 },
      ];
console.log("### Sobol' analysis of the 2022 scenario, 8 parameters, 3 metrics, 2 workers");
console.log();
console.log(
  '| N (base samples) | trials per point | points = N × (8 + 2) | trials | trial-steps | wall seconds | widest total-order 95% CI (war_reached) | ranking warnings |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const { n, t } of runs) {
  const r = cli([
    'sensitivity',
    SCENARIO,
    '--method',
    'sobol',
    '--samples',
    String(n),
    '--trials',
    String(t),
    ...PARAMS.flatMap((p) => ['--vary', p]),
    '--metrics',
    'war_reached,total_fatalities,ceasefire_by_day_2',
    '--format',
    'json',
    '--workers',
    '2',
    '--no-progress',
  ]);
  const result = JSON.parse(r.stdout) as {
    modelRuns: number;
    metrics: { metric: string; warnings: string[]; sobol: { param: string; totalCi95: [number, number] }[] }[];
  };
  const war = result.metrics.find((m) => m.metric === 'war_reached');
  const widest = Math.max(...(war?.sobol ?? []).map((s) => s.totalCi95[1] - s.totalCi95[0]));
  const warned = result.metrics.filter((m) => m.warnings.length > 0).map((m) => m.metric);
  const warnings = `${warned.length}${warned.length > 0 ? ` (${warned.join(', ')})` : ''}`;
  console.log(
    `| ${n} | ${t} | ${fmt(result.modelRuns)} | ${fmt(result.modelRuns * t)} | ${(result.modelRuns * t * STEPS).toExponential(2)} | ${r.seconds.toFixed(1)} | ${widest.toFixed(3)} | ${warnings} of ${result.metrics.length} metrics |`,
  );
}
