/**
 * `pnpm bench`: the engine against the hand-written loop on the reference model (daily and hourly
 * steps), worker scaling, and peak memory at ten million trials. Prints a Markdown report; with
 * `--write` it also replaces the generated section of docs/benchmarks.md.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { runTrials } from '../../apps/cli/src/parallel.ts';
import {
  buildModel,
  loadScenarioText,
  type Model,
  type RunResult,
  runScenario,
  type ScenarioDocument,
} from '../../packages/engine/src/index.ts';
import { type LoopMeans, referenceLoop } from './reference-loop.ts';

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

const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(1)} M` : x.toFixed(0));
const lines: string[] = [];
const out = (s = '') => {
  lines.push(s);
  console.log(s);
};

const cpu = cpus()[0]?.model ?? 'unknown CPU';
out(
  `Machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}.`,
);
out();
out('### One core: engine vs the hand-written step loop (reference model)');
out();
out('| steps | trials | hand loop (trial-steps/s) | engine, skipping | engine, stepping only | engine ÷ loop |');
out('|---|---|---|---|---|---|');

const comparisons: { label: string; loop: LoopMeans; engine: RunResult }[] = [];
for (const [label, dt, trials] of [
  ['daily (90 steps)', 1, quick ? 50_000 : 200_000],
  ['hourly (2,160 steps)', 1 / 24, quick ? 2_000 : 20_000],
] as const) {
  const scenario = withDt(reference, dt);
  const steps = Math.round(90 / dt);
  const reps = quick ? 1 : 3;
  const loop = best(reps, () => referenceLoop(trials, 1, dt));
  const engine = best(reps, () => runScenario(scenario, { trials, seed: 1 }));
  const stepping = best(1, () => runScenario(scenario, { trials: Math.ceil(trials / 4), seed: 1, stepOnly: true }));
  const rate = (secs: number, n: number) => (n * steps) / secs;
  const loopRate = rate(loop.seconds, trials);
  const engineRate = rate(engine.seconds, trials);
  out(
    `| ${label} | ${trials.toLocaleString('en-US')} | ${fmt(loopRate)} | ${fmt(engineRate)} | ${fmt(rate(stepping.seconds, Math.ceil(trials / 4)))} | **${(engineRate / loopRate).toFixed(1)}×** |`,
  );
  comparisons.push({ label, loop: loop.value, engine: engine.value });
}
out();
out('Same numbers? Engine estimate vs hand loop (different random draws), as z = difference / engine SE:');
out();
out('| steps | metric | hand loop mean | engine mean | engine SE | z |');
out('|---|---|---|---|---|---|');
for (const c of comparisons) {
  for (const [name, loopMean] of Object.entries(c.loop)) {
    const m = c.engine.metrics[name];
    if (!m) continue;
    out(
      `| ${c.label} | ${name} | ${loopMean.toFixed(4)} | ${m.mean.toFixed(4)} | ${m.se.toFixed(4)} | ${((m.mean - loopMean) / m.se).toFixed(2)} |`,
    );
  }
}

out();
out('### All cores: worker threads (reference model, daily)');
out();
const model: Model = buildModel(reference);
const scaleTrials = quick ? 200_000 : 2_000_000;
out('| workers | trials | seconds | trial-steps/s | speed-up |');
out('|---|---|---|---|---|');
let oneWorker = 0;
for (const workers of [1, 2]) {
  const t0 = performance.now();
  await runTrials(model, { seed: 1, trials: scaleTrials, workers, overrides: {} });
  const seconds = (performance.now() - t0) / 1000;
  if (workers === 1) oneWorker = seconds;
  out(
    `| ${workers} | ${scaleTrials.toLocaleString('en-US')} | ${seconds.toFixed(2)} | ${fmt((scaleTrials * 90) / seconds)} | ${(oneWorker / seconds).toFixed(2)}× |`,
  );
}

out();
out('### Memory: peak resident set size of a whole CLI run');
out();
out('| trials | workers | seconds | peak RSS |');
out('|---|---|---|---|');
for (const trials of quick ? [100_000] : [100_000, 10_000_000]) {
  const report = execFileSync(
    process.execPath,
    ['--import', 'tsx', new URL('memory-child.ts', import.meta.url).pathname, String(trials), '2'],
    {
      cwd: root.pathname,
      encoding: 'utf8',
    },
  );
  const { seconds, maxRssMb } = JSON.parse(report) as { seconds: number; maxRssMb: number };
  out(`| ${trials.toLocaleString('en-US')} | 2 | ${seconds.toFixed(1)} | ${maxRssMb.toFixed(0)} MB |`);
}

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
