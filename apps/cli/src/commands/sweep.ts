/**
 * `georisk sweep`: one row per point of a grid, Latin hypercube or Sobol' design, streamed in
 * point order to stdout or a file. A file is written as FILE.partial (with FILE.partial.json
 * naming the sweep) and renamed to FILE only when complete; `--resume` continues a partial file,
 * and the finished file is byte-identical to an uninterrupted run.
 */

import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import {
  DEFAULT_SEED,
  DEFAULT_SWEEP_TRIALS,
  DEFAULT_TRIAL_STEP_BUDGET,
  describeLevels,
  formatSweepHeader,
  formatSweepRow,
  GeoriskError,
  type ParameterRange,
  planSweep,
  type QuantileName,
  type RunSummary,
  type SweepDesign,
  type SweepFormat,
  type SweepPlan,
  sweepRow,
} from '@georisk/engine';
import { connectQueue, type QueueConnection } from '@georisk/queue';
import { Option } from 'commander';
import {
  checkOutputPath,
  EXIT,
  locateScenarioIssues,
  OutputError,
  type RegisterCommand,
  terminalSafe,
  UsageError,
  wholeNumber,
  writeAtomically,
} from '../cli-common.ts';
import { collectVary, commaList } from '../design-options.ts';
import { loadScenarioFile } from '../load.ts';
import { startWorkerThreads } from '../parallel.ts';
import { progressBar } from '../progress-bar.ts';
import { runPlanPoints } from '../queue-progress.ts';
import { sweepTable } from '../sweep-table.ts';

interface SweepFlags {
  vary: ParameterRange[];
  lhs?: number;
  sobol?: number;
  trials: number;
  seed: number;
  workers: number;
  out?: string;
  format?: SweepFormat | 'table';
  resume?: boolean;
  metrics?: string[];
  quantiles?: string[];
  budget: number;
  progress: boolean;
  queue?: string;
}

function designOf(flags: SweepFlags): SweepDesign {
  if (flags.lhs !== undefined && flags.sobol !== undefined) throw new UsageError('choose one of --lhs and --sobol');
  if (flags.lhs !== undefined) return { method: 'lhs', samples: flags.lhs, vary: flags.vary };
  if (flags.sobol !== undefined) return { method: 'sobol', samples: flags.sobol, vary: flags.vary };
  if (flags.vary.length === 0) throw new UsageError('say what to vary: --vary name=lo:hi:n (a grid), or --lhs N or --sobol N');
  return { method: 'grid', vary: flags.vary };
}

/**
 * A grid takes every value a switch or choice holds in its range, whatever n says: a one-line
 * warning per such --vary whose n differs, so nobody reads 3 levels into 2 rows.
 */
function warnUnusedLevels(flags: SweepFlags, plan: SweepPlan): void {
  for (const r of flags.vary) {
    const levels = plan.params.find((p) => p.name === r.name)?.levels;
    if (r.n === undefined || levels === undefined || r.n === levels.length) continue;
    const what = plan.scenario.parameters[r.name]?.kind === 'switch' ? 'a switch' : 'a choice';
    process.stderr.write(
      `georisk: warning: --vary ${r.name}=${r.lo}:${r.hi}:${r.n}: n = ${r.n} is not used: "${r.name}" is ${what}, so the grid takes its ${levels.length} values ${describeLevels(levels)} (write --vary ${r.name}=${r.lo}:${r.hi}, without n)\n`,
    );
  }
}

/** The rows' format: as asked; else from --out's extension; else a table for a terminal and CSV for a pipe. */
function formatOf(flags: SweepFlags): SweepFormat | 'table' {
  if (flags.format === 'table' && flags.out !== undefined)
    throw new UsageError('--format table is for a terminal: with --out choose csv or jsonl');
  if (flags.format) return flags.format;
  if (flags.out?.endsWith('.jsonl') || flags.out?.endsWith('.ndjson')) return 'jsonl';
  if (flags.out === undefined && process.stdout.isTTY === true) return 'table';
  return 'csv';
}

/** What FILE.partial.json records, so a resume never mixes rows of two different sweeps. */
interface PartialState {
  fingerprint: string;
  format: SweepFormat;
  points: number;
}

