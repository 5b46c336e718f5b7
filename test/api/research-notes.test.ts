/**
 * `GET /docs/research/:name` (issue 18): the research notes the library cites open in the browser as
 * plain text; only the regular .md files of docs/research are readable there, nothing else.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResearchNotes } from '../../apps/api/src/routes/research-notes.ts';
import { type TestApp, testApp } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const NOTES = readFileSync(join(ROOT, 'docs/research/caucasus.md'), 'utf8');

describe('the research notes route', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ webDir: false });
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves docs/research/caucasus.md as plain text, byte for byte', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/research/caucasus.md' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toBe(NOTES);
  });

  it('answers 404 not_found for anything else under the prefix, however it is spelled', async () => {
    const secret = readFileSync(join(ROOT, 'package.json'), 'utf8');
    for (const url of [
      '/docs/research/',
      '/docs/research/nope.md',
      '/docs/research/CAUCASUS.md',
      '/docs/research/caucasus.md.bak',
      '/docs/research/../../package.json',
      '/docs/research/..%2F..%2Fpackage.json',
      '/docs/research/%2e%2e%2f%2e%2e%2fpackage.json',
      '/docs/research/caucasus.md%00.txt',
      '/docs/research/..%5C..%5Cpackage.json',
      '/docs/scenario-language.md',
      '/docs/research/caucasus.md/..%2F..%2F..%2Fpackage.json',
    ]) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.body, url).not.toContain(secret.slice(0, 40));
      if (res.statusCode === 404) expect(res.json(), url).toMatchObject({ code: 'not_found' });
    }
  });

  it('answers from docs/research, not from a copy in the served web bundle', async () => {
    const web = mkdtempSync(join(tmpdir(), 'georisk-web-'));
    mkdirSync(join(web, 'docs', 'research'), { recursive: true });
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(web, 'docs', 'research', 'caucasus.md'), 'a stale copy');
    writeFileSync(join(web, 'docs', 'research', 'extra.md'), 'not a note of the repository');
    const withWeb = await testApp({ webDir: web });
    try {
      expect((await withWeb.app.inject({ method: 'GET', url: '/docs/research/caucasus.md' })).body).toBe(NOTES);
      const extra = await withWeb.app.inject({ method: 'GET', url: '/docs/research/extra.md' });
      expect(extra.statusCode).toBe(404);
    } finally {
      await withWeb.close();
      rmSync(web, { recursive: true, force: true });
    }
  });

  it('reads only the regular .md files of the folder: no link, no other extension, no subfolder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'georisk-notes-'));
    try {
      writeFileSync(join(dir, 'a.md'), '# A\n');
      writeFileSync(join(dir, 'b.txt'), 'not a note');
      writeFileSync(join(dir, '.hidden.md'), 'hidden');
      mkdirSync(join(dir, 'sub.md'));
      symlinkSync(join(ROOT, 'package.json'), join(dir, 'link.md'));
      expect([...readResearchNotes(dir).keys()]).toEqual(['a.md']);
      expect(readResearchNotes(join(dir, 'missing')).size).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
