/** Reading scenario files from disk, with modules resolved relative to the including file. */
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GeoriskError, issue, type LoadedScenario, loadScenarioText, MAX_DOCUMENT_LENGTH, type ModuleResolver } from '@georisk/engine';
import { kindOf } from './cli-common.ts';

/**
 * The most bytes an input file may have: a document of MAX_DOCUMENT_LENGTH characters takes at most
 * 3 bytes per character in UTF-8, so nothing the engine would accept is refused; the engine then checks
 * the length in characters.
 */
export const MAX_INPUT_BYTES = 3 * MAX_DOCUMENT_LENGTH;

/** An input file that cannot be read: `reason` says why, `tooLarge` when it is over the limit. */
export class InputFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly hint: string,
    readonly tooLarge = false,
    readonly missing = false,
  ) {
    super(`cannot read "${file}": ${reason}`);
  }
}

/**
 * The file's text, which must be UTF-8: other bytes would read as "�" and go on silently (a Latin-1
 * "Café" printed "Caf�"), so the first byte that is not UTF-8 is refused with where it is.
 */
function decodeUtf8(bytes: Buffer, file: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InputFileError(file, 'it is UTF-16 text, not UTF-8', 'save it as UTF-8 (in most editors: "Save with encoding", UTF-8)');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const before = bytes.subarray(0, at).toString('utf8');
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    throw new InputFileError(
      file,
      `byte ${at + 1} (line ${line}, column ${column}) is not UTF-8 (0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')}): the file is in another encoding, such as Latin-1 or Windows-1252`,
      'save it as UTF-8',
    );
  }
}

/** The index of the first byte that does not begin or continue a well-formed UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const x = b[i]!;
    const n = x < 0x80 ? 0 : x >= 0xc2 && x <= 0xdf ? 1 : x >= 0xe0 && x <= 0xef ? 2 : x >= 0xf0 && x <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k]! & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return b.length;
}

/**
 * Reads a text input file. Only regular files are read (a pipe, a device such as /dev/zero or a
 * directory is refused at once), and never more than MAX_INPUT_BYTES + 1 bytes: a larger file is
 * refused without being read whole.
 */
export function readInputFile(file: string): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever before fstat could refuse it.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new InputFileError(file, 'the file does not exist', `check the path (relative paths start at ${process.cwd()})`, false, true);
    }
    throw new InputFileError(file, code === 'EACCES' ? 'permission denied' : String(code ?? error), 'check the path and its permissions');
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new InputFileError(file, `it is ${kindOf(stats)}, not a regular file`, 'give the path of a regular file');
    // One read past the limit tells a file over it from one exactly at it.
    let chunk = Buffer.allocUnsafe(Math.min(MAX_INPUT_BYTES + 1, stats.size + 64 * 1024));
    let length = 0;
    for (;;) {
      if (length === chunk.length) {
        if (length > MAX_INPUT_BYTES) break;
        // The file grew while it was read: read on, still never past the limit.
        const grown = Buffer.allocUnsafe(Math.min(MAX_INPUT_BYTES + 1, chunk.length * 2));
        chunk.copy(grown, 0, 0, length);
        chunk = grown;
      }
      const n = readSync(fd, chunk, length, chunk.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > MAX_INPUT_BYTES) {
      throw new InputFileError(
        file,
        `it is larger than ${MAX_INPUT_BYTES} bytes (a document may have at most ${MAX_DOCUMENT_LENGTH} characters)`,
        'move parts of it into modules, or shorten descriptions',
        true,
      );
    }
    return decodeUtf8(chunk.subarray(0, length), file);
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputFileError(file, code === 'EISDIR' ? 'it is a directory, not a regular file' : String(code ?? error), 'check the path');
  } finally {
    closeSync(fd);
  }
}

/** An input file's problem as a scenario issue (exit 1). */
function inputIssue(error: InputFileError): GeoriskError {
  const code = error.tooLarge ? 'document_too_large' : error.missing ? 'file_not_found' : 'file_unreadable';
  return new GeoriskError([{ ...issue(code, '', error.message, error.hint), file: error.file }]);
}

/** Reads a text input file; a missing, unreadable or oversized one is a `GeoriskError` naming it (exit 1). */
export function readInputDocument(file: string): string {
  try {
    return readInputFile(file);
  } catch (error) {
    throw error instanceof InputFileError ? inputIssue(error) : error;
  }
}

/**
 * A default input named relative to the repository (`scenarios/backtest/episodes.yaml`): the working
 * directory's copy when there is one, else the copy in the repository this CLI runs from, so that the
 * command works from any folder.
 */
export function defaultInputFile(path: string): string {
  if (existsSync(path)) return path;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; ) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml')) && existsSync(join(dir, path))) return join(dir, path);
    const up = dirname(dir);
    if (up === dir) return path;
    dir = up;
  }
}

/** Finds a module file relative to the file that includes it (adding .yaml when left out). */
export const resolveModuleFile: ModuleResolver = (ref, from) => {
  const base = from === undefined ? process.cwd() : dirname(resolve(from));
  for (const candidate of [ref, `${ref}.yaml`, `${ref}.yml`]) {
    const path = resolve(base, candidate);
    let isFile: boolean;
    try {
      isFile = statSync(path).isFile();
    } catch {
      continue;
    }
    if (!isFile) continue;
    try {
      return { text: readInputFile(path), file: path };
    } catch (error) {
      if (error instanceof InputFileError) throw inputIssue(error);
      throw error;
    }
  }
  return undefined;
};

/** Reads and checks a scenario file; throws `GeoriskError` for a missing, unreadable or oversized file too. */
export function loadScenarioFile(file: string): LoadedScenario {
  return loadScenarioText(readInputDocument(file), { file, resolveModule: resolveModuleFile });
}
