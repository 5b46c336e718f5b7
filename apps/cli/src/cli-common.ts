/** What every command shares: exit statuses, option parsers, atomic output, error locating. */
import { closeSync, existsSync, lstatSync, openSync, renameSync, rmSync, type Stats, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CONTROL_CHARACTERS, escapeControl, type Issue, type LoadedScenario, type Overrides } from '@georisk/engine';
import { type Command, InvalidArgumentError } from 'commander';

/** Exit statuses: success, invalid scenario or failed run, bad usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Issue codes that mean the command line was wrong rather than the scenario. */
export const USAGE_CODES = new Set<Issue['code']>(['bad_override', 'bad_run_options', 'budget_exceeded']);

/** A command line that cannot work, found after parsing. */
export class UsageError extends Error {}

/**
 * Text for a terminal: control characters other than tab and line feed shown as escapes (\u001b),
 * so that a file name or a quoted piece of a document cannot move the cursor, clear the screen or
 * set the window's title when an error names it.
 */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL_ALL, escapeControl);
}

/** The engine's control characters, and a carriage return (it would overwrite the line shown). */
const CONTROL_ALL = new RegExp(`${CONTROL_CHARACTERS.source}|\r`, 'g');

/** A file that cannot be written: the run failed, but not because of the scenario or the command line. */
export class OutputError extends Error {}

/**
 * Parses a whole number of at least `min`; one past 2^53 − 1 is refused as typed, since a double would
 * round it to another number (9007199254740993 to …992) before any check could see it.
 */
export function wholeNumber(name: string, min: number) {
  return (value: string): number => {
    const n = decimalNumber(value.replaceAll('_', ''));
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number >= ${min}, got "${value}"`);
    if (!Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`${name} must be at most ${Number.MAX_SAFE_INTEGER} (2^53 − 1), got "${value}"`);
    }
    return n;
  };
}

/** Decimal notation (with an exponent): 0x10, 0b1 or 0o7 would be read as other numbers than they seem. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The number a decimal text writes; NaN for anything else (hexadecimal, binary, octal, blanks). */
function decimalNumber(text: string): number {
  return DECIMAL.test(text) ? Number(text) : Number.NaN;
}

/** Collects `--set name=value` (repeatable); a parameter set twice is refused, since only one value could be used. */
export function collectSet(value: string, previous: Overrides): Overrides {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`expected name=value, got "${value}"`);
  const name = m[1]!;
  const n = decimalNumber(m[2]!);
  if (!Number.isFinite(n))
    throw new InvalidArgumentError(`the value of ${name} must be a finite decimal number (e.g. 0.25 or 1e-3), got "${m[2]}"`);
  if (Object.hasOwn(previous, name)) {
    throw new InvalidArgumentError(`${name} is set twice (${name}=${previous[name]} and ${value}): give each parameter one --set`);
  }
  return { ...previous, [name]: n };
}

/** What a path is, in words, when it is not a regular file. */
export function kindOf(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * Refuses an output path that exists and is not a regular file: a symbolic link (even one to a regular
 * file: replacing the link would leave its target stale, writing through it would change a file
 * elsewhere), a named pipe, a socket, a device or a directory. A new path or a regular file is fine.
 */
export function checkOutputPath(path: string): void {
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      // A new file, in a folder that must exist: say so before any work, not after it.
      const folder = dirname(path);
      if (!existsSync(folder)) {
        throw new UsageError(
          `cannot write "${path}": its directory "${folder}" does not exist; create it first (mkdir -p ${folder}), or choose a path in an existing one`,
        );
      }
      return;
    }
    throw new UsageError(`cannot write "${path}": ${code ?? String(error)}`);
  }
  if (stats.isFile()) return;
  const kind = kindOf(stats);
  const why = stats.isSymbolicLink()
    ? `it is ${kind} (refused even when it points to a regular file: neither the link nor its target is replaced)`
    : `it is ${kind}, and output is written only to a regular file or a new path`;
  throw new UsageError(`cannot write "${path}": ${why}; choose a path to a regular file, or a new one`);
}

/**
 * Refuses an output path that is one of the command's input files (the same file, by device and
 * inode, under any name): `run my.yaml --out my.yaml` would replace the scenario with its result.
 */
export function checkNotAnInput(out: string, inputs: readonly string[]): void {
  const target = statOrUndefined(out);
  if (target === undefined) return;
  for (const input of inputs) {
    const stats = statOrUndefined(input);
    if (stats?.isFile() && stats.dev === target.dev && stats.ino === target.ino) {
      throw new UsageError(
        `cannot write "${out}": it is the input file "${input}", which the output would replace; choose another path for --out`,
      );
    }
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Writes a file in one piece: to a temporary name in the same folder first, then renamed over the
 * target. The target must be a new path or a regular file (see `checkOutputPath`); nothing is touched otherwise.
 */
export function writeAtomically(path: string, text: string): void {
  checkOutputPath(path);
  const tmp = `${path}.${process.pid}.tmp`;
  let created = false;
  try {
    // wx: never through a link or onto something already at the temporary name.
    const fd = openSync(tmp, 'wx');
    created = true;
    try {
      writeFileSync(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (error) {
    if (created) rmSync(tmp, { force: true });
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
