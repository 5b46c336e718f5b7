/** What every command shares: exit statuses, option parsers, atomic output, error locating. */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Issue, LoadedScenario, Overrides } from '@georisk/engine';
import { type Command, InvalidArgumentError } from 'commander';

/** Exit statuses: success, invalid scenario or failed run, bad usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Issue codes that mean the command line was wrong rather than the scenario. */
export const USAGE_CODES = new Set<Issue['code']>(['bad_override', 'bad_run_options', 'budget_exceeded']);

/** A command line that cannot work, found after parsing. */
export class UsageError extends Error {}

/** A file that cannot be written: the run failed, but not because of the scenario or the command line. */
export class OutputError extends Error {}

export function wholeNumber(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value.replaceAll('_', ''));
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number >= ${min}, got "${value}"`);
    return n;
  };
}

export function collectSet(value: string, previous: Overrides): Overrides {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`expected name=value, got "${value}"`);
  const n = Number(m[2]);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`the value of ${m[1]} must be a finite number, got "${m[2]}"`);
  return { ...previous, [m[1]!]: n };
}

/** Writes a file in one piece: to a temporary name first, then renamed over the target. */
export function writeAtomically(path: string, text: string): void {
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

export function output(text: string, out: string | undefined): void {
  if (out === undefined) process.stdout.write(text);
  else writeAtomically(out, text);
}

/** Adds file, line and column to issues about the scenario; command-line issues have no place in the file. */
export function locateScenarioIssues(loaded: LoadedScenario, issues: Issue[]): Issue[] {
  return issues.map((i) => (USAGE_CODES.has(i.code) ? i : (loaded.locate([i])[0] ?? i)));
}

/** Registers a command on the program; `setExit` records the exit status. */
export type RegisterCommand = (program: Command, setExit: (code: number) => void) => void;
