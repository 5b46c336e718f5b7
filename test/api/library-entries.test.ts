/** Issue 14 §8: unreadable entries in scenarios/ (dangling links, FIFOs, files without permission) are reported and skipped. */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLibrary } from '../../apps/api/src/library.ts';
import { SMALL_SCENARIO, testApp } from './helpers.ts';

const folders: string[] = [];
afterAll(() => {
  for (const f of folders) rmSync(f, { recursive: true, force: true });
});

/** A scenarios folder with one good scenario and every kind of entry that cannot be read. */
function hostileFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'georisk-scenarios-'));
  folders.push(dir);
  writeFileSync(join(dir, 'a-good.yaml'), SMALL_SCENARIO);
  symlinkSync(join(dir, 'gone.yaml'), join(dir, 'b-dangling.yaml'));
  execFileSync('mkfifo', [join(dir, 'c-fifo.yaml')]);
  // A link to a folder above would loop if followed.
  symlinkSync(dir, join(dir, 'd-loop'));
  mkdirSync(join(dir, 'e-sub'));
  symlinkSync('/nonexistent/x.yaml', join(dir, 'e-sub', 'dangling.yml'));
  writeFileSync(join(dir, 'f-locked.yaml'), SMALL_SCENARIO.replace('id: api-small', 'id: locked'));
  chmodSync(join(dir, 'f-locked.yaml'), 0);
  // Exercise templates are read at start too: a FIFO there would block it.
  mkdirSync(join(dir, 'exercises'));
  execFileSync('mkfifo', [join(dir, 'exercises', 'fifo.json')]);
  symlinkSync(join(dir, 'nowhere.json'), join(dir, 'exercises', 'dangling.json'));
  return dir;
}

const isRoot = process.getuid?.() === 0;

describe('unreadable entries in the scenarios folder', () => {
  it('are reported one line each and skipped; the good scenario loads', () => {
    const dir = hostileFolder();
    const skipped: [string, string][] = [];
    const library = loadLibrary(dir, (file, why) => skipped.push([file, why]));
    expect([...library.keys()]).toContain('api-small');
    const files = skipped.map(([f]) => f);
    expect(files).toContain('b-dangling.yaml');
    expect(files).toContain('c-fifo.yaml');
    expect(files).toContain('e-sub/dangling.yml');
    expect(skipped.find(([f]) => f === 'b-dangling.yaml')?.[1]).toMatch(/dangling symbolic link/);
    expect(skipped.find(([f]) => f === 'c-fifo.yaml')?.[1]).toMatch(/not a regular file/);
    // Root reads a file without permission bits; anyone else gets it reported.
    if (!isRoot) expect(files).toContain('f-locked.yaml');
    for (const [, why] of skipped) expect(why).not.toContain(dir);
  });

  it('do not stop the start from checking whether the bundles are stale (newestMtime)', () => {
    const dir = hostileFolder();
    const build = pathToFileURL(join(import.meta.dirname, '..', '..', 'packages', 'node', 'build.mjs')).href;
    const script = `const { newestMtime } = await import(${JSON.stringify(build)}); console.log(newestMtime(${JSON.stringify(dir)}));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(Number(out.trim())).toBeGreaterThan(0);
  });

  it('does not stop the server from starting', async () => {
    const dir = hostileFolder();
    const t = await testApp({ scenariosDir: dir, webDir: false });
    try {
      const res = await t.app.inject({ method: 'GET', url: '/api/scenarios' });
      expect(res.statusCode).toBe(200);
      expect(JSON.stringify(res.json())).toContain('api-small');
    } finally {
      await t.close();
    }
  });
});
