/**
 * Every Markov-representable scenario in scenarios/ is run by Monte Carlo (100,000 trials, fixed
 * seed, uncertain parameters held at their values as exact analysis holds them) and every
 * reported probability and mean is compared with the exact answer: each must lie
 * within 4.5 standard errors of it (two-sided false alarm ≈ 6.8e-6 per check). The suite makes a
 * few hundred checks (the count is printed), so its overall false-alarm rate is about 3e-3; the
 * seed is fixed, so the outcome is deterministic and a failure means a real disagreement or a
 * very unlucky seed — rerun with another seed to tell which.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeExact, GeoriskError, loadScenarioText, type ModuleResolver, runScenario } from '../../packages/engine/src/index.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TRIALS = 100_000;
const SEED = 20_220_913;
const Z = 4.5;

const resolveModule: ModuleResolver = (ref, from) => {
  const path = resolve(from === undefined ? root : dirname(from), ref);
  return existsSync(path) ? { text: readFileSync(path, 'utf8'), file: path } : undefined;
};

function scenarioFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return scenarioFiles(path);
    return /\.ya?ml$/.test(name) && !/^kind:\s*module/m.test(readFileSync(path, 'utf8')) ? [path] : [];
  });
}

// The backtest's episodes and the reference class of clashes are data, not scenarios.
const files = scenarioFiles(join(root, 'scenarios')).filter(
  (f) => !['backtest', 'reference-class', 'observations'].some((folder) => f.includes(join('scenarios', folder))),
);
let checks = 0;

/** Standard error of a proportion estimated from TRIALS trials. */
const binomialSe = (p: number) => Math.sqrt((Math.min(1, Math.max(0, p)) * (1 - Math.min(1, Math.max(0, p)))) / TRIALS);

function within(estimate: number, exact: number, se: number): void {
  checks++;
  if (se === 0) expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(exact)));
  else expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(Z * se);
}

describe.each(files.map((f) => [relative(root, f), f]))('%s', (_name, file) => {
  const { scenario } = loadScenarioText(readFileSync(file, 'utf8'), { file, resolveModule });
  let exact: ReturnType<typeof analyzeExact> | undefined;
  try {
    // Every state's "ever", which the solver gives unasked only over a small joint space (2023 is not one).
    exact = analyzeExact(scenario, {}, { everyState: true });
  } catch (error) {
    if (!(error instanceof GeoriskError) || error.code !== 'not_markov') throw error;
  }
  it.runIf(exact !== undefined)('Monte Carlo agrees with the exact answer', () => {
    if (!exact) return;
    // Exact answers hold uncertain parameters at their values; so must the sampling it is checked against.
    const fixed = Object.fromEntries(
      Object.entries(scenario.parameters)
        .filter(([, p]) => p.uncertainty !== undefined)
        .map(([name, p]) => [name, p.default]),
    );
    const mc = runScenario(scenario, { trials: TRIALS, seed: SEED, overrides: fixed });
    for (const [name, t] of Object.entries(exact.tracks)) {
      for (const state of t.states) {
        for (const kind of ['final', 'ever'] as const) {
          const p = t[kind][state]!;
          within(mc.tracks[name]![kind][state]!, p, binomialSe(p));
        }
      }
    }
    for (const [name, m] of Object.entries(exact.metrics)) {
      const estimate = mc.metrics[name];
      if (!estimate) throw new Error(`metric ${name} missing from the Monte Carlo result`);
      within(estimate.mean, m.mean, estimate.se);
      if (m.censored !== undefined) within(estimate.censored!, m.censored, binomialSe(m.censored));
    }
  });
});

describe('coverage of the suite', () => {
  it('includes the reference model and reports its size', () => {
    expect(files.some((f) => f.endsWith('caucasus-reference.yaml'))).toBe(true);
    console.log(`exact vs Monte Carlo: ${checks} checks over ${files.length} scenario files`);
  });
});
