/** Runs the reference model through the CLI's worker pool and reports time and peak memory (for run-bench.ts). */
import { readFileSync } from 'node:fs';
import { runTrials } from '../../apps/cli/src/parallel.ts';
import { buildModel, finalizeResult, loadScenarioText } from '../../packages/engine/src/index.ts';

const trials = Number(process.argv[2] ?? 1_000_000);
const workers = Number(process.argv[3] ?? 2);
const { scenario } = loadScenarioText(readFileSync('scenarios/reference/caucasus-reference.yaml', 'utf8'));
const model = buildModel(scenario);
const t0 = performance.now();
const summary = await runTrials(model, { seed: 1, trials, workers, overrides: {} });
const seconds = (performance.now() - t0) / 1000;
finalizeResult(model, summary, { seed: 1, overrides: {}, seconds, workers });
process.stdout.write(JSON.stringify({ seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
