/**
 * The Node flags a worker thread starts with: the tsx loader when this process runs from TypeScript
 * source, require(esm) off in every case, and of this process's own flags those a thread may take.
 */
import { Worker } from 'node:worker_threads';

// A loader argument naming tsx itself, not just any path with "tsx" in it (pnpm folder names mention it).
const TSX_LOADER = /(^tsx$|^tsx\/|[\\/]tsx[\\/]|^--import=tsx$)/;

/** True when `import.meta.url` of a module says it runs from TypeScript source (tests, benchmarks), not from a bundle. */
export function runsFromSource(moduleUrl: string): boolean {
  return moduleUrl.endsWith('.ts');
}

/**
 * piscina loads the thread entry with require() first and falls back to import(). Under Node 20.19+'s
 * require(esm), a require that meets the entry's module while an import() of it is still linking
 * aborts the whole process (V8 fatal error "v8::Module::IsGraphAsync must be used on an instantiated
 * module"; seen once on a loaded 2-core machine in test/cli/sweep.test.ts, and reported with piscina
 * elsewhere: jhipster/generator-jhipster#32899). With require(esm) off, the require throws
 * ERR_REQUIRE_ESM at once and piscina takes its import() path, the one that is safe.
 */
const NO_REQUIRE_ESM = '--no-experimental-require-module';

/** `args` with require(esm) off. */
export function withoutRequireEsm(args: readonly string[]): string[] {
  return args.includes(NO_REQUIRE_ESM) ? [...args] : [...args, NO_REQUIRE_ESM];
}

/**
 * Worker threads started from TypeScript source need the tsx loader: they inherit `node --import
 * tsx` when this process was started so, otherwise they are told to load it. A bundle needs neither.
 */
export function threadExecArgv(args: readonly string[] = process.execArgv): string[] {
  const loaded = args.some(
    (arg, i) => TSX_LOADER.test(arg) && (arg.startsWith('--import=') || ['--import', '--loader'].includes(args[i - 1] ?? '')),
  );
  return loaded ? [...args] : [...args, '--import', import.meta.resolve('tsx')];
}

/** Flags every thread takes, which need no check (see `acceptedByThreads`); the first three take a value. */
const WITH_VALUE = new Set(['--import', '--loader', '--experimental-loader']);
const KNOWN_GOOD = new Set([...WITH_VALUE, NO_REQUIRE_ESM, '--enable-source-maps', '--trace-warnings', '--no-warnings']);

/** What `acceptedByThreads` found for a list of flags, by the list (a process asks once). */
const accepted = new Map<string, string[]>();

/**
 * `args` less the flags a worker thread refuses. Node refuses V8's flags (`--max-old-space-size`,
 * `--stack-size`, …) and its own process-wide ones (`--v8-pool-size`, `--title`, …) in a thread's
 * flags, and `new Worker` throws on them: a user's `node --max-old-space-size=8192 georisk run
 * … --workers 4` stopped with an internal error. Both kinds apply to the whole process already,
 * threads included, so leaving them out loses nothing. Which flags are refused depends on the Node
 * version, so the list is not kept here: a thread is started with the flags, and the ones its error
 * names are left out (with a value given apart, that too). Only lists with a flag beyond the known
 * good ones are checked, once a process; a check costs one thread start (tens of ms).
 */
export function acceptedByThreads(args: readonly string[]): string[] {
  if (args.every((arg, i) => KNOWN_GOOD.has(arg.replace(/=.*$/, '')) || WITH_VALUE.has(args[i - 1] ?? ''))) return [...args];
  const key = JSON.stringify(args);
  const known = accepted.get(key);
  if (known !== undefined) return [...known];
  let kept = [...args];
  for (let attempt = 0; attempt < 4; attempt++) {
    const refused = refusedFlags(kept);
    if (refused.length === 0) break;
    kept = kept.filter((arg, i) => {
      if (refused.includes(arg)) return false;
      // A value given apart from the refused flag it belongs to ("--v8-pool-size 4").
      const before = kept[i - 1] ?? '';
      return !(refused.includes(before) && !before.includes('=') && !arg.startsWith('-'));
    });
  }
  accepted.set(key, kept);
  return [...kept];
}

/** The flags of `args` that `new Worker` refuses, as its error names them; none when it takes them all. */
function refusedFlags(args: string[]): string[] {
  try {
    // Refused flags throw here, before any thread starts; else a thread that runs nothing is ended.
    void new Worker('', { eval: true, execArgv: args, stdout: true, stderr: true }).terminate();
    return [];
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    if (e.code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
    const listed = /flags: (.*)$/.exec(String(e.message))?.[1];
    return listed === undefined ? [] : listed.split(', ');
  }
}
