/**
 * The API passes on the warnings the CLI shows: `POST /api/runs` answers an override outside its
 * parameter's range with a `bad_override` warning (as `georisk run` prints on stderr), and
 * `POST /api/scenarios/validate` lists what `georisk validate --format json` lists (a parameter
 * without provenance, say), with line and column.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { SMALL_SCENARIO, type TestApp, testApp } from './helpers.ts';

let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await testApp();
  dir = mkdtempSync(join(tmpdir(), 'georisk-warnings-'));
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (url: string, payload: unknown) => t.app.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });

/** SMALL_SCENARIO with provenance on its one parameter: no warning of its own. */
const SOURCED = SMALL_SCENARIO.replace(
  'war_rate: { default: 0.01, range: [0, 1], unit: per day }',
  'war_rate: { default: 0.01, range: [0, 1], unit: per day, provenance: { kind: assumed, note: a test value } }',
);

describe('POST /api/runs', () => {
  const outside = {
    code: 'bad_override',
    severity: 'warning',
    path: 'overrides.p_hold_war',
    message: 'the value 5 for "p_hold_war" lies outside its range [0.1, 0.5]',
    hint: 'the run uses it anyway; check for a typo or a wrong unit, or widen the range in the scenario',
  };

  it('warns of an override outside its range, for a library scenario, and stores the run as usual', async () => {
    const res = await post('/api/runs', { scenarioId: 'alliance-dilemma', trials: 200, overrides: { p_hold_war: 5 } });
    expect(res.statusCode).toBe(201);
    expect(res.json().warnings).toEqual([outside]);
    expect(res.json().result.overrides).toEqual({ p_hold_war: 5 });
    // The stored run keeps them: GET answers what the POST did.
    const stored = await t.app.inject({ method: 'GET', url: `/api/runs/${res.json().id}` });
    expect(stored.json()).toMatchObject({ status: 'done', warnings: [outside] });
  });

  it('warns for a document sent as text, and for a two-level run', async () => {
    const text = await post('/api/runs', { text: SOURCED, trials: 200, overrides: { war_rate: 3 } });
    expect(text.statusCode).toBe(201);
    expect(text.json().warnings).toMatchObject([{ code: 'bad_override', path: 'overrides.war_rate', severity: 'warning' }]);
    const band = await post('/api/runs', {
      scenarioId: 'alliance-dilemma',
      overrides: { p_hold_war: 5 },
      uncertainty: { draws: 4, trialsPerDraw: 50, method: 'sample' },
    });
    expect(band.statusCode).toBe(201);
    expect(band.json().warnings).toEqual([outside]);
    const stored = await t.app.inject({ method: 'GET', url: `/api/runs/${band.json().id}` });
    expect(stored.json().warnings).toEqual([outside]);
  });

  it('answers an empty list when nothing is amiss', async () => {
    const res = await post('/api/runs', { scenarioId: 'alliance-dilemma', trials: 200, overrides: { p_hold_war: 0.3 } });
    expect(res.json().warnings).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: `/api/runs/${res.json().id}` })).json().warnings).toEqual([]);
  });

  it('gives the same warning as georisk run prints', async () => {
    const res = await runCli([
      'run',
      'scenarios/teaching/alliance-dilemma.yaml',
      '--trials',
      '200',
      '--set',
      'p_hold_war=5',
      '--format',
      'json',
    ]);
    expect(res.status).toBe(0);
    expect(res.stderr).toContain(outside.message);
    expect(res.stderr).toContain(outside.hint);
  });
});

describe('POST /api/scenarios/validate', () => {
  it('lists the warnings georisk validate --format json lists, located', async () => {
    const file = join(dir, 'small.yaml');
    writeFileSync(file, SMALL_SCENARIO);
    const [api, cli] = await Promise.all([
      post('/api/scenarios/validate', { text: SMALL_SCENARIO }),
      runCli(['validate', file, '--format', 'json']),
    ]);
    expect(api.statusCode).toBe(200);
    const { valid, warnings } = api.json();
    expect(valid).toBe(true);
    expect(warnings).toMatchObject([{ code: 'missing_provenance', severity: 'warning', path: 'parameters.war_rate', line: 7 }]);
    expect(cli.status).toBe(0);
    // The CLI names the file it read; a document sent to the API has none.
    const cliWarnings = JSON.parse(cli.stdout)[0].issues.map(({ file: _file, ...rest }: { file?: string }) => rest);
    expect(warnings).toEqual(cliWarnings);
  });

  it('lists none for a document with provenance, and takes raw YAML too', async () => {
    const json = await post('/api/scenarios/validate', { text: SOURCED });
    expect(json.json()).toMatchObject({ valid: true, warnings: [] });
    const yaml = await t.app.inject({
      method: 'POST',
      url: '/api/scenarios/validate',
      headers: { 'content-type': 'application/yaml' },
      payload: SMALL_SCENARIO,
    });
    expect(yaml.json().warnings.map((w: { code: string }) => w.code)).toEqual(['missing_provenance']);
  });
});
