/** The Node flags a worker thread starts with: the tsx loader when this process runs from TypeScript source. */

// A loader argument naming tsx itself, not just any path with "tsx" in it (pnpm folder names mention it).
const TSX_LOADER = /(^tsx$|^tsx\/|[\\/]tsx[\\/]|^--import=tsx$)/;

/** True when `import.meta.url` of a module says it runs from TypeScript source (tests, benchmarks), not from a bundle. */
export function runsFromSource(moduleUrl: string): boolean {
  return moduleUrl.endsWith('.ts');
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
