/**
 * The numbers every surface must keep to the bit: receipt output hashes of each library scenario's
 * run and exact answer, one sweep, one sensitivity analysis, one discovery, through the library,
 * the CLI (two threads) and the API. Pinned by test/golden/golden.test.ts before the execution
 * layer was reshaped (issue 13); a refactor that changes any of them changed behaviour.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  analyzeExact,
  contentHash,
  discover,
  GeoriskError,
  loadScenarioText,
  type ModuleResolver,
  runScenario,
  sensitivity,
  sweep,
} from '../../packages/engine/src/index.ts';
import { ROOT } from '../helpers/cli.ts';

/** Every runnable scenario of the library (modules and module examples are not scenarios). */
export function libraryScenarios(): string[] {
  const files: string[] = [];
  for (const dir of ['scenarios', 'scenarios/reference', 'scenarios/teaching', 'scenarios/examples']) {
    for (const name of readdirSync(join(ROOT, dir)).sort()) {
      if (!name.endsWith('.yaml')) continue;
      const text = readFileSync(join(ROOT, dir, name), 'utf8');
      if (/^kind:\s*module/m.test(text)) continue;
      files.push(`${dir}/${name}`);
    }
  }
  return files;
}

/** Modules resolve against the including file's folder, as the CLI does. */
const resolveModule: ModuleResolver = (ref, from) => {
  const base = from === undefined ? join(ROOT, 'scenarios') : dirname(from);
  for (const candidate of [ref, `${ref}.yaml`]) {
    const path = resolve(base, candidate);
    if (existsSync(path) && statSync(path).isFile()) return { text: readFileSync(path, 'utf8'), file: path };
  }
  return undefined;
};

export function load(file: string) {
  const path = join(ROOT, file);
  return loadScenarioText(readFileSync(path, 'utf8'), { file: path, resolveModule }).scenario;
}

/** Drops wall-clock fields, which differ run to run. */
function withoutTiming(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (key, v) => (key === 'timing' || key === 'seconds' || key === 'millis' ? undefined : v)));
}

/** Per scenario: the run's output hash (3,000 trials, seed 11) and the exact answer's hash or the refusal's codes. */
export function libraryHashes(): Record<string, { run: string; exact: string }> {
  const out: Record<string, { run: string; exact: string }> = {};
  for (const file of libraryScenarios()) {
    const scenario = load(file);
    const run = runScenario(scenario, { trials: 3000, seed: 11 }).receipt.outputHash;
    let exact: string;
    try {
      exact = contentHash(withoutTiming(analyzeExact(scenario)));
    } catch (error) {
      if (!(error instanceof GeoriskError)) throw error;
      exact = `refused: ${[...new Set(error.issues.map((i) => i.code))].join(',')}`;
    }
    out[file] = { run, exact };
  }
  return out;
}

const ALLIANCE = 'scenarios/teaching/alliance-dilemma.yaml';

/** One sweep, one sensitivity analysis and one discovery through the library. */
export function designHashes(): Record<string, string> {
  const scenario = load(ALLIANCE);
  const grid = sweep(scenario, { design: { method: 'lhs', samples: 6 }, trials: 400, seed: 5 });
  const morris = sensitivity(scenario, { method: 'morris', samples: 4, trials: 200, seed: 3 });
  const tornado = sensitivity(scenario, { method: 'tornado', trials: 200, seed: 3 });
  const found = discover(scenario, { outcome: 'war_reached > 0', threshold: 0.1, samples: 40, trials: 100, seed: 2 });
  return {
    sweep: contentHash({ columns: grid.columns, rows: grid.rows }),
    morris: contentHash(withoutTiming(morris)),
    tornado: contentHash(withoutTiming(tornado)),
    discover: contentHash(withoutTiming(found)),
  };
}
