/**
 * Runs the real `georisk` command in a child process, as a user's shell would:
 * `node apps/cli/bin/georisk.js …` (what `pnpm georisk` runs) from the repository root, with pipes (not a TTY)
 * for stdin, stdout and stderr.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the working directory of every CLI run). */
export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The reference scenario, relative to ROOT. */
export const REFERENCE = 'scenarios/reference/caucasus-reference.yaml';

/** What a finished CLI run left behind. */
export interface CliResult {
  /** Exit status (null if the process was killed by a signal). */
  status: number | null;
  stdout: string;
  stderr: string;
}

const ENTRY = [join(ROOT, 'apps/cli/bin/georisk.js')];

/** A clean environment: no colours, no debug output, nothing that could make a run differ. */
function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  delete env.FORCE_COLOR;
  delete env.GEORISK_DEBUG;
  delete env.NODE_OPTIONS;
  return env;
}

/** Default ceiling on one CLI run; a hung process fails its test instead of the whole suite. */
const TIMEOUT_MS = 60_000;

/**
 * At most this many CLI processes of one test file run at once: each one is CPU-bound while it
 * starts, so more than one per core only makes every run slower (and risks timeouts).
 */
const MAX_CONCURRENT = Math.max(1, availableParallelism());
let running = 0;
const waiting: (() => void)[] = [];

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((go) => waiting.push(go));
  else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/** Options of `runCli`: extra environment, Node's own flags, a timeout, and the working directory (ROOT unless given). */
interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Flags for Node itself, before the command (`node --max-old-space-size=8192 georisk.js …`). */
  nodeArgs?: string[];
  timeoutMs?: number;
  cwd?: string;
}

/** Runs `georisk ...args` and waits for it; independent runs may overlap (a few at a time). */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return withSlot(() => spawnCli(args, options));
}

function spawnCli(args: string[], options: RunOptions): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...ENTRY, ...args], {
      cwd: options.cwd ?? ROOT,
      env: cliEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? TIMEOUT_MS,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    child.on('error', fail);
    child.on('close', (status) =>
      done({ status, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }),
    );
  });
}

/** Runs `georisk ...args` synchronously. */
export function runCliSync(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [...ENTRY, ...args], {
    cwd: ROOT,
    env: cliEnv(options.env),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: options.timeoutMs ?? TIMEOUT_MS,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Lines of a stack trace (`    at f (file:1:2)`): a user should never see one. */
export function stackLines(text: string): string[] {
  return text.split('\n').filter((line) => /^\s+at /.test(line));
}

/** A JSON run result without its `timing` block (the only part that may differ between equal runs). */
export function withoutTiming(jsonText: string): unknown {
  const { timing: _timing, ...rest } = JSON.parse(jsonText) as Record<string, unknown>;
  return rest;
}

/** A scratch directory under the OS temp dir, with a way to write files into it and remove it. */
export interface Scratch {
  dir: string;
  /** Writes `text` to `name` inside the directory; returns the absolute path. */
  write(name: string, text: string): string;
  path(name: string): string;
  remove(): void;
}

export function scratchDir(prefix = 'georisk-cli-'): Scratch {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(name, text) {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    path: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `s` as a literal inside a regular expression. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
