/** `georisk sensitivity`: which parameters drive each metric (tornado, Morris or Sobol'), as a ranked table or JSON. */
import { availableParallelism } from 'node:os';
import {
  analyseSensitivity,
  continueSensitivity,
  DEFAULT_REPLICATES,
  DEFAULT_RESAMPLES,
  DEFAULT_SAMPLES,
  DEFAULT_SEED,
  DEFAULT_SENSITIVITY_TRIALS,
  DEFAULT_TRIAL_STEP_BUDGET,
  exactPlanOutputs,
  GeoriskError,
  type ParameterRange,
  planSensitivity,
  type RunSummary,
  type ScenarioDocument,
  SENSITIVITY_METHODS,
  SENSITIVITY_SOLVERS,
  type SensitivityMethod,
  type SensitivityOptions,
  type SensitivityPlan,
  type SensitivityResult,
  type SensitivitySolverChoice,
  SOBOL_SAMPLINGS,
  screenOnly,
  summaryOutputs,
  withScreening,
} from '@georisk/engine';
import { connectQueue } from '@georisk/queue';
import { InvalidArgumentError, Option } from 'commander';
import { EXIT, locateScenarioIssues, output, type RegisterCommand, UsageError, wholeNumber } from '../cli-common.ts';
import { collectVary, commaList } from '../design-options.ts';
import { errorPlaces, formatAtPlaces, formatNumber } from '../format.ts';
import { loadScenarioFile } from '../load.ts';
import { startWorkerThreads } from '../parallel.ts';
import { progressBar } from '../progress-bar.ts';
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
  sampling: string;
  replicates: number;
  solver: SensitivitySolverChoice;
  screenSamples: number;
  group: Record<string, string[]>;
  groupBy?: 'module';
}