/** Opens FILE.partial for appending; returns the first point still to run. */
function openPartial(plan: SweepPlan, out: string, format: SweepFormat, resume: boolean): { fd: number; start: number } {
  const partial = `${out}.partial`;
  const stateFile = `${partial}.json`;
  const header = formatSweepHeader(plan, format);
  const state: PartialState = { fingerprint: plan.fingerprint, format, points: plan.points.length };
  // The working files are written and read like --out itself: never a link, pipe, device or directory.
  checkOutputPath(partial);
  checkOutputPath(stateFile);
  if (existsSync(partial) && existsSync(stateFile)) {
    if (!resume) {
      throw new UsageError(
        `"${partial}" is left from an interrupted sweep: add --resume to continue it, or delete it (and ${stateFile}) to start again`,
      );
    }
    let saved: PartialState;
    try {
      saved = JSON.parse(readFileSync(stateFile, 'utf8')) as PartialState;
    } catch {
      throw new UsageError(`cannot read "${stateFile}"; delete "${partial}" and it to start again`);
    }
    if (saved.fingerprint !== plan.fingerprint || saved.format !== format) {
      throw new UsageError(
        `"${partial}" was written by a different sweep (scenario, design, trials, seed, metrics or format differ): resume with the same command, or delete it to start again`,
      );
    }
    // Keep whole lines only: a row cut short by the interruption is run again.
    const bytes = readFileSync(partial);
    const keep = bytes.lastIndexOf(0x0a) + 1;
    let lines = 0;
    for (let i = 0; i < keep; i++) if (bytes[i] === 0x0a) lines++;
    const headerLines = header.length > 0 ? 1 : 0;
    if (lines < headerLines) {
      writeFileSync(partial, header);
      return { fd: openSync(partial, 'a'), start: 0 };
    }
    truncateSync(partial, keep);
    return { fd: openSync(partial, 'a'), start: Math.min(plan.points.length, lines - headerLines) };
  }
  writeAtomically(stateFile, `${JSON.stringify(state)}\n`);
  try {
    writeFileSync(partial, header);
  } catch (error) {
    throw new OutputError(`cannot write "${partial}": ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return { fd: openSync(partial, 'a'), start: 0 };
}

async function sweepCommand(file: string, flags: SweepFlags): Promise<void> {
  // Sweeps are nearly always large: the worker threads load while the scenario is read and planned.
  if (flags.queue === undefined) startWorkerThreads(flags.workers);
  const loaded = loadScenarioFile(file);
  const format = formatOf(flags);
  let plan: SweepPlan;
  try {
    plan = planSweep(loaded.scenario, {
      design: designOf(flags),
      trials: flags.trials,
      seed: flags.seed,
      budget: flags.budget,
      ...(flags.metrics ? { metrics: flags.metrics } : {}),
      ...(flags.quantiles ? { quantiles: flags.quantiles as QuantileName[] } : {}),
    });
  } catch (error) {
    if (error instanceof GeoriskError) {
      // A design's sample count is given as --lhs N or --sobol N: the engine's `samples` names neither.
      const given = flags.lhs !== undefined ? 'lhs' : flags.sobol !== undefined ? 'sobol' : undefined;
      const issues = error.issues.map((i) => (given !== undefined && i.path === 'design.samples' ? { ...i, path: given } : i));
      throw new GeoriskError(locateScenarioIssues(loaded, issues));
    }
    throw error;
  }
  if (flags.resume && flags.out === undefined) throw new UsageError('--resume needs --out FILE (the file of the interrupted sweep)');
  warnUnusedLevels(flags, plan);
  // Connected before any output is opened, so an unreachable queue leaves no file behind.
  const queue = flags.queue === undefined ? undefined : await connectQueue(flags.queue);
  try {
    await writeSweep(loaded, plan, flags, format, queue);
  } finally {
    await queue?.close();
  }
}

async function writeSweep(
  loaded: ReturnType<typeof loadScenarioFile>,
  plan: SweepPlan,
  flags: SweepFlags,
  format: SweepFormat | 'table',
  queue: QueueConnection | undefined,
): Promise<void> {
  let write: (text: string) => void;
  let finish = () => {};
  let start = 0;
  let rowText = (index: number, summary: RunSummary) => formatSweepRow(plan, sweepRow(plan, index, summary), format as SweepFormat);
  if (format === 'table') {
    const table = sweepTable(plan, process.stdout.columns ?? 100);
    process.stdout.write(table.header);
    write = (text) => process.stdout.write(text);
    rowText = table.row;
    finish = () => process.stdout.write(table.footer());
  } else if (flags.out === undefined) {
    process.stdout.write(formatSweepHeader(plan, format));
    write = (text) => process.stdout.write(text);
  } else {
    const out = flags.out;
    if (existsSync(out)) {
      if (flags.resume) {
        process.stderr.write(`georisk: "${out}" is already complete; nothing to resume\n`);
        return;
      }
      throw new UsageError(`"${out}" already exists: choose another --out, or delete it first`);
    }
    const opened = openPartial(plan, out, format as SweepFormat, flags.resume === true);
    start = opened.start;
    const { fd } = opened;
    write = (text) => writeSync(fd, text);
    finish = () => {
      closeSync(fd);
      renameSync(`${out}.partial`, out);
      rmSync(`${out}.partial.json`, { force: true });
      process.stderr.write(`georisk: wrote ${plan.points.length} rows (${format.toUpperCase()}) to ${out}\n`);
    };
  }
  const progress = progressBar({
    enabled: flags.progress && queue === undefined,
    total: plan.points.length,
    label: 'sweeping',
    unit: 'points',
    showAfterMs: 500,
  });
  progress.update(start);
  const onPoint = (index: number, summary: RunSummary) => {
    write(rowText(index, summary));
    progress.update(index + 1);
  };
  // Ctrl-C ends the process at once (exit 130): say where its rows are and how to go on, as a failure does.
  const interrupted = () => {
    progress.stop();
    if (flags.out !== undefined && format !== 'table') {
      const partial = `${flags.out}.partial`;
      const queued = queue === undefined ? '' : '; chunks already queued stay in Redis, and the resumed sweep takes those finished';
      process.stderr.write(
        `\ngeorisk: interrupted; the rows so far are in "${terminalSafe(partial)}": run the same command with --resume to continue${queued}\n`,
      );
    }
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  try {
    await runPlanPoints(plan, { queue, workers: flags.workers, start, progress: flags.progress, onPoint });
  } catch (error) {
    progress.stop();
    if (flags.out !== undefined && format !== 'table') {
      // The rows so far are kept, but a scenario that failed must change, and a changed sweep cannot resume them.
      const partial = `${flags.out}.partial`;
      process.stderr.write(
        `georisk: the sweep stopped; its rows so far are in "${terminalSafe(partial)}" (with "${terminalSafe(`${partial}.json`)}")${
          error instanceof GeoriskError
            ? ': a changed scenario or design starts a new sweep, so delete both before running it again'
            : ': run the same command with --resume to continue'
        }\n`,
      );
    }
    if (error instanceof GeoriskError) throw new GeoriskError(locateScenarioIssues(loaded, error.issues));
    throw error;
  } finally {
    process.off('SIGINT', interrupted);
    progress.stop();
  }
  finish();
}

/** Registers `sweep`. */
export const registerSweep: RegisterCommand = (program, setExit) => {
  program
    .command('sweep')
    .description('run a scenario at many parameter values (grid, Latin hypercube or Sobol points): one row per point')
    .argument('<file>', 'scenario file (YAML or JSON)')
    .option(
      '--vary <name=lo:hi:n>',
      'a parameter to vary (repeatable): lo:hi:n for a grid, lo:hi or just the name with --lhs/--sobol',
      collectVary,
      [],
    )
    .option(
      '--lhs <n>',
      'n points of a Latin hypercube over the varied parameters (all ranged ones when none are named)',
      wholeNumber('--lhs', 1),
    )
    .option('--sobol <n>', "n points of a Sobol' sequence over the varied parameters", wholeNumber('--sobol', 1))
    .option('-n, --trials <n>', 'trials per point', wholeNumber('--trials', 1), DEFAULT_SWEEP_TRIALS)
    .option('-s, --seed <seed>', 'random seed (every point uses it: common random numbers)', wholeNumber('--seed', 0), DEFAULT_SEED)
    .option('-w, --workers <n>', 'worker threads (never changes the numbers)', wholeNumber('--workers', 1), availableParallelism())
    .option('-o, --out <file>', 'write rows to a file (.csv or .jsonl); finished files appear only when complete')
    .addOption(
      new Option('-f, --format <format>', 'row format (default: from --out; else a table on a terminal, csv through a pipe)').choices([
        'csv',
        'jsonl',
        'table',
      ]),
    )
    .option('--resume', 'continue an interrupted sweep into --out')
    .option('--metrics <m1,m2>', 'metrics to report (default: all)', commaList)
    .option('--quantiles <q1,q2>', 'quantile columns per metric (default: p5,p50,p95)', commaList)
    .option('--budget <trialSteps>', 'ceiling on trials × steps per point', wholeNumber('--budget', 1), DEFAULT_TRIAL_STEP_BUDGET)
    .option('--queue <url>', 'run the chunks on `georisk worker`s sharing this Redis queue (redis://HOST:PORT/N) instead of here')
    .option('--no-progress', 'never show a progress bar')
    .action(async (file: string, flags: SweepFlags) => {
      await sweepCommand(file, flags);
      setExit(EXIT.ok);
    });
};
