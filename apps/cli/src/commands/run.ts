/** `georisk run`: Monte Carlo over a scenario, printed as a table, JSON or CSV. */
import { availableParallelism } from 'node:os';
import {
  buildModel,
  checkRunOptions,
  DEFAULT_SEED,
  DEFAULT_TRIAL_STEP_BUDGET,
  DEFAULT_TRIALS_PER_DRAW,
  exactOverPriors,
  finalizeResult,
  GeoriskError,
  MAX_EXACT_DRAWS,
  type Overrides,
  type RunResult,
} from '@georisk/engine';
import { ModelCache } from '@georisk/engine/chunks';
import { type Command, Option } from 'commander';
import { collectSet, EXIT, locateScenarioIssues, output, type RegisterCommand, UsageError, wholeNumber } from '../cli-common.ts';
import { formatCliIssues } from '../cli-issues.ts';
import { formatCsv, formatTable } from '../format.ts';
import { loadScenarioFile } from '../load.ts';
import { runTrials, startWorkerThreads, stepsOf, threadsFor, threadsForSteps, withExactLanes } from '../parallel.ts';
import { progressBar } from '../progress-bar.ts';
import { warnIfLargeResult } from '../result-size-warning.ts';
import { runNotes } from '../run-notes.ts';
import { compareWithExact, exactForFile, formatComparison } from './exact.ts';
import { uncertaintyCommand } from './run-uncertainty.ts';

interface RunFlags {
  trials: number;
  seed: number;
  set: Overrides;
  workers: number;
  format: 'table' | 'json' | 'csv';
  out?: string;
  budget: number;
  stepOnly?: boolean;
  progress: boolean;
  exact?: boolean;
  exactDraws: number;
  uncertainty?: number;
  design: 'lhs' | 'sobol';
  trialsPerDraw: number;
  method: 'auto' | 'exact' | 'sample';
  metrics?: string[];
  queue?: string;
}

async function runCommand(file: string, flags: RunFlags): Promise<void> {
  const loaded = loadScenarioFile(file);
  // The worker threads start (about 0.3 s of CPU each) while this thread builds and checks the model.
  const steps = stepsOf(loaded.scenario);
  const threads = threadsForSteps(steps, flags.trials, flags.workers);
  // A run over its budget is refused below: it starts no threads.
  if (threads > 1 && flags.trials * steps <= flags.budget) startWorkerThreads(threads);
  let model: ReturnType<typeof buildModel>;
  try {
    model = buildModel(loaded.scenario, flags.set);
    // Problems with the command line itself (an override outside its range) are worth a word on
    // stderr, and so is a scenario without metrics (its table would be empty).
    const notes = model.warnings.filter((w) => w.code === 'bad_override' || w.path === 'metrics');
    if (notes.length > 0) process.stderr.write(`${formatCliIssues(locateScenarioIssues(loaded, notes))}\n`);
    checkRunOptions(model, { trials: flags.trials, seed: flags.seed, budget: flags.budget });
    warnIfLargeResult(model);
  } catch (error) {
    if (error instanceof GeoriskError) throw new GeoriskError(locateScenarioIssues(loaded, error.issues));
    throw error;
  }
  const started = performance.now();
  const progress = progressBar({ enabled: flags.progress, total: flags.trials, label: 'running', unit: 'trials', showAfterMs: 1000 });
  const summary = await runTrials(model, {
    seed: flags.seed,
    trials: flags.trials,
    workers: flags.workers,
    overrides: flags.set,
    stepOnly: flags.stepOnly === true,
    // Without a bar the trials report no progress at all.
    ...(progress.active ? { onProgress: progress.update } : {}),
  })
    .catch((error: unknown) => {
      if (error instanceof GeoriskError) throw new GeoriskError(locateScenarioIssues(loaded, error.issues));
      throw error;
    })
    .finally(progress.stop);
  const seconds = (performance.now() - started) / 1000;
  // The threads actually used: a small run stays on this thread whatever --workers says.
  const workers = threadsFor(model, flags.trials, flags.workers);
  const result = finalizeResult(model, summary, { seed: flags.seed, overrides: flags.set, seconds, workers });
  // Peak memory of the whole process (every thread), for benchmarks; like all timing, not part of the receipt.
  const timing: RunResult['timing'] & { peakRssMb?: number } = result.timing;
  timing.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  // --exact: the exact answer beside each estimate (a check of the sampler, or of a scenario change).
  const exact = flags.exact ? exactForFile(file, flags.set) : undefined;
  const averaged = exact && model.params.uncertainty.some((d) => d !== undefined) ? await averageOverPriors(loaded, flags) : undefined;
  const comparison = exact ? compareWithExact(result, exact, model, averaged) : undefined;
  const text =
    flags.format === 'json'
      ? `${JSON.stringify(comparison && exact ? { ...result, exact: { metrics: comparison, unavailable: exact.unavailable } } : result, null, 2)}\n`
      : flags.format === 'csv'
        ? formatCsv(result)
        : `${formatTable(result, runNotes(loaded.scenario, flags.set))}${comparison && exact ? formatComparison(comparison, exact.unavailable) : ''}`;
  output(text, flags.out);
}

/**
 * With --exact: the exact answer averaged over the declared priors that Monte Carlo draws (none with
 * --exact-draws 0), the draws solved on --workers threads (the same bits on any number), with a
 * progress bar on a terminal.
 */
