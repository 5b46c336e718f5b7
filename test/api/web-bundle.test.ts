/**
 * Issue 14 §8: the web bundle is switched in whole (built into a new folder, then renamed in), and a
 * running server serves the new bundle's files, or a clear "being rebuilt" page, never a blank one.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildAtomically } from '../../apps/web/scripts/build.mjs';
import { type TestApp, testApp } from './helpers.ts';

const parent = mkdtempSync(join(tmpdir(), 'georisk-bundle-'));
const dist = join(parent, 'dist');
afterAll(() => rmSync(parent, { recursive: true, force: true }));

/** A fake Vite: writes a bundle whose index names its one hashed asset. */
const fakeBuild = (hash: string) => (folder: string) => {
  mkdirSync(join(folder, 'assets'), { recursive: true });
  writeFileSync(join(folder, 'assets', `app-${hash}.js`), `console.log("${hash}")`);
  writeFileSync(
    join(folder, 'index.html'),
    `<!doctype html><title>build ${hash}</title><script type="module" src="./assets/app-${hash}.js"></script>`,
  );
};

describe('buildAtomically', () => {
  it('switches a complete build in, leaves dist whole while building, and untouched when the build fails', () => {
    buildAtomically({ dist, build: fakeBuild('aaaa') });
    expect(readFileSync(join(dist, 'index.html'), 'utf8')).toContain('build aaaa');
    buildAtomically({
      dist,
      build: (folder) => {
        // While the new bundle is written, the old one is still whole where the server reads it.
        expect(readFileSync(join(dist, 'index.html'), 'utf8')).toContain('build aaaa');
        expect(existsSync(join(dist, 'assets', 'app-aaaa.js'))).toBe(true);
        fakeBuild('bbbb')(folder);
      },
    });
    expect(readdirSync(join(dist, 'assets'))).toEqual(['app-bbbb.js']);
    expect(() =>
      buildAtomically({
        dist,
        build: (folder) => {
          mkdirSync(folder);
          writeFileSync(join(folder, 'half.js'), '');
          throw new Error('vite failed');
        },
      }),
    ).toThrow('vite failed');
    expect(() => buildAtomically({ dist, build: (folder) => mkdirSync(folder) })).toThrow(/no index\.html/);
    expect(readFileSync(join(dist, 'index.html'), 'utf8')).toContain('build bbbb');
    // Nothing half-built is left beside dist.
    expect(readdirSync(parent)).toEqual(['dist']);
  });
});

describe('a server whose bundle is rebuilt or removed while it runs', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('serves the new bundle whole, then a clear page while index.html is missing', async () => {
    buildAtomically({ dist, build: fakeBuild('cccc') });
    t = await testApp({ webDir: dist });
    expect((await t.app.inject({ method: 'GET', url: '/assets/app-cccc.js' })).statusCode).toBe(200);
    buildAtomically({ dist, build: fakeBuild('dddd') });
    const index = await t.app.inject({ method: 'GET', url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('build dddd');
    // The asset the new index names was not there at start: it is found all the same.
    const asset = await t.app.inject({ method: 'GET', url: '/assets/app-dddd.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toContain('dddd');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await t.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    const missing = await t.app.inject({ method: 'GET', url: '/api/no-such' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('not_found');

    rmSync(dist, { recursive: true, force: true });
    const gone = await t.app.inject({ method: 'GET', url: '/' });
    expect(gone.statusCode).toBe(503);
    expect(gone.headers['content-type']).toContain('text/html');
    expect(gone.body).toContain('being rebuilt');
    expect(gone.headers['retry-after']).toBe('5');
  });
});
