/**
 * The JIT warm-up of one thread, chunk by chunk: CPU time of six 4,096-trial chunks of the 2022
 * scenario run one after another on one model, as a worker thread runs them (issue 19).
 * Usage, from the root of the tree to measure: `node --import tsx /path/to/test/bench/warmup-chunks.ts`
 * (run it in two trees, alternating, to compare them; each tree needs its own `pnpm install`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const root = process.cwd();
const engine = await import(resolve(root, 'packages/engine/src/index.ts'));
const file = resolve(root, 'scenarios/armenia-azerbaijan-2022.yaml');
const resolveModule = (ref: string, from?: string) => {
  const base = from === undefined ? resolve(root, 'scenarios') : dirname(from);
  for (const candidate of [ref, `${ref}.yaml`]) {
    const path = resolve(base, candidate);
    if (existsSync(path) && statSync(path).isFile()) return { text: readFileSync(path, 'utf8'), file: path };
  }
  return undefined;
};
const scenario = engine.loadScenarioText(readFileSync(file, 'utf8'), { file, resolveModule }).scenario;
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const model = engine.buildModel(scenario, {});
const chunks: string[] = [];
let total = 0;
for (let r = 0; r < 6; r++) {
  const before = cpu();
  engine.simulate(model, { seed: 1, firstTrial: r * 4096, trials: 4096 });
  const seconds = cpu() - before;
  total += seconds;
  chunks.push(seconds.toFixed(3));
}
console.log(`${root}: chunk CPU s ${chunks.join(' ')}; total ${total.toFixed(3)}`);
