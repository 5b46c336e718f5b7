/**
 * The Node flags a worker thread starts with: the tsx loader when this process runs from TypeScript
 * source, and require(esm) off in every case.
 */

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
