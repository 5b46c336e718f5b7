/**
 * `pnpm bench`: the engine against the hand-written step loop and next-event loop on the reference
 * model (daily and hourly steps), worker scaling, and peak memory at ten million trials. Prints a Markdown report; with
 * `--write` it also replaces the generated section of docs/benchmarks.md.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadScenarioText, type RunResult, runScenario, type ScenarioDocument } from '../../packages/engine/src/index.ts';
import { referenceExact } from '../../packages/engine/test/reference-exact.ts';
import { bundleForBench } from './bench-paths.ts';
import { exactBenchmark } from './exact-bench.ts';
import { type LoopMeans, referenceLoop } from './reference-loop.ts';
import { referenceNextEventLoop } from './reference-next-event-loop.ts';
import { referenceStreamLoop } from './reference-stream-loop.ts';

const root = new URL('../../', import.meta.url);
const quick = process.argv.includes('--quick');
const reference = loadScenarioText(readFileSync(new URL('scenarios/reference/caucasus-reference.yaml', root), 'utf8')).scenario;

function withDt(s: ScenarioDocument, dt: number): ScenarioDocument {
  return { ...s, time: { ...s.time, dt } };
}

/** Best wall time of `reps` runs, in seconds (the least disturbed by other work on the machine). */
function best<T>(reps: number, fn: () => T): { seconds: number; value: T } {
  let seconds = Number.POSITIVE_INFINITY;
  let value: T | undefined;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    value = fn();
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
  }
  return { seconds, value: value as T };
}

/** CPU seconds (user + system) of one call, and its value. */
function cpuSeconds<T>(fn: () => T): { seconds: number; value: T } {
  const t0 = process.cpuUsage();
  const value = fn();
  const u = process.cpuUsage(t0);
  return { seconds: (u.user + u.system) / 1e6, value };
}