async function averageOverPriors(loaded: ReturnType<typeof loadScenarioFile>, flags: RunFlags) {
  if (flags.exactDraws === 0) return undefined;
  const threads = Math.max(1, Math.min(flags.workers, flags.exactDraws));
  const progress = progressBar({
    enabled: flags.progress,
    total: flags.exactDraws,
    label: 'solving the exact draws',
    unit: 'draws',
    showAfterMs: 500,
  });
  try {
    return await withExactLanes(threads, new ModelCache(), (exactLanes) =>
      exactOverPriors(loaded.scenario, flags.set, flags.exactDraws, flags.seed, { exactLanes, onDraw: progress.update }),
    );
  } catch (error) {
    if (error instanceof GeoriskError) throw new GeoriskError(locateScenarioIssues(loaded, error.issues));
    throw error;
  } finally {
    progress.stop();
  }
}

/** Flags that only a plain run, or only an uncertainty run, reads, with the fix when given to the other. */
const PLAIN_ONLY: [keyof RunFlags, string][] = [
  ['trials', '--trials is for a plain run: with --uncertainty N, give the trials of each sampled draw as --trials-per-draw'],
  ['exact', '--exact is for a plain run: with --uncertainty N, --method exact solves each draw exactly'],
  ['stepOnly', '--step-only is for a plain run: leave it out with --uncertainty N'],
];
const BAND_ONLY: (keyof RunFlags)[] = ['design', 'trialsPerDraw', 'method', 'metrics'];

/** Refuses a flag the chosen mode would silently ignore (a plain run's flag with --uncertainty, or the reverse). */
function checkModeFlags(command: Command, flags: RunFlags): void {
  const given = (key: keyof RunFlags) => command.getOptionValueSource(key) === 'cli';
  const flagOf = (key: keyof RunFlags) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (flags.uncertainty !== undefined) {
    for (const [key, message] of PLAIN_ONLY) if (given(key)) throw new UsageError(message);
    if (given('exactDraws')) throw new UsageError('--exact-draws is for a plain run with --exact: leave it out with --uncertainty N');
    return;
  }
  for (const key of BAND_ONLY) {
    if (given(key)) throw new UsageError(`${flagOf(key)} is for an uncertainty run: add --uncertainty N (draws), or leave it out`);
  }
  if (given('exactDraws') && flags.exact !== true) throw new UsageError('--exact-draws is for --exact: add --exact, or leave it out');
  // Checked before any trial runs, and whether or not the scenario has priors to average over.
  if (flags.exactDraws === 1) throw new UsageError('--exact-draws must be 0 (none) or at least 2');
  // Each draw is a full exact analysis: capped as --uncertainty's exact draws are, checked before any trial runs.
  if (flags.exactDraws > MAX_EXACT_DRAWS) {
    throw new UsageError(
      `--exact-draws must be at most ${MAX_EXACT_DRAWS} (each draw is a full exact analysis), got ${flags.exactDraws}: use at most ${MAX_EXACT_DRAWS}, such as the default 32`,
    );
  }
}

/** Registers `run`. */
export const registerRun: RegisterCommand = (program, setExit) => {
  program
    .command('run')
    .description('run a scenario by Monte Carlo and print outcome distributions')
    .argument('<file>', 'scenario file (YAML or JSON)')
    .option('-n, --trials <n>', 'number of trials', wholeNumber('--trials', 1), 10_000)
    .option('-s, --seed <seed>', 'random seed (same seed, same numbers)', wholeNumber('--seed', 0), DEFAULT_SEED)
    .option('--set <name=value>', 'override a parameter (repeatable)', collectSet, {})
    .option('-w, --workers <n>', 'worker threads (never changes the numbers)', wholeNumber('--workers', 1), availableParallelism())
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .option('-o, --out <file>', 'write the output to a file (atomically) instead of stdout')
    .option('--budget <trialSteps>', 'ceiling on trials × steps', wholeNumber('--budget', 1), DEFAULT_TRIAL_STEP_BUDGET)
    .option('--step-only', 'disable quiet-step skipping (for checking; slower, same distribution)')
    .option('--no-progress', 'never show a progress bar')
    .option('--exact', 'also solve the scenario exactly and show each estimate beside the exact value with its z-score')
    .option(
      '--exact-draws <n>',
      'with --exact: draws of the uncertain parameters over which the exact answer is also averaged, as Monte Carlo averages it (0: none)',
      wholeNumber('--exact-draws', 0),
      32,
    )
    .option(
      '--uncertainty <draws>',
      "draw the parameters from their priors this many times: each metric's band across what we do not know",
      wholeNumber('--uncertainty', 2),
    )
    .addOption(
      new Option('--design <design>', 'with --uncertainty: how the draws fill the priors').choices(['lhs', 'sobol']).default('lhs'),
    )
    .option(
      '--trials-per-draw <n>',
      'with --uncertainty: trials per sampled draw',
      wholeNumber('--trials-per-draw', 1),
      DEFAULT_TRIALS_PER_DRAW,
    )
    .addOption(
      new Option(
        '--method <method>',
        'with --uncertainty: solve each draw exactly (Markov chains) or sample it; auto picks exact when it can',
      )
        .choices(['auto', 'exact', 'sample'])
        .default('auto'),
    )
    .option('--metrics <names>', 'with --uncertainty: report only these metrics (comma-separated)', (v: string) =>
      v.split(',').filter(Boolean),
    )
    .option(
      '--queue <url>',
      'with --uncertainty: run the draws on `georisk worker`s sharing this Redis queue (redis://HOST:PORT/N) instead of here',
    )
    .action(async (file: string, flags: RunFlags, command: Command) => {
      checkModeFlags(command, flags);
      if (flags.queue !== undefined && flags.uncertainty === undefined) {
        throw new UsageError(
          '--queue needs --uncertainty N: a plain run stays on this machine (its trials are one point); for many points use `georisk sweep --queue`',
        );
      }
      if (flags.uncertainty !== undefined) await uncertaintyCommand(file, { ...flags, uncertainty: flags.uncertainty });
      else await runCommand(file, flags);
      setExit(EXIT.ok);
    });
};
