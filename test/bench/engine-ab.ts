/**
 * Compares the engine of several checkouts by CPU time on one core: each tree's `runScenario` on
 * the reference model and the 2022 scenario, the trees rotated every repetition, best of N.
 * Usage: `node --import tsx test/bench/engine-ab.ts /path/old,/path/new [reps] [case filter] [--bundled]`
 * (each path a checkout with its own `pnpm install`; the first is the baseline of the % columns).
 * `--bundled` times each tree's engine bundled by esbuild, as the CLI, the server and the page run
 * it; without it the engine runs as tsx compiles it module by module, where every call into another
 * module goes through an export getter (the bundle has none).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { confinedResolver } from '../../packages/node/src/confined-resolver.ts';
import { bundleForBench } from './bench-paths.ts';

interface Engine {
  loadScenarioText(
    text: string,
    options: { file: string; resolveModule: (ref: string, from?: string) => { text: string; file: string } | undefined },
  ): { scenario: { time: object } };
  runScenario(scenario: object, options: { trials: number; seed: number; stepOnly?: boolean }): unknown;
}

const bundled = process.argv.includes('--bundled');
const args = process.argv.slice(2).filter((a) => a !== '--bundled');
const roots = (args[0] ?? '').split(',').filter((r) => r !== '');
if (roots.length === 0) {
  console.error('usage: node --import tsx test/bench/engine-ab.ts OLD_TREE,NEW_TREE[,...] [reps] [case filter a|b] [--bundled]');
  process.exit(2);
}
const reps = Number(args[1] ?? 5);
const only = args[2];

/** Tree `root`'s engine as one esbuild bundle (see `bundleForBench`). */
async function bundledEngine(root: string): Promise<Engine> {
  const entry = join(mkdtempSync(join(tmpdir(), 'engine-ab-')), 'engine.ts');
  writeFileSync(entry, `export { loadScenarioText, runScenario } from ${JSON.stringify(resolve(root, 'packages/engine/src/index.ts'))};\n`);
  return import(pathToFileURL(bundleForBench(entry)).href);
}

const engines: Engine[] = await Promise.all(
  roots.map((r) => (bundled ? bundledEngine(r) : import(resolve(r, 'packages/engine/src/index.ts')))),
);
console.log(bundled ? 'Engines bundled by esbuild.' : 'Engines as tsx compiles them.');

/** A scenario of tree `root`, its modules resolved inside that tree by the server's resolver. */
function load(engine: Engine, root: string, file: string): { time: object } {
  const path = resolve(root, file);
  const resolveModule = confinedResolver(resolve(root, 'scenarios'));
  return engine.loadScenarioText(readFileSync(path, 'utf8'), { file: path, resolveModule }).scenario;
}

const REFERENCE = 'scenarios/reference/caucasus-reference.yaml';
const cases = [
  { name: 'reference, daily, skipping', file: REFERENCE, time: { dt: 1 }, trials: 100_000 },
  { name: 'reference, hourly, skipping', file: REFERENCE, time: { dt: 1 / 24 }, trials: 10_000 },
  { name: 'reference, 1-day horizon, skipping', file: REFERENCE, time: { dt: 1, horizon: 1 }, trials: 300_000 },
  { name: 'reference, daily, stepping only', file: REFERENCE, time: { dt: 1 }, trials: 20_000, stepOnly: true },
  { name: '2022 scenario, skipping', file: 'scenarios/armenia-azerbaijan-2022.yaml', time: {}, trials: 10_000 },
].filter((c) => only === undefined || only.split('|').some((o) => c.name.includes(o)));

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

console.log(`CPU time, best of ${reps}, trials/s:`);
console.log(
  `| case (trials) | ${roots.join(' | ')} | ${roots
    .slice(1)
    .map((r) => `${r} vs ${roots[0]}`)
    .join(' | ')} |`,
);
console.log(
  `|---|${roots.map(() => '---|').join('')}${roots
    .slice(1)
    .map(() => '---|')
    .join('')}`,
);
for (const c of cases) {
  const scenarios = engines.map((engine, k) => {
    const s = load(engine, roots[k] as string, c.file);
    return { ...s, time: { ...s.time, ...c.time } };
  });
  const options = { trials: c.trials, seed: 1, ...(c.stepOnly ? { stepOnly: true } : {}) };
  // Warm every tree up first, so the JIT has compiled each before anything is timed.
  engines.forEach((engine, k) => engine.runScenario(scenarios[k] as object, { ...options, trials: Math.ceil(c.trials / 5) }));
  const best = roots.map(() => Number.POSITIVE_INFINITY);
  for (let r = 0; r < reps; r++) {
    for (let j = 0; j < roots.length; j++) {
      const k = (j + r) % roots.length;
      const t0 = cpuSeconds();
      engines[k]?.runScenario(scenarios[k] as object, options);
      best[k] = Math.min(best[k] as number, cpuSeconds() - t0);
    }
  }
  const rates = best.map((t) => Math.round(c.trials / t));
  const base = rates[0] as number;
  const changes = rates.slice(1).map((x) => `${x >= base ? '+' : ''}${((x / base - 1) * 100).toFixed(1)}%`);
  console.log(
    `| ${c.name} (${c.trials.toLocaleString('en-US')}) | ${rates.map((x) => x.toLocaleString('en-US')).join(' | ')} | ${changes.join(' | ')} |`,
  );
}
