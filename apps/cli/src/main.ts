#!/usr/bin/env node
/** The `georisk` command: validate and run scenarios from a shell. */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import {
  buildModel,
  checkRunOptions,
  DEFAULT_SEED,
  DEFAULT_TRIAL_STEP_BUDGET,
  ENGINE_VERSION,
  finalizeResult,
  formatIssues,
  GeoriskError,
  type Issue,
  type LoadedScenario,
  type Overrides,
  type RunResult,
  scenarioJsonSchema,
} from '@georisk/engine';
import { SingleBar } from 'cli-progress';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { formatCsv, formatTable } from './format.ts';
import { loadScenarioFile } from './load.ts';
import { runTrials, threadsFor } from './parallel.ts';

/** Exit statuses: success, invalid scenario or failed run, bad usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Issue codes that mean the command line was wrong rather than the scenario. */
const USAGE_CODES = new Set<Issue['code']>(['bad_override', 'bad_run_options', 'budget_exceeded']);

class UsageError extends Error {}

/** A file that cannot be written: the run failed, but not because of the scenario or the command line. */
class OutputError extends Error {}

function wholeNumber(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value.replaceAll('_', ''));
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number >= ${min}, got "${value}"`);
    return n;
  };
}

function collectSet(value: string, previous: Overrides): Overrides {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`expected name=value, got "${value}"`);
  const n = Number(m[2]);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`the value of ${m[1]} must be a finite number, got "${m[2]}"`);
  return { ...previous, [m[1] as string]: n };
}

/** Writes a file in one piece: to a temporary name first, then renamed over the target. */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'its directory does not exist'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : code;
    throw new OutputError(`cannot write "${path}": ${why ?? String(error)}`);
  }
}

function output(text: string, out: string | undefined): void {
  if (out === undefined) process.stdout.write(text);
  else writeAtomically(out, text);
}

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
}

/** Adds file, line and column to issues about the scenario; command-line issues have no place in the file. */
function locateScenarioIssues(loaded: LoadedScenario, issues: Issue[]): Issue[] {
  return issues.map((i) => (USAGE_CODES.has(i.code) ? i : (loaded.locate([i])[0] ?? i)));
}

async function runCommand(file: string, flags: RunFlags): Promise<void> {
  const loaded = loadScenarioFile(file);
  let model: ReturnType<typeof buildModel>;
  try {
    model = buildModel(loaded.scenario, flags.set);
    // Problems with the command line itself (an override outside its range) are worth a word on stderr.
    const notes = model.warnings.filter((w) => w.code === 'bad_override');
    if (notes.length > 0) process.stderr.write(`${formatIssues(notes)}\n`);
    checkRunOptions(model, { trials: flags.trials, seed: flags.seed, budget: flags.budget });
  } catch (error) {
    if (error instanceof GeoriskError) throw new GeoriskError(locateScenarioIssues(loaded, error.issues));
    throw error;
  }
  const started = performance.now();
  let bar: SingleBar | undefined;
  const showProgress = flags.progress && process.stderr.isTTY === true;
  const onProgress = showProgress
    ? (done: number) => {
        if (bar === undefined && performance.now() - started > 1000) {
          bar = new SingleBar({
            stream: process.stderr,
            format: 'running {bar} {percentage}% | {value}/{total} trials | ETA {eta_formatted}',
            hideCursor: true,
            clearOnComplete: true,
          });
          bar.start(flags.trials, done);
        }
        bar?.update(done);
      }
    : undefined;
  const summary = await runTrials(model, {
    seed: flags.seed,
    trials: flags.trials,
    workers: flags.workers,
    overrides: flags.set,
    stepOnly: flags.stepOnly === true,
    ...(onProgress ? { onProgress } : {}),
  })
    .catch((error: unknown) => {
      if (error instanceof GeoriskError) throw new GeoriskError(locateScenarioIssues(loaded, error.issues));
      throw error;
    })
    .finally(() => bar?.stop());
  const seconds = (performance.now() - started) / 1000;
  // The threads actually used: a small run stays on this thread whatever --workers says.
  const workers = threadsFor(model, flags.trials, flags.workers);
  const result = finalizeResult(model, summary, { seed: flags.seed, overrides: flags.set, seconds, workers });
  // Peak memory of the whole process (every thread), for benchmarks; like all timing, not part of the receipt.
  const timing: RunResult['timing'] & { peakRssMb?: number } = result.timing;
  timing.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const text =
    flags.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : flags.format === 'csv' ? formatCsv(result) : formatTable(result);
  output(text, flags.out);
}

function validateCommand(files: string[], flags: { format: 'text' | 'json' }): number {
  let failed = 0;
  const report: { file: string; valid: boolean; issues: Issue[] }[] = [];
  for (const file of files) {
    try {
      const loaded = loadScenarioFile(file);
      let model: ReturnType<typeof buildModel>;
      try {
        model = buildModel(loaded.scenario);
      } catch (error) {
        if (error instanceof GeoriskError) throw new GeoriskError(loaded.locate(error.issues));
        throw error;
      }
      const warnings = loaded.locate(model.warnings);
      report.push({ file, valid: true, issues: warnings });
      if (flags.format === 'text') {
        process.stdout.write(`ok  ${file}${warnings.length ? ` (${warnings.length} warning${warnings.length > 1 ? 's' : ''})` : ''}\n`);
        if (warnings.length) process.stdout.write(`${formatIssues(warnings)}\n`);
      }
    } catch (error) {
      if (!(error instanceof GeoriskError)) throw error;
      failed++;
      const issues = error.issues;
      report.push({ file, valid: false, issues });
      if (flags.format === 'text')
        process.stderr.write(`invalid  ${file}\n${formatIssues(issues.map((i) => ({ ...i, file: i.file ?? file })))}\n`);
    }
  }
  if (flags.format === 'json') process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return failed > 0 ? EXIT.failed : EXIT.ok;
}

/** Builds the command-line program (exported for tests). */
export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('georisk')
    .description('Probabilistic geopolitical escalation scenarios: validate, run and analyse them.')
    .version(ENGINE_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('validate')
    .description('check scenario files; exit 0 when all are valid, 1 otherwise')
    .argument('<files...>', 'scenario files (YAML or JSON)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((files: string[], flags: { format: 'text' | 'json' }) => setExit(validateCommand(files, flags)));

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
    .action(async (file: string, flags: RunFlags) => {
      await runCommand(file, flags);
      setExit(EXIT.ok);
    });

  program
    .command('schema')
    .description('print the JSON Schema of scenario files (for editors)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
      setExit(EXIT.ok);
    });
  return program;
}

/** Runs the CLI with arguments; returns the exit status instead of exiting. */
export async function main(argv: string[]): Promise<number> {
  let status: number = EXIT.ok;
  const program = buildProgram((code) => {
    status = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return status;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      // `georisk` with no command prints help on stderr with exit code 1: that is a usage error.
      if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return EXIT.usage;
    }
    if (error instanceof GeoriskError) {
      process.stderr.write(`${formatIssues(error.issues)}\n`);
      return error.issues.every((i) => USAGE_CODES.has(i.code)) ? EXIT.usage : EXIT.failed;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`georisk: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof OutputError) {
      process.stderr.write(`georisk: ${error.message}\n`);
      return EXIT.failed;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`georisk: internal error: ${message}\n(please report this; set GEORISK_DEBUG=1 for details)\n`);
    if (process.env.GEORISK_DEBUG) console.error(error);
    return EXIT.failed;
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*[\\/]/, ''));
if (isEntry) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
