/** `georisk sensitivity`: which parameters drive each metric (tornado, Morris or Sobol'), as a ranked table or JSON. */
import { availableParallelism } from 'node:os';
import {
  analyseSensitivity,
  DEFAULT_RESAMPLES,
  DEFAULT_SEED,
  DEFAULT_SENSITIVITY_TRIALS,
  DEFAULT_TRIAL_STEP_BUDGET,
  GeoriskError,
  type ParameterRange,
  planSensitivity,
  pointMeans,
  type RunSummary,
  SENSITIVITY_METHODS,
  type SensitivityMethod,
  type SensitivityPlan,
  type SensitivityResult,
} from '@georisk/engine';
import { connectQueue } from '@georisk/queue';
import { InvalidArgumentError, Option } from 'commander';
import { EXIT, locateScenarioIssues, output, type RegisterCommand, wholeNumber } from '../cli-common.ts';
import { collectVary, commaList, pointProgress } from '../design-options.ts';
import { formatNumber } from '../format.ts';
import { loadScenarioFile } from '../load.ts';
import { startWorkerThreads } from '../parallel.ts';
import { runPlanPoints } from '../queue-progress.ts';

interface SensitivityFlags {
  method: SensitivityMethod;
  vary: ParameterRange[];
  metrics?: string[];
  samples?: number;
  trials: number;
  seed: number;
  workers: number;
  resamples: number;
  percentiles?: [number, number];
  format: 'table' | 'json';
  out?: string;
  budget: number;
  progress: boolean;
  queue?: string;
}

function percentilePair(value: string): [number, number] {
  const parts = value.split(',').map(Number);
  if (parts.length !== 2 || !parts.every(Number.isFinite))
    throw new InvalidArgumentError(`expected two percentiles low,high, e.g. 10,90, got "${value}"`);
  return parts as [number, number];
}

