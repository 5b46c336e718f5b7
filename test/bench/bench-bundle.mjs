// `pnpm bench:bundle`: the CLI, its worker-thread entry, the scaling benchmark (`bench:scale`), the
// scenarios and the CLI's runtime dependencies in one folder, dist/bench-bundle/, that runs on a
// machine with Node 20 and nothing installed: copy the folder, then `node scale-bench.js`.
// better-sqlite3 is left out: only the server uses it, and no benchmarked command starts one.
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../../packages/node/build.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = join(root, 'dist', 'bench-bundle');
/** Packages the bundles import at run time rather than carry (piscina finds its own files; bullmq and ioredis load optional parts). */
const RUNTIME = ['piscina', 'bullmq', 'ioredis'];

/** The folder of package `name` as seen from `fromDir`, or undefined when it is not installed there (an optional dependency). */
function packageDir(name, fromDir) {
  const require = createRequire(join(fromDir, 'package.json'));
  let entry;
  try {
    entry = require.resolve(name);
  } catch {
    try {
      entry = require.resolve(`${name}/package.json`);
    } catch {
      return undefined;
    }
  }
  // Up from the entry to the folder whose package.json names the package.
  for (let dir = dirname(realpathSync(entry)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).name === name) return dir;
  }
  return undefined;
}

/** Copies `name` and everything it depends on into `into`/node_modules; a second version of a name goes beside its dependent. */
function copyWithDependencies(name, fromDir, into, copied) {
  const dir = packageDir(name, fromDir);
  if (dir === undefined) return;
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const seen = copied.get(name);
  if (seen === pkg.version) return;
  const target = seen === undefined ? join(out, 'node_modules', name) : join(into, 'node_modules', name);
  if (seen === undefined) copied.set(name, pkg.version);
  cpSync(dir, target, { recursive: true, dereference: true });
  for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) copyWithDependencies(dep, dir, target, copied);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await bundleForNode({
  entries: [
    { in: join(root, 'apps', 'cli', 'src', 'main.ts'), out: 'main' },
    { in: join(root, 'test', 'bench', 'scale-bench.ts'), out: 'scale-bench' },
  ],
  outdir: out,
  markerFile: join(out, 'main.js'),
  external: RUNTIME,
});
writeFileSync(
  join(out, 'georisk.js'),
  "#!/usr/bin/env node\n// The georisk command, from the bench bundle.\nimport { runAsProgram } from './main.js';\nawait runAsProgram(process.argv.slice(2));\n",
);
const copied = new Map();
for (const name of RUNTIME) copyWithDependencies(name, join(root, 'apps', 'cli'), out, copied);
cpSync(join(root, 'scenarios'), join(out, 'scenarios'), { recursive: true });
writeFileSync(join(out, 'package.json'), `${JSON.stringify({ name: 'georisk-bench-bundle', private: true, type: 'module' }, null, 2)}\n`);
writeFileSync(
  join(out, 'README.txt'),
  'georisk scaling benchmark (issue 19), bundled by `pnpm bench:bundle`; needs Node 20 and nothing else.\n\n' +
    '  node scale-bench.js                  # W = 1, 2, 4, ... up to the cores; full size (about 10 minutes on 16 cores)\n' +
    '  node scale-bench.js --scale 0.1      # every trial count a tenth\n' +
    '  node scale-bench.js --queue          # also on `georisk worker` processes (needs /usr/bin/redis-server)\n' +
    '  node georisk.js run scenarios/armenia-azerbaijan-2022.yaml --trials 4000000 --workers 16\n',
);
console.log(`wrote ${out} (${copied.size} runtime packages: ${[...copied.keys()].join(', ')})`);
