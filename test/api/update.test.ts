/** `POST /api/update`: the same answer as the library, the exact conditional, and refusals as `{code, message, path}` naming the observation. */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioText, updateScenario } from '../../packages/engine/src/index.ts';
import { SMALL_SCENARIO, type TestApp, testApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const post = (payload: unknown) => t.app.inject({ method: 'POST', url: '/api/update', payload: payload as string });
const OBSERVED = 'observations:\n  - { at: 5, track: conflict, state: [clash, war] }\n';

describe('POST /api/update', () => {
  it('answers what the library answers for the same inputs, with the exact conditional and the observations hash', async () => {
    const res = await post({ text: SMALL_SCENARIO, observations: OBSERVED, trials: 3000, seed: 5 });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const library = updateScenario(loadScenarioText(SMALL_SCENARIO).scenario, OBSERVED, { trials: 3000, seed: 5, overrides: {} });
    expect(body.receipt.outputHash).toBe(library.receipt.outputHash);
    expect(body.receipt.observationsHash).toBe(library.receipt.observationsHash);
    expect(body.conditioning.effectiveSampleSize).toBe(library.conditioning.effectiveSampleSize);
    // Ceasefire is absorbing here: observed out of it at day 5, it was never entered by then.
    expect(body.exact.tracks.conflict.firstPassage.ceasefire.cumulative[5]).toBe(0);
    // The exact conditional carries the metrics `georisk exact` answers, as the library gives them.
    expect(body.exact.metrics).toEqual(JSON.parse(JSON.stringify(library.exact?.metrics)));
    expect(body.exact.metrics.war_reached.probability).toBeCloseTo(body.exact.tracks.conflict.ever.war, 12);
    expect(body.exact.metrics.days_to_ceasefire.mean).toBeGreaterThan(0);
  });

  it('refuses a state the track lacks with 400 bad_observation at the observation, and an impossible one by name', async () => {
    const bad = await post({
      text: SMALL_SCENARIO,
      observations: 'observations:\n  - { at: 5, track: conflict, state: peace }\n',
      trials: 100,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'bad_observation', path: 'observations[0].state' });
    expect(bad.json().message).toContain('track "conflict" has no state "peace"');
    const impossible = 'observations:\n  - { at: 3, track: conflict, state: ceasefire }\n  - { at: 4, track: conflict, state: war }\n';
    const res = await post({ text: SMALL_SCENARIO, observations: impossible, trials: 100 });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'impossible_observation', path: 'observations[1]' });
    expect(res.json().message).toContain('has probability zero');
  });

  it('points an empty observations text at the observations, not into the library scenario', async () => {
    const res = await post({ scenarioId: 'alliance-dilemma', observations: '' });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toMatchObject({ code: 'invalid_type', path: '', message: 'the observations document is empty' });
    const [only] = body.issues;
    expect(only).toMatchObject({ line: 1, column: 1, message: 'the observations document is empty' });
    expect(only.file).toBeUndefined();
    expect(only.hint).toContain('see scenarios/observations/');
  });

  it('refuses a request without observations, and lists the route in OpenAPI', async () => {
    const res = await post({ text: SMALL_SCENARIO });
    expect(res.statusCode).toBe(400);
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toContain('/api/update');
    expect(doc.components.schemas.UpdateRequest.required).toContain('observations');
  });
});