/** Collects repeated `--group name=a,b,c` flags into a record. */
function collectGroup(value: string, previous: Record<string, string[]>): Record<string, string[]> {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(value);
  if (!m)
    throw new InvalidArgumentError(
      `expected name=param1,param2, e.g. fatalities=armenian_fatality_rate,civilian_fatality_rate, got "${value}"`,
    );
  const members = (m[2] ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  return { ...previous, [m[1] ?? '']: members };
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
/** The mark of a bar that cannot be told from no effect. */
const noise = (within: boolean, exact: boolean, zero = 'no effect') => (within ? (exact ? zero : 'within noise') : '');

function methodTitle(r: SensitivityResult): string {
  if (r.method === 'sobol')
    return `Sobol' indices (Saltelli sampling from ${r.sampling === 'uniform' ? 'uniform ranges' : 'the priors'}, Jansen estimators, 95% intervals across ${r.replicates} randomized replicates)`;
  if (r.method === 'morris') return 'Morris elementary effects (per full parameter range)';
  if (r.percentiles !== undefined)
    return `Tornado: each parameter at the ${r.percentiles[0]}th and ${r.percentiles[1]}th percentiles of its prior (a switch or choice at its first and last value), the others at their defaults`;
  return 'Tornado: each parameter at the ends of its range, the others at their defaults';
}

function metricTable(r: SensitivityResult, m: SensitivityResult['metrics'][number]): string | undefined {
  if (m.tornado) {
    return renderTable([
      ['parameter', 'low', 'high', 'metric at low', 'metric at high', 'swing', 'swing 95% CI', ''],
      ...m.tornado.map((b) => [
        b.param,
        formatNumber(b.low),
        formatNumber(b.high),
        formatNumber(b.outputLow),
        formatNumber(b.outputHigh),
        formatNumber(b.swing),
        r.solver === 'exact' ? 'exact' : interval(b.swingCi95),
        noise(b.withinNoise, r.solver === 'exact'),
      ]),
    ]);
  }
  if (m.morris) {
    return renderTable([
      ['parameter', 'μ*', 'μ* 95% CI', 'μ', 'σ', 'noise floor', ''],
      ...m.morris.map((e) => [
        e.param,
        formatNumber(e.muStar),
        interval(e.muStarCi95),
        formatNumber(e.mu),
        formatNumber(e.sigma),
        formatNumber(e.noiseFloor),
        noise(e.withinNoise, r.solver === 'exact'),
      ]),
    ]);
  }
  if (m.sobol && !(m.variance !== undefined && m.variance > 0)) {
    // No variance to share out: the indices are undefined (the warnings say so), not NaN.
    return renderTable([['parameter', 'total', 'first', ''], ...m.sobol.map((s) => [s.param, 'undefined', 'undefined', 'no variance'])]);
  }
  if (m.sobol) {
    // Shares of variance in [0, 1], all to the places that two significant digits of the narrowest
    // interval reach (2 to 4): one column reads at one precision (0.481 [0.360, 0.603]).
    const half = ([lo, hi]: [number, number]) => (hi - lo) / 2;
    const places = Math.min(4, Math.max(2, ...m.sobol.flatMap((s) => [errorPlaces(half(s.totalCi95)), errorPlaces(half(s.firstCi95))])));
    const share = (x: number) => formatAtPlaces(x, places);
    const shares = ([lo, hi]: [number, number]) => `[${share(lo)}, ${share(hi)}]`;
    return renderTable([
      ['parameter', 'total', 'total 95% CI', 'first', 'first 95% CI', ''],
      ...m.sobol.map((s) => [
        s.param,
        share(s.total),
        shares(s.totalCi95),
        share(s.first),
        shares(s.firstCi95),
        noise(s.withinNoise, r.solver === 'exact', 'may be 0'),
      ]),
    ]);
  }
  return undefined;
}

/** The readable report: one ranked table per metric, with the solver, the noise floor and notes. */
export function formatSensitivity(r: SensitivityResult): string {
  const runs =
    r.solver === 'exact'
      ? `${r.modelRuns.toLocaleString('en-US')} points solved exactly`
      : `${r.modelRuns.toLocaleString('en-US')} points × ${r.trials.toLocaleString('en-US')} trials`;
  const out: string[] = [methodTitle(r), `${r.params.length} parameters, ${runs}, seed ${r.seed}`, `solver: ${r.solverNote}`];
  if (r.screening) {
    out.push(
      `screened first: Morris (${r.screening.samples} trajectories, ${r.screening.modelRuns.toLocaleString('en-US')} points) kept ${r.screening.kept.length} of ${r.screening.kept.length + r.screening.dropped.length} parameters; dropped ${r.screening.dropped.join(', ') || 'none'}`,
    );
  }
  if (r.groups) {
    const grouped = Object.entries(r.groups).filter(([name, members]) => members.length > 1 || members[0] !== name);
    for (const [name, members] of grouped) out.push(`group ${name}: ${members.join(', ')}`);
  }
  for (const m of r.metrics) {
    const floor = m.noiseFloor === undefined ? '' : m.noiseFloor === 0 ? ', noise-free' : `, noise floor ${formatNumber(m.noiseFloor)}`;
    out.push('', `${m.metric}${m.base !== undefined ? ` (at the defaults: ${formatNumber(m.base)})` : ''}${floor}`);
    const t = metricTable(r, m);
    if (t !== undefined) out.push(t);
    for (const n of m.notes) out.push(`note: ${n}`);
    for (const w of m.warnings) out.push(`warning: ${w}`);
  }
  return `${out.join('\n')}\n`;
}

function planFor(loaded: ReturnType<typeof loadScenarioFile>, make: () => SensitivityPlan | undefined): SensitivityPlan | undefined {
  try {
    return make();
  } catch (error) {
    if (error instanceof GeoriskError) throw new GeoriskError(locateScenarioIssues(loaded, error.issues));
    throw error;
  }
}

/** Runs one plan's points: exactly here, or by Monte Carlo on the workers or the queue. */
async function runStage(
  plan: SensitivityPlan,
  flags: SensitivityFlags,
  loaded: ReturnType<typeof loadScenarioFile>,
): Promise<SensitivityResult> {
  const outputs: number[][] = [];
  const ses: number[][] = [];
  const total = plan.sweep.points.length;
  const progress = progressBar({
    enabled: flags.progress && flags.queue === undefined,
    total,
    label: plan.method,
    unit: 'points',
    showAfterMs: 500,
  });
  try {
    if (plan.solver.solver === 'exact') {
      // The library's path: each metric solved only where a parameter it reads changes.
      const exact = exactPlanOutputs(plan.sweep);
      for (let i = 0; i < total; i++) {
        const p = exact.at(i);
        outputs[i] = p.means;
        ses[i] = p.ses;
        progress.update(i + 1);
      }
    } else {
      const queue = flags.queue === undefined ? undefined : await connectQueue(flags.queue);
      const onPoint = (index: number, summary: RunSummary) => {
        const p = summaryOutputs(plan.sweep, summary);
        outputs[index] = p.means;
        ses[index] = p.ses;
        progress.update(index + 1);
      };
      try {
        await runPlanPoints(plan.sweep, { queue, workers: flags.workers, progress: flags.progress, onPoint });
      } finally {
        await queue?.close();
      }
    }
  } catch (error) {
    if (error instanceof GeoriskError) throw new GeoriskError(locateScenarioIssues(loaded, error.issues));
    throw error;
  } finally {
    progress.stop();
  }
  return analyseSensitivity(plan, outputs, ses);
}

/** Runs the analysis, screening by Morris first when Sobol' has more parameters than one design holds. */
async function runAnalysis(
  scenario: ScenarioDocument,
  options: SensitivityOptions,
  flags: SensitivityFlags,
  loaded: ReturnType<typeof loadScenarioFile>,
) {
  const plan = planFor(loaded, () => planSensitivity(scenario, options)) as SensitivityPlan;
  const first = await runStage(plan, flags, loaded);
  if (plan.screenFor === undefined) return first;
  const next = planFor(loaded, () => continueSensitivity(scenario, plan, first));
  if (next === undefined) return screenOnly(first);
  return withScreening(first, await runStage(next, flags, loaded));
}

/** The Sobol' grouping the flags ask for: `--group-by module`, or the named `--group`s. */
function groupOptions(flags: SensitivityFlags, parameterModules: Record<string, string>): Partial<SensitivityOptions> {
  if (flags.groupBy === 'module') {
    if (Object.keys(flags.group).length > 0) {
      throw new UsageError('--group and --group-by module cannot be combined: use one of them');
    }
    return { groups: 'modules', parameterModules };
  }
  return Object.keys(flags.group).length > 0 ? { groups: flags.group } : {};
}

async function sensitivityCommand(file: string, flags: SensitivityFlags): Promise<void> {
  // Sweeps are nearly always large: the worker threads load while the scenario is read and planned.
  if (flags.queue === undefined) startWorkerThreads(flags.workers);
  const loaded = loadScenarioFile(file);
  const options: SensitivityOptions = {
    method: flags.method,
    vary: flags.vary,
    trials: flags.trials,
    seed: flags.seed,
    resamples: flags.resamples,
    budget: flags.budget,
    sampling: flags.sampling,
    replicates: flags.replicates,
    solver: flags.solver,
    screenSamples: flags.screenSamples,
    ...groupOptions(flags, loaded.parameterModules),
    ...(flags.metrics ? { metrics: flags.metrics } : {}),
    ...(flags.samples !== undefined ? { samples: flags.samples } : {}),
    ...(flags.percentiles ? { percentiles: flags.percentiles } : {}),
  };
  const started = performance.now();
  const result = await runAnalysis(loaded.scenario, options, flags, loaded);
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
      "Sobol': base samples N over all replicates, a power of two (N × (D + 2) points; default 256); Morris: trajectories (default 20)",
      wholeNumber('--samples', 1),
    )
    .option(
      '-n, --trials <n>',
      'trials per point when run by Monte Carlo (a point’s output is the metric mean over them)',
      wholeNumber('--trials', 1),
      DEFAULT_SENSITIVITY_TRIALS,
    )
    .option('-s, --seed <seed>', 'random seed (design, bootstrap and trials)', wholeNumber('--seed', 0), DEFAULT_SEED)
    .option('-w, --workers <n>', 'worker threads (never changes the numbers)', wholeNumber('--workers', 1), availableParallelism())
    .option('--resamples <n>', 'Morris: bootstrap resamples for the intervals', wholeNumber('--resamples', 10), DEFAULT_RESAMPLES)
    .addOption(
      new Option(
        '--sampling <how>',
        "Sobol': draw each parameter from its prior (declared uncertainty, else the default triangular prior over its range) or uniformly over its range",
      )
        .choices(SOBOL_SAMPLINGS)
        .default('prior'),
    )
    .option(
      '--replicates <n>',
      "Sobol': independently randomized replicates; the intervals come from their spread (a power of two, at most samples / 4)",
      wholeNumber('--replicates', 2),
      DEFAULT_REPLICATES,
    )
    .addOption(
      new Option(
        '--solver <solver>',
        'evaluate points exactly when the scenario is a Markov chain (auto), always exactly, or by Monte Carlo',
      )
        .choices(SENSITIVITY_SOLVERS)
        .default('auto'),
    )
    .option(
      '--screen-samples <n>',
      `Sobol' over more parameters than one design holds: Morris trajectories of the screen that picks the leaders`,
      wholeNumber('--screen-samples', 2),
      DEFAULT_SAMPLES.morris,
    )
    .option(
      '--percentiles <lo,hi>',
      'tornado: percentiles of each uncertain parameter instead of its range ends, e.g. 10,90',
      percentilePair,
    )
    .option(
      '--group <name=p1,p2>',
      "Sobol': analyse these parameters as one factor (repeatable; the others stand alone), so more parameters fit one design",
      collectGroup,
      {},
    )
    .addOption(
      new Option('--group-by <what>', "Sobol': one factor per included module (the scenario's own parameters stand alone)").choices([
        'module',
      ]),
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
