/**
 * Over-long URLs are answered 414 `url_too_long` in the project's error body, on API and static paths
 * alike, with the web app served: its wildcard route used to take them (404 "no route", or fastify-static's
 * own 403 `FST_STATIC_FORBIDDEN_PATH` once a segment passed the file system's name limit). An id of a
 * legal length that names nothing is the route's own 404.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ID_CHARS, MAX_URL_CHARS } from '../../apps/api/src/schemas.ts';
import { type TestApp, testApp } from './helpers.ts';

let t: TestApp;
let webDir: string;
beforeAll(async () => {
  webDir = mkdtempSync(join(tmpdir(), 'georisk-web-'));
  mkdirSync(join(webDir, 'assets'));
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>georisk</title>');
  writeFileSync(join(webDir, 'assets', 'app-1234.js'), 'console.log(1)');
  t = await testApp({ webDir });
});
afterAll(async () => {
  await t.close();
  rmSync(webDir, { recursive: true, force: true });
});

const get = (url: string) => t.app.inject({ method: 'GET', url });

/** The project's error body: code, message, path and a hint, nothing of fastify's or the server's. */
function expectProjectBody(body: Record<string, unknown>, code: string): void {
  expect(body.code).toBe(code);
  expect(typeof body.message).toBe('string');
  expect(typeof body.path).toBe('string');
  expect(Object.keys(body).filter((k) => !['code', 'message', 'path', 'hint'].includes(k))).toEqual([]);
}

describe('over-long URLs', () => {
  it('answers 414 url_too_long for an id or file name longer than any the API issues, whatever the path', async () => {
    for (const n of [MAX_ID_CHARS + 1, 256, 1000, 4000, 4100, 9000]) {
      for (const prefix of ['/api/scenarios/', '/api/runs/', '/api/jobs/', '/api/nothing/', '/', '/assets/', '/docs/research/']) {
        const res = await get(`${prefix}${'a'.repeat(n)}`);
        expect(res.statusCode, `${prefix} + ${n}`).toBe(414);
        const body = res.json();
        expectProjectBody(body, 'url_too_long');
        expect(body.hint).toMatch(/at most 200 characters/);
        // The id is not echoed back.
        expect(res.body.length).toBeLessThan(600);
      }
    }
  });

  it('answers 414 for a URL longer than the limit made of short parts, or with a long query', async () => {
    const manyParts = get(`/assets/${'abcdefgh/'.repeat(Math.ceil(MAX_URL_CHARS / 9))}x.js`);
    const longQuery = get(`/api/runs?limit=5&${'a'.repeat(MAX_URL_CHARS)}=1`);
    for (const res of await Promise.all([manyParts, longQuery])) {
      expect(res.statusCode).toBe(414);
      expectProjectBody(res.json(), 'url_too_long');
    }
  });

  it('answers a legal-length unknown id with the route 404, and a missing or refused file with the project 404', async () => {
    for (const n of [101, 150, MAX_ID_CHARS]) {
      const scenario = await get(`/api/scenarios/${'a'.repeat(n)}`);
      expect(scenario.statusCode, String(n)).toBe(404);
      expectProjectBody(scenario.json(), 'not_found');
      expect(scenario.json()).toMatchObject({ path: 'id', message: `no scenario with id "${'a'.repeat(n)}"` });
      const run = await get(`/api/runs/${'a'.repeat(n)}`);
      expect(run.json()).toMatchObject({ code: 'not_found', path: 'id' });
    }
    // fastify-static's own refusals (a NUL byte, a folder, a backslash path) are files that do not exist, too.
    const refused = ['/%00', '/assets/%00x.js', '/assets/', '//etc/passwd', '/assets/x%5c..%5c..%5cpackage.json'];
    for (const url of ['/assets/missing.js', `/assets/${'a'.repeat(MAX_ID_CHARS)}`, `/${'a'.repeat(MAX_ID_CHARS)}`, ...refused]) {
      const res = await get(url);
      expect(res.statusCode, url.slice(0, 40)).toBe(404);
      expectProjectBody(res.json(), 'not_found');
    }
  });

  it('still serves the web app and its files', async () => {
    expect((await get('/')).statusCode).toBe(200);
    expect((await get('/assets/app-1234.js')).body).toBe('console.log(1)');
    expect((await get('/api/runs?limit=5')).statusCode).toBe(200);
  });
});
