#!/usr/bin/env node
/** The `georisk` command: one file per command under commands/, wired together here. */
import { ENGINE_VERSION, GeoriskError } from '@georisk/engine';
import { QueueAddressError, QueueRunError } from '@georisk/queue';
import { Command, CommanderError } from 'commander';
import {
  checkNotAnInput,
  checkOutputPath,
  EXIT,
  OutputError,
  type RegisterCommand,
  terminalSafe,
  USAGE_CODES,
  UsageError,
} from './cli-common.ts';
import { formatCliIssues } from './cli-issues.ts';
import { registerBacktest } from './commands/backtest.ts';
import { registerCalibrate } from './commands/calibrate.ts';
import { registerDiscover } from './commands/discover.ts';
import { registerExact } from './commands/exact.ts';
import { registerRun } from './commands/run.ts';
import { registerSchema } from './commands/schema.ts';
import { registerSensitivity } from './commands/sensitivity.ts';
import { registerServe } from './commands/serve.ts';
import { registerSweep } from './commands/sweep.ts';
import { registerUpdate } from './commands/update.ts';
import { registerValidate } from './commands/validate.ts';
import { registerWorker } from './commands/worker.ts';
import { stopWorkerThreads } from './parallel.ts';

export { EXIT } from './cli-common.ts';

/** Every command, in the order `--help` lists them. */
const COMMANDS: RegisterCommand[] = [
  registerValidate,
  registerRun,
  registerExact,
  registerUpdate,
  registerBacktest,
  registerCalibrate,
  registerSweep,
  registerSensitivity,
  registerDiscover,
  registerWorker,
  registerSchema,
  registerServe,
];

/** Builds the command-line program (exported for tests). */
export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('georisk')
    .description('Probabilistic geopolitical escalation scenarios: validate, run and analyse them.')
    .version(ENGINE_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of COMMANDS) register(program, setExit);
  // --out is checked before any work: a path that is not a regular file (or new) is refused at once.
  program.hook('preAction', (_program, command) => {
    const { out, ...others } = command.opts() as Record<string, unknown>;
    if (typeof out !== 'string') return;
    checkOutputPath(out);
    const inputs = [...command.args, ...Object.values(others)].filter((v): v is string => typeof v === 'string');
    checkNotAnInput(out, inputs);
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
      process.stderr.write(`${formatCliIssues(error.issues)}\n`);
      return error.issues.every((i) => USAGE_CODES.has(i.code)) ? EXIT.usage : EXIT.failed;
    }
    if (error instanceof UsageError || error instanceof QueueAddressError) {
      process.stderr.write(`georisk: ${terminalSafe(error.message)}\n`);
      return EXIT.usage;
    }
    if (error instanceof OutputError || error instanceof QueueRunError) {
      process.stderr.write(`georisk: ${terminalSafe(error.message)}\n`);
      return EXIT.failed;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`georisk: internal error: ${terminalSafe(message)}\n(please report this; set GEORISK_DEBUG=1 for details)\n`);
    if (process.env.GEORISK_DEBUG) console.error(error);
    return EXIT.failed;
  } finally {
    await stopWorkerThreads();
  }
}

/** Runs the CLI as a program (what bin/georisk.js calls): sets the exit code, and stops quietly on a closed pipe. */
export async function runAsProgram(argv: string[]): Promise<void> {
  // A reader that stops early (`| head`) closes the pipe: every command stops quietly, as Unix tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    throw error;
  });
  process.exitCode = await main(argv);
}

const isEntry = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*[\\/]/, ''));
if (isEntry) await runAsProgram(process.argv.slice(2));
