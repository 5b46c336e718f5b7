// A/B of the fixed costs between two checkouts (issue 19), interleaved on one machine: CPU seconds of
// each command (from /proc, every thread) and wall, median of N; checks both print the same output
// (timing aside). Usage: node test/bench/scale-ab.mjs OTHER_CHECKOUT [N]  (e.g. a worktree of main).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** CPU seconds of this process's waited-for children. */
const cpu = () => {
  const f = readFileSync('/proc/self/stat', 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
};
const here = fileURLToPath(new URL('../../', import.meta.url));
const trees = { other: process.argv[2], this: here };
if (trees.other === undefined) throw new Error('usage: node test/bench/scale-ab.mjs OTHER_CHECKOUT [N]');
const S = 'scenarios/armenia-azerbaijan-2022.yaml';
const cases = {
  version: ['--version'],
  validate: ['validate', S],
  'run 200k, 2 workers': ['run', S, '--trials', '200000', '--workers', '2', '--format', 'json', '--no-progress'],
  'sweep lhs 64 x 800, 2 workers': ['sweep', S, '--lhs', '64', '--trials', '800', '--workers', '2', '--no-progress'],
};
const reps = Number(process.argv[3] ?? 3);
const res = {};
for (let r = 0; r < reps; r++) {
  for (const [c, args] of Object.entries(cases)) {
    for (const [t, dir] of Object.entries(trees)) {
      const c0 = cpu();
      const t0 = performance.now();
      const out = execFileSync(process.execPath, ['apps/cli/bin/georisk.js', ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
      res[`${c} | ${t}`] ??= { cpu: [], wall: [], out: new Set() };
      const m = res[`${c} | ${t}`];
      m.cpu.push(cpu() - c0);
      m.wall.push((performance.now() - t0) / 1000);
      m.out.add(out.replace(/"timing": \{[^}]*\}/, ''));
    }
  }
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log('| command | checkout | CPU median (min) | wall median (min) |');
console.log('|---|---|---|---|');
for (const [k, v] of Object.entries(res)) {
  const [c, t] = k.split(' | ');
  console.log(
    `| ${c} | ${t} | ${med(v.cpu).toFixed(2)} (${Math.min(...v.cpu).toFixed(2)}) | ${med(v.wall).toFixed(2)} (${Math.min(...v.wall).toFixed(2)}) |`,
  );
}
for (const c of Object.keys(cases)) {
  const a = [...res[`${c} | other`].out];
  const b = [...res[`${c} | this`].out];
  if (a.length !== 1 || b.length !== 1 || a[0] !== b[0]) throw new Error(`${c}: the outputs differ`);
}
console.log('\nEvery command printed the same output in both checkouts (timing aside).');
