/**
 * Issue 14 §8: every error answer, fastify's and Node's own included, is `{code, message, path}`;
 * no answer discloses the server's absolute paths; a body shorter than its Content-Length is
 * answered promptly (raw sockets, since `inject()` cannot send a short body).
 */
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_SCENARIO, type TestApp, testApp } from './helpers.ts';

let t: TestApp;
let port: number;
beforeAll(async () => {
  // A short body-read timeout, so the test waits half a second rather than ten.
  t = await testApp({ webDir: false, bodyIdleMs: 500 });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(() => t.close());

/** Sends `raw` bytes on a fresh connection and resolves with everything the server answers before closing. */
function rawRequest(raw: string): Promise<string> {
  return new Promise((done, fail) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(raw));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('end', () => done(answer));
    socket.on('close', () => done(answer));
    socket.on('error', fail);
  });
}

/** The status and parsed JSON body of a raw HTTP answer. */
function parseAnswer(answer: string): { status: number; body: Record<string, unknown> } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
  const text = answer.slice(answer.indexOf('\r\n\r\n') + 4);
  return { status, body: JSON.parse(text) };
}

/** Only `code`, `message` and `path` (and an optional `hint`/`issues`/`requestId`), all strings where required. */
function expectErrorShape(body: Record<string, unknown>): void {
  expect(typeof body.code).toBe('string');
  expect(typeof body.message).toBe('string');
  expect(typeof body.path).toBe('string');
  expect(Object.keys(body).filter((k) => !['code', 'message', 'path', 'hint', 'issues', 'requestId'].includes(k))).toEqual([]);
}

describe('no absolute path in any answer', () => {
  const repo = resolve(import.meta.dirname, '..', '..');
  const include = (module: string, extra = '') => `${SMALL_SCENARIO}${extra}include:\n  - {module: ${module}}\n`;

  it('names included files relative to the scenarios folder', async () => {
    const documents = [
      include('karabakh-2023'), // a scenario, not a module
      include('modules/border-clash'), // clashes with the document's own track and metric
      include('modules/missing'),
      include('../package.json'),
    ];
    for (const text of documents) {
      for (const url of ['/api/runs', '/api/scenarios/validate', '/api/exact', '/api/scenarios']) {
        const res = await t.app.inject({ method: 'POST', url, payload: { text } });
        expect(res.body).not.toContain(repo);
        expect(res.body).not.toMatch(/"\/(work|home|tmp|root|usr)\//);
      }
    }
    const clash = await t.app.inject({ method: 'POST', url: '/api/runs', payload: { text: include('modules/border-clash') } });
    expect(clash.json().issues.some((i: { file?: string }) => i.file === 'modules/border-clash.yaml')).toBe(true);
    const notModule = await t.app.inject({ method: 'POST', url: '/api/runs', payload: { text: include('karabakh-2023') } });
    expect(notModule.json().message).toBe('"karabakh-2023.yaml" is not a module');
  });
});

describe('every error in the {code, message, path} shape', () => {
  it('answers fastify-level errors in the shape', async () => {
    const cases: [string, string, number, string, Record<string, string>?, string?][] = [
      ['GET', `/api/runs/${'x'.repeat(5000)}`, 414, 'url_too_long'],
      ['GET', '/api/runs/%E0%A4%A', 400, 'invalid_url'],
      ['GET', '/no-such-route', 404, 'not_found'],
      ['POST', '/api/runs', 400, 'invalid_json', { 'content-type': 'application/json' }, '{bad'],
      ['POST', '/api/runs', 415, 'unsupported_media_type', { 'content-type': 'application/xml' }, '<a/>'],
      ['POST', '/api/runs', 413, 'body_too_large', { 'content-type': 'application/json' }, `"${'x'.repeat(300 * 1024)}"`],
    ];
    for (const [method, url, status, code, headers, payload] of cases) {
      const res = await t.app.inject({ method: method as 'GET', url, ...(headers ? { headers } : {}), ...(payload ? { payload } : {}) });
      expect(res.statusCode, url.slice(0, 40)).toBe(status);
      const body = res.json();
      expectErrorShape(body);
      expect(body.code).toBe(code);
      // The 5,000-character id is not echoed back.
      expect(res.body.length).toBeLessThan(1000);
    }
  });

  it('answers malformed HTTP and over-large headers in the shape', async () => {
    const framing = parseAnswer(await rawRequest('GET /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n'));
    expect(framing.status).toBe(400);
    expectErrorShape(framing.body);
    expect(framing.body.code).toBe('bad_request');
    const garbage = parseAnswer(await rawRequest('HELLO\r\n\r\n'));
    expect(garbage.status).toBe(400);
    expectErrorShape(garbage.body);
    const huge = parseAnswer(await rawRequest(`GET /api/health?${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`));
    expect(huge.status).toBe(431);
    expectErrorShape(huge.body);
    expect(huge.body.code).toBe('headers_too_large');
  });
});

describe('a body shorter than its Content-Length', () => {
  it('is answered 408 body_timeout in the shape, and the connection closed', { timeout: 20_000 }, async () => {
    const body = JSON.stringify({ text: SMALL_SCENARIO });
    const raw = `POST /api/scenarios/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length + 50}\r\n\r\n${body}`;
    // The server closes the connection after answering, so `rawRequest` resolves (on main it did not within 40 s).
    const answer = parseAnswer(await rawRequest(raw));
    expect(answer.status).toBe(408);
    expectErrorShape(answer.body);
    expect(answer.body.code).toBe('body_timeout');
  });

  it('leaves a GET without a body alone and a complete body unaffected', async () => {
    const ok = await rawRequest('GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(ok).toMatch(/^HTTP\/1\.1 200/);
    const body = JSON.stringify({ text: SMALL_SCENARIO });
    const full = await rawRequest(
      `POST /api/scenarios/validate HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    expect(full).toMatch(/^HTTP\/1\.1 200/);
  });
});
