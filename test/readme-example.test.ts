/**
 * The library example in README.md ("Sensitivity and sweeps") runs as printed: the block is taken
 * from the README, pointed at the engine's source instead of the installed package, and run with tsx.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT, scratchDir } from './helpers/cli.ts';

function exampleBlock(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.indexOf('## Sensitivity and sweeps');
  const start = readme.indexOf('```ts\n', section) + '```ts\n'.length;
  return readme.slice(start, readme.indexOf('```', start));
}

describe('README library example', () => {
  it('sweeps, screens with Morris and discovers a region, printing what the README says it prints', () => {
    const engine = pathToFileURL(join(ROOT, 'packages/engine/src/index.ts')).href;
    const code = exampleBlock().replace("'@georisk/engine'", `'${engine}'`);
    expect(code).toContain('sweep(scenario');
    const dir = scratchDir('georisk-readme-');
    try {
      const file = dir.write('example.ts', code);
      const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      // The message leaves out stack frames: they name the deleted temp file, and vitest's reporter
      // fails on reading its inline source map instead of showing the error.
      expect(r.status, r.stderr.replace(/^\s+at .*$/gm, '')).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toBe('offensive_escalation_rate\tp_hold_clash\twar_reached.mean');
      expect(lines.length).toBeGreaterThan(1 + 6 + 4);
      // Morris ranks the two escalation rates first (in an order 8 trajectories of 200 trials cannot
      // settle); p_hold_war cannot change whether war is reached.
      expect([lines[7]?.split(':')[0], lines[8]?.split(':')[0]].sort()).toEqual(['clash_escalation_rate', 'offensive_escalation_rate']);
      expect(r.stdout).toMatch(/p_hold_war: mu\* = 0\.000, sigma = 0\.000/);
      expect(r.stdout).toMatch(/offensive_escalation_rate in \[[\d.]+, [\d.]+\] \(p = /);
    } finally {
      dir.remove();
    }
  });
});
