/** Budgets on what a request may cost beyond its trials: the result's size, stored rows and quotas, job caps and deadlines, timeouts. */
import { describe, expect, it } from 'vitest';
import { testApp } from './helpers.ts';

/** A track of `states` states over `steps` hourly steps: a small request whose result would be huge. */
function wideScenario(states: number, steps: number): string {
  const names = Array.from({ length: states }, (_, i) => `s${i}`);
  return [
    'id: wide',
    `time: { unit: hour, dt: 1, horizon: ${steps} }`,
    'parameters:',
    '  rate: { default: 0.01, range: [0, 0.1] }',
    'tracks:',
    '  war:',
    `    states: [${names.join(', ')}]`,
    '    initial: s0',
    '    transitions:',
    '      - { from: s0, to: s1, rate: rate }',
    'metrics:',
    '  moved: { expr: \'ever(war, "s1")\' }',
    '',
  ].join('\n');
}

describe('result-size budget', () => {
  it('refuses up front a run, an exact analysis and a sweep whose result would exceed the limit, naming the limit and the fix', async () => {
    const t = await testApp({ maxResultValues: 100_000 });
    try {
      const text = wideScenario(100, 1_000_000);
      for (const [url, extra] of [
        ['/api/runs', { trials: 2000 }],
        ['/api/exact', {}],
        ['/api/sweeps', { trials: 10, design: { method: 'grid', vary: [{ name: 'rate', n: 2 }] } }],
      ] as const) {
        const started = performance.now();
        const res = await t.app.inject({ method: 'POST', url, payload: { text, ...extra } });
        expect(res.statusCode, url).toBe(400);
        const body = res.json();
        expect(body.code, url).toBe('result_too_large');
        expect(body.path).toBe('time.dt');
        expect(body.message).toMatch(/100 states × 1000001 time points × 2 series/);
        expect(body.message).toMatch(/limit of 1\.00e\+5/);
        expect(body.issues[0].hint).toMatch(/coarser dt/);
        // Refused before any work: far less than a second, even on a loaded machine (the run would take minutes).
        expect(performance.now() - started).toBeLessThan(5000);
      }
      // Nothing was stored for the refused run.
      expect((await t.app.inject({ method: 'GET', url: '/api/runs' })).json().runs).toEqual([]);
      // A result under the limit runs.
      const small = await t.app.inject({ method: 'POST', url: '/api/runs', payload: { text: wideScenario(10, 100), trials: 10 } });
      expect(small.statusCode).toBe(201);
    } finally {
      await t.close();
    }
  });
});
