/** Every route through `inject()`: the happy paths and their 404s. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_SCENARIO, type TestApp, testApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const get = (url: string) => t.app.inject({ method: 'GET', url });
const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload: payload as string, headers });

describe('health and pages', () => {
  it('answers health with the pool load', async () => {
    const res = await get('/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', pool: { threads: 1, activeJobs: 0 } });
  });

  it('sends security headers with a CSP that needs no unsafe-eval', async () => {
    const res = await get('/api/health');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain('frame-ancestors');
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('without a built web app, serves an index page that links to the API docs', async () => {
    const bare = await testApp({ webDir: false });
    try {
      const res = await bare.app.inject({ method: 'GET', url: '/' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('href="/api/docs"');
      expect(res.body).toContain('web app is not built');
    } finally {
      await bare.close();
    }
  });

  it('serves a built web app at /, under the same security headers, with hashed assets cached', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'georisk-web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><title>georisk web</title><script type="module" src="/assets/app-1a2b.js"></script>',
    );
    writeFileSync(join(dir, 'assets', 'app-1a2b.js'), 'console.log(1)');
    const withWeb = await testApp({ webDir: dir });
    try {
      const index = await withWeb.app.inject({ method: 'GET', url: '/' });
      expect(index.statusCode).toBe(200);
      expect(index.body).toContain('georisk web');
      expect(index.headers['content-security-policy']).toContain("script-src 'self'");
      expect(index.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      expect(index.headers['cache-control']).toBe('no-cache');
      const asset = await withWeb.app.inject({ method: 'GET', url: '/assets/app-1a2b.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toContain('immutable');
      expect((await withWeb.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    } finally {
      await withWeb.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves the OpenAPI document generated from the zod schemas, and a docs page', async () => {
    const res = await get('/api/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/health', '/api/scenarios', '/api/scenarios/validate', '/api/runs', '/api/runs/{id}', '/api/exact']),
    );
    expect(doc.components.schemas.RunRequest.properties.trials).toMatchObject({ type: 'integer', minimum: 1 });
    for (const code of ['not_found', 'server_busy', 'too_many_jobs', 'body_too_large']) {
      expect(doc.components.schemas.Error.description).toContain(`\`${code}\``);
    }
    const docs = await get('/api/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('Swagger UI');
    expect(String(docs.headers['content-security-policy'])).not.toContain('unsafe-eval');
  });

  it('answers an unknown route with 404 {code, message, path}', async () => {
    const res = await get('/api/nothing-here');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'not_found', message: 'no route GET /api/nothing-here', path: '' });
  });
});

describe('scenarios', () => {
  it('lists the library with id, title, question and tags', async () => {
    const res = await get('/api/scenarios');
    expect(res.statusCode).toBe(200);
    const { scenarios } = res.json() as { scenarios: { id: string; title: string; question: string; tags: string[]; source: string }[] };
    const ids = scenarios.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['armenia-azerbaijan-2022', 'four-day-war-2016', 'kyrgyz-tajik-2022', 'alliance-dilemma']));
    // Modules are not scenarios.
    expect(ids).not.toContain('border-clash');
    const founding = scenarios.find((s) => s.id === 'armenia-azerbaijan-2022');
    expect(founding).toMatchObject({
      source: 'library',
      title: expect.stringContaining('Armenia'),
      tags: expect.arrayContaining(['2022']),
    });
    expect(founding?.question).toMatch(/truce/);
  });

  it('returns one scenario with its text and expanded document', async () => {
    const res = await get('/api/scenarios/four-day-war-2016');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.text).toContain('id: four-day-war-2016');
    // Modules are expanded: the included tracks are in the document.
    expect(Object.keys(body.scenario.tracks).length).toBeGreaterThan(1);
    expect(body.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers an unknown scenario with 404', async () => {
    const res = await get('/api/scenarios/no-such-scenario');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      code: 'not_found',
      message: 'no scenario with id "no-such-scenario"',
      path: 'id',
      hint: 'GET /api/scenarios lists the library and the scenarios saved on this server',
    });
  });

  it('validates a good document (JSON body or raw YAML)', async () => {
    const res = await post('/api/scenarios/validate', { text: SMALL_SCENARIO });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      valid: true,
      id: 'api-small',
      steps: 30,
      tracks: ['conflict'],
      metrics: ['war_reached', 'days_to_ceasefire'],
    });
    const raw = await post('/api/scenarios/validate', SMALL_SCENARIO, { 'content-type': 'application/yaml' });
    expect(raw.json()).toMatchObject({ valid: true, hash: res.json().hash });
  });

  it('reports every problem with code, path, line, column and hint', async () => {
    const text = SMALL_SCENARIO.replace('rate: war_rate', 'rate: war_rat').replace('to: ceasefire, rate: 0.1', 'to: truce, rate: 0.1');
    const res = await post('/api/scenarios/validate', { text });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.valid).toBe(false);
    const codes = body.issues.map((i: { code: string }) => i.code);
    expect(codes).toEqual(expect.arrayContaining(['unknown_name', 'unknown_state']));
    const name = body.issues.find((i: { code: string }) => i.code === 'unknown_name');
    expect(name).toMatchObject({ path: 'tracks.conflict.transitions[0].rate', line: 13, hint: 'did you mean "war_rate"?' });
    expect(name.column).toBeGreaterThan(1);
  });

  it('points at the line and column of a YAML syntax error', async () => {
    const res = await post('/api/scenarios/validate', { text: 'id: x\ntime: { unit: day, dt: 1\nhorizon: 3\n' });
    const issue = res.json().issues[0];
    expect(issue).toMatchObject({ code: 'yaml_syntax', line: expect.any(Number), column: expect.any(Number) });
  });

  it('resolves includes inside the scenarios folder only', async () => {
    const ok = `id: with-module\ntime: { unit: day, dt: 1, horizon: 10 }\ninclude:\n  - module: modules/border-clash.yaml\n`;
    const good = await post('/api/scenarios/validate', { text: ok });
    expect(good.json().valid).toBe(true);
    for (const ref of ['../package.json', '../../../../etc/passwd', '/etc/hostname', '../README.md', 'modules/../../package.json']) {
      const res = await post('/api/scenarios/validate', {
        text: `id: escape\ntime: { unit: day, dt: 1, horizon: 10 }\ninclude:\n  - module: "${ref}"\n`,
      });
      expect(res.json()).toMatchObject({ valid: false, issues: [expect.objectContaining({ code: 'module_not_found' })] });
    }
  });

  it('saves a user scenario (id and hash), lists it and serves it; saving again is idempotent', async () => {
    const res = await post('/api/scenarios', { text: SMALL_SCENARIO });
    expect(res.statusCode).toBe(201);
    const { id, hash } = res.json();
    expect(id).toBe(`api-small-${hash.slice(0, 12)}`);
    expect(res.headers.location).toBe(`/api/scenarios/${id}`);
    const again = await post('/api/scenarios', SMALL_SCENARIO, { 'content-type': 'text/yaml' });
    expect(again.json()).toMatchObject({ id, hash });
    const list = (await get('/api/scenarios')).json().scenarios;
    expect(list.filter((s: { id: string }) => s.id === id)).toEqual([
      {
        id,
        hash,
        createdAt: expect.any(String),
        title: 'API test scenario',
        question: 'Does the clash become a war within 30 days?',
        tags: ['test'],
        source: 'user',
      },
    ]);
    const one = await get(`/api/scenarios/${id}`);
    expect(one.json()).toMatchObject({ id, hash, source: 'user', text: SMALL_SCENARIO });
  });

  it('refuses to save an invalid scenario with 400 and located issues', async () => {
    const res = await post('/api/scenarios', { text: SMALL_SCENARIO.replace('horizon: 30', 'horizon: -30') });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'invalid_value', path: 'time.horizon', issues: [expect.objectContaining({ line: 5 })] });
  });
});

describe('runs', () => {
  it('runs a library scenario, stores the result with its receipt, and lists it', async () => {
    const res = await post('/api/runs', { scenarioId: 'alliance-dilemma', trials: 500, seed: 9 });
    expect(res.statusCode).toBe(201);
    const { id, status, result } = res.json();
    expect(status).toBe('done');
    expect(result.receipt).toMatchObject({ scenarioId: 'alliance-dilemma', seed: 9, trials: 500, overrides: {} });
    expect(res.headers.location).toBe(`/api/runs/${id}`);
    const stored = await get(`/api/runs/${id}`);
    expect(stored.statusCode).toBe(200);
    expect(stored.json()).toMatchObject({ id, status: 'done', scenarioId: 'alliance-dilemma', result: { receipt: result.receipt } });
    const list = await get('/api/runs?limit=5');
    expect(list.json().runs[0]).toMatchObject({ id, status: 'done' });
  });

  it('runs a document with overrides; same inputs, same numbers', async () => {
    const body = { text: SMALL_SCENARIO, overrides: { war_rate: 0.2 }, trials: 2000, seed: 3 };
    const a = (await post('/api/runs', body)).json().result;
    const b = (await post('/api/runs', body)).json().result;
    expect(a.overrides).toEqual({ war_rate: 0.2 });
    expect(a.receipt.outputHash).toBe(b.receipt.outputHash);
    expect(a.metrics.war_reached.mean).toBeGreaterThan(0.5);
  });

  it('runs a saved scenario by its id', async () => {
    const { id } = (await post('/api/scenarios', { text: SMALL_SCENARIO })).json();
    const res = await post('/api/runs', { scenarioId: id, trials: 100 });
    expect(res.statusCode).toBe(201);
    expect(res.json().result.scenario.id).toBe('api-small');
  });

  it('answers an unknown scenario or run with 404', async () => {
    const res = await post('/api/runs', { scenarioId: 'no-such-scenario' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      code: 'not_found',
      message: 'no scenario with id "no-such-scenario"',
      path: 'scenarioId',
      hint: 'GET /api/scenarios lists the library and the scenarios saved on this server',
    });
    const run = await get('/api/runs/00000000-0000-0000-0000-000000000000');
    expect(run.statusCode).toBe(404);
    expect(run.json().code).toBe('not_found');
  });
});

describe('exact', () => {
  it('solves a Markov scenario exactly', async () => {
    const res = await post('/api/exact', { text: SMALL_SCENARIO, overrides: { war_rate: 0 } });
    expect(res.statusCode).toBe(200);
    expect(res.json().metrics.war_reached.probability).toBe(0);
    const lib = await post('/api/exact', { scenarioId: 'alliance-dilemma' });
    expect(lib.statusCode).toBe(200);
    expect(lib.json().scenario.id).toBe('alliance-dilemma');
  });

  it('refuses a scenario that has no exact answer with 400 not_markov', async () => {
    const text = `${SMALL_SCENARIO.replace('rate: 0.05', 'rate: 0.05 * (deaths < 5)')}variables:\n  deaths: { initial: 0 }\nflows:\n  - { to: deaths, when: 'conflict == "war"', amount: 'poisson(1)' }\n`;
    const res = await post('/api/exact', { text });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('not_markov');
  });
});