const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(1)} M` : x.toFixed(0));
const lines: string[] = [];
const out = (s = '') => {
  lines.push(s);
  console.log(s);
};

const cpu = cpus()[0]?.model ?? 'unknown CPU';
out(
  `Machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}; load average ${loadavg()[0]?.toFixed(1)} at the start (other work on the machine slows every wall-clock row).`,
);
out();
out('### One core: engine vs the hand-written step loop (reference model)');
out();
out('| steps | trials | hand loop (trial-steps/s) | engine, skipping | engine, stepping only | engine ÷ loop |');
out('|---|---|---|---|---|---|');

const comparisons: { label: string; dt: number; loop: LoopMeans; engine: RunResult }[] = [];
for (const [label, dt, trials] of [
  ['daily (90 steps)', 1, quick ? 50_000 : 200_000],
  ['hourly (2,160 steps)', 1 / 24, quick ? 2_000 : 20_000],
] as const) {
  const scenario = withDt(reference, dt);
  const steps = Math.round(90 / dt);
  const reps = quick ? 2 : 3;
  // Warm both up first, so the JIT has compiled them before anything is timed.
  referenceLoop(Math.ceil(trials / 10), 2, dt);
  runScenario(scenario, { trials: Math.ceil(trials / 10), seed: 2 });
  // The loop uses another seed than the engine, so their errors are independent.
  const loop = best(reps, () => referenceLoop(trials, 1001, dt));
  const engine = best(reps, () => runScenario(scenario, { trials, seed: 1 }));
  const stepping = best(1, () => runScenario(scenario, { trials: Math.ceil(trials / 4), seed: 1, stepOnly: true }));
  const rate = (secs: number, n: number) => (n * steps) / secs;
  const loopRate = rate(loop.seconds, trials);
  const engineRate = rate(engine.seconds, trials);
  out(
    `| ${label} | ${trials.toLocaleString('en-US')} | ${fmt(loopRate)} | ${fmt(engineRate)} | ${fmt(rate(stepping.seconds, Math.ceil(trials / 4)))} | **${(engineRate / loopRate).toFixed(1)}×** |`,
  );
  comparisons.push({ label, dt, loop: loop.value, engine: engine.value });
}
out();
out('### One core at steady state: engine vs the hand-written next-event loop (reference model)');
out();
out(
  'CPU time (process.cpuUsage), best of the repetitions, the loop and the engine alternating in the same process so that both see the same load.',
);
out();
out('| steps | trials | repetitions | next-event loop (trial-steps/s) | engine, one worker | engine ÷ loop |');
out('|---|---|---|---|---|---|');
const nextEvent: { label: string; dt: number; loop: LoopMeans; streamLoop: LoopMeans }[] = [];
for (const [label, dt] of [
  ['daily (90 steps)', 1],
  ['hourly (2,160 steps)', 1 / 24],
] as const) {
  const trials = quick ? 200_000 : 2_000_000;
  const reps = quick ? 2 : 3;
  const scenario = withDt(reference, dt);
  const steps = Math.round(90 / dt);
  referenceNextEventLoop(trials / 10, 2, dt);
  runScenario(scenario, { trials: trials / 10, seed: 2 });
  let loopSeconds = Number.POSITIVE_INFINITY;
  let engineSeconds = Number.POSITIVE_INFINITY;
  let loop: LoopMeans | undefined;
  for (let r = 0; r < reps; r++) {
    const a = cpuSeconds(() => referenceNextEventLoop(trials, 1001, dt));
    const b = cpuSeconds(() => runScenario(scenario, { trials, seed: 1 }));
    loopSeconds = Math.min(loopSeconds, a.seconds);
    engineSeconds = Math.min(engineSeconds, b.seconds);
    loop = a.value;
  }
  const loopRate = (trials * steps) / loopSeconds;
  const engineRate = (trials * steps) / engineSeconds;
  out(
    `| ${label} | ${trials.toLocaleString('en-US')} | ${reps} | ${fmt(loopRate)} | ${fmt(engineRate)} | **${(engineRate / loopRate).toFixed(2)}×** |`,
  );
  // The stream-per-mechanism loop's numbers, for the table below (its speed is timed bundled).
  nextEvent.push({ label, dt, loop: loop as LoopMeans, streamLoop: referenceStreamLoop(trials, 1001, dt) });
}
out();
out(
  'The same, with the engine and the loop bundled by esbuild into one file, as the CLI, the server and the page run the engine (the rows above run it as tsx compiles it, module by module: every call into another module goes through an export getter, which costs the engine more than the one-file loop):',
);
out();
out(
  "The third loop is the next-event loop written to the engine's contract (test/bench/reference-stream-loop.ts): a stream per mechanism, so each track draws its own geometric and target and the fatalities their own Poisson, as issue 15 §1 asks of the engine; the joint loop draws every move from one stream. The fourth (test/bench/reference-recorded-loop.ts) is the third with every record the engine returns (occupancy over time, first entries, final and visited states, each metric's whole distribution): its summary is the engine's bit for bit (test/golden/recorded-loop.test.ts), so the engine against it is the price of generality alone, and the fourth against the joint loop is the price of the engine's contract.",
);
out();
out(
  "| steps | trials | repetitions | next-event loop (trial-steps/s) | the same, a stream per mechanism | the same, with the engine's records | engine, one worker | engine ÷ loop | engine ÷ stream-per-mechanism loop | engine ÷ loop with records | loop with records ÷ loop |",
);
out('|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of bundledNextEvent(quick ? 200_000 : 2_000_000, quick ? 2 : 3)) {
  out(
    `| ${row.dt === 1 ? 'daily (90 steps)' : 'hourly (2,160 steps)'} | ${row.trials.toLocaleString('en-US')} | ${row.reps} | ${fmt(row.loopRate)} | ${fmt(row.streamLoopRate)} | ${fmt(row.recordedLoopRate)} | ${fmt(row.engineRate)} | **${(row.engineRate / row.loopRate).toFixed(2)}×** | **${(row.engineRate / row.streamLoopRate).toFixed(2)}×** | **${(row.engineRate / row.recordedLoopRate).toFixed(2)}×** | ${(row.recordedLoopRate / row.loopRate).toFixed(2)}× |`,
  );
}
out();
out(
  'Same numbers? Each estimate against the exact mean (an independent calculation, packages/engine/test/reference-exact.ts), as z = (estimate − exact) / SE:',
);
out();
out(
  '| steps | metric | exact | step loop | next-event loop | stream-per-mechanism loop | engine | engine SE | z step loop | z next-event | z stream loop | z engine |',
);
out('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const c of comparisons) {
  const exact = referenceExact(c.dt);
  const ne = nextEvent.find((n) => n.dt === c.dt)?.loop;
  const sl = nextEvent.find((n) => n.dt === c.dt)?.streamLoop;
  for (const [name, loopMean] of Object.entries(c.loop)) {
    const m = c.engine.metrics[name];
    const x = exact[name as keyof typeof exact];
    const neMean = ne?.[name as keyof LoopMeans];
    const slMean = sl?.[name as keyof LoopMeans];
    if (!m || neMean === undefined || slMean === undefined) continue;
    // The next-event loops ran more trials than the engine here: their SE scales by the square root.
    const neSe = m.se * Math.sqrt(m.n / (quick ? 200_000 : 2_000_000));
    out(
      `| ${c.label} | ${name} | ${x.toFixed(4)} | ${loopMean.toFixed(4)} | ${neMean.toFixed(4)} | ${slMean.toFixed(4)} | ${m.mean.toFixed(4)} | ${m.se.toFixed(4)} | ${((loopMean - x) / m.se).toFixed(2)} | ${((neMean - x) / neSe).toFixed(2)} | ${((slMean - x) / neSe).toFixed(2)} | ${((m.mean - x) / m.se).toFixed(2)} |`,
    );
  }
}

/** test/bench/next-event-bundled.ts bundled by esbuild (the apps' bundler) and run in a child process: one row per step length. */
function bundledNextEvent(
  trials: number,
  reps: number,
): { dt: number; trials: number; reps: number; loopRate: number; streamLoopRate: number; recordedLoopRate: number; engineRate: number }[] {
  const outfile = bundleForBench(fileURLToPath(new URL('next-event-bundled.ts', import.meta.url)));
  const text = execFileSync(process.execPath, [outfile, 'scenarios/reference/caucasus-reference.yaml', String(trials), String(reps)], {
    cwd: fileURLToPath(root),
    encoding: 'utf8',
  });
  return text
    .trim()
    .split('\n')
    .map((line) => ({
      trials,
      reps,
      ...(JSON.parse(line) as { dt: number; loopRate: number; streamLoopRate: number; recordedLoopRate: number; engineRate: number }),
    }));
}

/** Runs the real CLI (bundled, as `pnpm georisk` runs it) and returns its timing block. */
function cliRun(trials: number, workers: number): { seconds: number; peakRssMb: number; wall: number } {
  const t0 = performance.now();
  const json = execFileSync(
    process.execPath,
    [
      'apps/cli/bin/georisk.js',
      'run',
      'scenarios/reference/caucasus-reference.yaml',
      '--trials',
      String(trials),
      '--workers',
      String(workers),
      '--format',
      'json',
      '--no-progress',
    ],
    { cwd: root.pathname, encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  const wall = (performance.now() - t0) / 1000;
  const { timing } = JSON.parse(json) as { timing: { seconds: number; peakRssMb: number } };
  return { ...timing, wall };
}

out();
out('### All cores: the CLI with 1 and 2 worker threads (reference model, daily)');
out();
const scaleTrials = quick ? 1_000_000 : 4_000_000;
out('| workers | trials | run seconds | trial-steps/s | speed-up | whole command, seconds |');
out('|---|---|---|---|---|---|');
let oneWorker = 0;
for (const workers of [1, 2]) {
  const r = [cliRun(scaleTrials, workers), ...(quick ? [] : [cliRun(scaleTrials, workers)])].sort(
    (a, b) => a.seconds - b.seconds,
  )[0] as ReturnType<typeof cliRun>;
  if (workers === 1) oneWorker = r.seconds;
  out(
    `| ${workers} | ${scaleTrials.toLocaleString('en-US')} | ${r.seconds.toFixed(2)} | ${fmt((scaleTrials * 90) / r.seconds)} | ${(oneWorker / r.seconds).toFixed(2)}× | ${r.wall.toFixed(2)} |`,
  );
}

out();
out('### Memory: peak resident set size of the whole CLI process (all threads)');
out();
out('| trials | workers | run seconds | peak RSS |');
out('|---|---|---|---|');
for (const trials of quick ? [100_000, 1_000_000] : [100_000, 1_000_000, 10_000_000]) {
  const r = cliRun(trials, 2);
  out(`| ${trials.toLocaleString('en-US')} | 2 | ${r.seconds.toFixed(1)} | ${r.peakRssMb} MB |`);
}

out();
out('### Exact analysis (one core)');
out();
for (const line of exactBenchmark(quick)) out(line);

if (process.argv.includes('--write')) {
  const docPath = new URL('docs/benchmarks.md', root);
  const doc = readFileSync(docPath, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i < 0 || j < 0) throw new Error('docs/benchmarks.md has no bench markers');
  writeFileSync(docPath, `${doc.slice(0, i + start.length)}\n${lines.join('\n')}\n${doc.slice(j)}`);
  console.log('\nwrote docs/benchmarks.md');
}