function renderTable(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const interval = ([lo, hi]: [number, number]) => `[${formatNumber(lo)}, ${formatNumber(hi)}]`;

/** The readable report: one ranked table per metric. */
export function formatSensitivity(r: SensitivityResult): string {
  const out: string[] = [
    `${r.method === 'sobol' ? "Sobol' indices (Saltelli sampling, Jansen estimators, 95% bootstrap intervals)" : r.method === 'morris' ? 'Morris elementary effects (per full parameter range)' : 'Tornado: each parameter at the ends of its range, the others at their defaults'}`,
    `${r.params.length} parameters, ${r.modelRuns.toLocaleString('en-US')} points × ${r.trials.toLocaleString('en-US')} trials, seed ${r.seed}`,
  ];
  for (const m of r.metrics) {
    out.push('', m.metric + (m.base !== undefined ? ` (at the defaults: ${formatNumber(m.base)})` : ''));
    if (m.tornado) {
      out.push(
        renderTable([
          ['parameter', 'low', 'high', 'metric at low', 'metric at high', 'swing'],
          ...m.tornado.map((b) => [
            b.param,
            formatNumber(b.low),
            formatNumber(b.high),
            formatNumber(b.outputLow),
            formatNumber(b.outputHigh),
            formatNumber(b.swing),
          ]),
        ]),
      );
    } else if (m.morris) {
      out.push(
        renderTable([
          ['parameter', 'μ*', 'μ* 95% CI', 'μ', 'σ'],
          ...m.morris.map((e) => [e.param, formatNumber(e.muStar), interval(e.muStarCi95), formatNumber(e.mu), formatNumber(e.sigma)]),
        ]),
      );
    } else if (m.sobol) {
      out.push(
        renderTable([
          ['parameter', 'total', 'total 95% CI', 'first', 'first 95% CI'],
          ...m.sobol.map((s) => [s.param, formatNumber(s.total), interval(s.totalCi95), formatNumber(s.first), interval(s.firstCi95)]),
        ]),
      );
    }
    for (const w of m.warnings) out.push(`warning: ${w}`);
  }
  return `${out.join('\n')}\n`;
}

async function sensitivityCommand(file: string, flags: SensitivityFlags): Promise<void> {
  // Sweeps are nearly always large: the worker threads load while the scenario is read and planned.
  if (flags.queue === undefined) startWorkerThreads(flags.workers);
  const loaded = loadScenarioFile(file);
  let plan: SensitivityPlan;
  try {
    plan = planSensitivity(loaded.scenario, {
      method: flags.method,
      vary: flags.vary,
      trials: flags.trials,
      seed: flags.seed,
      resamples: flags.resamples,
      budget: flags.budget,
      ...(flags.metrics ? { metrics: flags.metrics } : {}),
      ...(flags.samples !== undefined ? { samples: flags.samples } : {}),
      ...(flags.percentiles ? { percentiles: flags.percentiles } : {}),
    });
  } catch (error) {
    if (error instanceof GeoriskError) throw new GeoriskError(locateScenarioIssues(loaded, error.issues));
    throw error;
  }
  const outputs: number[][] = [];
  const queue = flags.queue === undefined ? undefined : await connectQueue(flags.queue);
  const progress = pointProgress(flags.progress && queue === undefined, plan.sweep.points.length, flags.method);
  const started = performance.now();
  const onPoint = (index: number, summary: RunSummary) => {
    outputs[index] = pointMeans(plan.sweep, summary);
    progress.update(index + 1);
  };
  try {
    await runPlanPoints(plan.sweep, { queue, workers: flags.workers, progress: flags.progress, onPoint });
  } catch (error) {
    if (error instanceof GeoriskError) throw new GeoriskError(locateScenarioIssues(loaded, error.issues));
    throw error;
  } finally {
    progress.stop();
    await queue?.close();
  }
  const result = analyseSensitivity(plan, outputs);
  const seconds = (performance.now() - started) / 1000;
  for (const m of result.metrics) for (const w of m.warnings) if (flags.format === 'json') process.stderr.write(`warning: ${w}\n`);
  const text =
    flags.format === 'json'
      ? `${JSON.stringify({ ...result, timing: { seconds, workers: flags.workers } }, null, 2)}\n`
      : formatSensitivity(result);
  output(text, flags.out);
}

/** Registers `sensitivity`. */
export const registerSensitivity: RegisterCommand = (program, setExit) => {
  program
    .command('sensitivity')
    .description('rank the parameters that drive each metric: tornado, Morris (μ*, μ, σ) or Sobol (first and total order)')
    .argument('<file>', 'scenario file (YAML or JSON)')
    .addOption(new Option('-m, --method <method>', 'analysis').choices(SENSITIVITY_METHODS).default('sobol'))
    .option(
      '--vary <name=lo:hi>',
      'a parameter to include, with its range (repeatable; default: every parameter with a range)',
      collectVary,
      [],
    )
    .option('--metrics <m1,m2>', 'metrics to analyse (default: all)', commaList)
    .option(
      '--samples <n>',
      "Sobol': base samples N, a power of two (N × (D + 2) points; default 256); Morris: trajectories (default 20)",
      wholeNumber('--samples', 1),
    )
    .option(
      '-n, --trials <n>',
      'trials per point (a point’s output is the metric mean over them)',
      wholeNumber('--trials', 1),
      DEFAULT_SENSITIVITY_TRIALS,
    )
    .option('-s, --seed <seed>', 'random seed (design, bootstrap and trials)', wholeNumber('--seed', 0), DEFAULT_SEED)
    .option('-w, --workers <n>', 'worker threads (never changes the numbers)', wholeNumber('--workers', 1), availableParallelism())
    .option('--resamples <n>', 'bootstrap resamples for the intervals', wholeNumber('--resamples', 10), DEFAULT_RESAMPLES)
    .option(
      '--percentiles <lo,hi>',
      'tornado: percentiles of each uncertain parameter instead of its range ends, e.g. 10,90',
      percentilePair,
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --out <file>', 'write the output to a file (atomically) instead of stdout')
    .option('--budget <trialSteps>', 'ceiling on trials × steps per point', wholeNumber('--budget', 1), DEFAULT_TRIAL_STEP_BUDGET)
    .option('--queue <url>', 'run the model runs on `georisk worker`s sharing this Redis queue (redis://HOST:PORT/N) instead of here')
    .option('--no-progress', 'never show a progress bar')
    .action(async (file: string, flags: SensitivityFlags) => {
      await sensitivityCommand(file, flags);
      setExit(EXIT.ok);
    });
};
