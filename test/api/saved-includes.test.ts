/**
 * A document sent to the server resolves `../modules/…` as a scenario in a folder of scenarios/ does, so
 * the teaching templates (scenarios/teaching/, the web editor's starting draft) save and run; nothing
 * outside scenarios/ becomes readable.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ pool: { threads: 1 } });
});
afterAll(async () => await t.close());

describe('documents sent to the server', () => {
  it('a teaching template (../modules includes) saves, opens by id and runs', async () => {
    const text = readFileSync('scenarios/teaching/two-state-border-dispute.yaml', 'utf8');
    const saved = await t.app.inject({
      method: 'POST',
      url: '/api/scenarios',
      headers: { 'content-type': 'application/yaml' },
      payload: text,
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const { id } = saved.json();
    const opened = await t.app.inject({ method: 'GET', url: `/api/scenarios/${id}` });
    expect(opened.statusCode).toBe(200);
    expect(opened.json().source).toBe('user');
    const run = await t.app.inject({ method: 'POST', url: '/api/runs', payload: { scenarioId: id, trials: 200 } });
    expect(run.statusCode, run.body).toBe(201);
    // The same document as the library's file: the same model, so the same hash.
    const library = (await t.app.inject({ method: 'GET', url: '/api/scenarios/two-state-border-dispute' })).json();
    expect(opened.json().hash).toBe(library.hash);
  });

  it('still reads nothing outside scenarios/', async () => {
    for (const ref of ['../../package.json', '../../../etc/hostname', '../README.md']) {
      const text = `id: x\ntime: { unit: day, dt: 1, horizon: 5 }\ninclude:\n  - module: ${ref}\ntracks:\n  a: { states: [s], transitions: [] }\n`;
      const res = await t.app.inject({ method: 'POST', url: '/api/scenarios/validate', payload: { text } });
      expect(res.statusCode).toBe(200);
      expect(res.json().valid).toBe(false);
      expect(res.json().issues.map((i: { code: string }) => i.code)).toContain('module_not_found');
    }
  });
});
