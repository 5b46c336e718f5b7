/** Every error class through `inject()`: hostile documents, bad requests, limits, and 5xx bodies that leak nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_SCENARIO, type TestApp, testApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload: payload as string, headers });

/** A scenario whose first transition rate is `expr` (written as a single-quoted YAML scalar). */
const withRate = (expr: string) => SMALL_SCENARIO.replace('rate: war_rate', `rate: '${expr.replaceAll("'", "''")}'`);

describe('hostile scenario documents', () => {
  it('refuses a YAML alias bomb before expanding it', async () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      lines.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const text = `id: bomb\ntime: { unit: day, dt: 1, horizon: 3 }\n${lines.join('\n')}\n`;
    for (const url of ['/api/runs', '/api/scenarios', '/api/exact']) {
      const res = await post(url, { text });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('alias_limit');
    }
    expect((await post('/api/scenarios/validate', { text })).json()).toMatchObject({ valid: false, issues: [{ code: 'alias_limit' }] });
  });

  it('refuses __proto__, constructor and prototype keys in a document, and pollutes nothing', async () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const text = SMALL_SCENARIO.replace('parameters:\n', `parameters:\n  ${key}: { default: 1, range: [0, 2] }\n`);
      const res = await post('/api/runs', { text });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'forbidden_key',
        path: `parameters.${key}`,
        issues: [expect.objectContaining({ line: 7 })],
      });
      const json = `{"id":"p","time":{"unit":"day","dt":1,"horizon":3},"tracks":{"${key}":{"states":["a"]}}}`;
      expect((await post('/api/scenarios/validate', { text: json })).json().issues[0].code).toBe('forbidden_key');
    }
    expect(({} as Record<string, unknown>).default).toBeUndefined();
    expect(({} as Record<string, unknown>).states).toBeUndefined();
  });

  it('refuses __proto__ (and constructor.prototype) in the JSON request body itself, naming the key and its path', async () => {
    const json = { 'content-type': 'application/json' };
    const res = await post('/api/runs', '{"scenarioId":"alliance-dilemma","overrides":{"__proto__":{"polluted":1}}}', json);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      code: 'invalid_json',
      message: 'overrides.__proto__: the key "__proto__" is not allowed in a request body',
      path: 'overrides.__proto__',
      hint: 'remove the key, or rename it',
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const deep = await post('/api/runs', '{"scenarioId":"x","vary":[{"constructor":{"prototype":{"polluted":1}}}]}', json);
    expect(deep.json()).toMatchObject({ code: 'invalid_json', path: 'vary[0].constructor.prototype' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('says a JSON number too large to hold overflowed, without YAML words (.inf) a JSON client never wrote', async () => {
    const res = await post('/api/runs', '{"scenarioId":"alliance-dilemma","trials":1e400}', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      path: 'trials',
      message: 'trials: expected a finite number, got a number too large to hold (it overflowed to Infinity)',
      hint: 'write an ordinary number: numbers beyond 1e15 are not allowed',
    });
  });

  it('answers an empty YAML body as an empty document, not as a field the client never sent', async () => {
    const yaml = { 'content-type': 'application/yaml' };
    const validated = await post('/api/scenarios/validate', '', yaml);
    expect(validated.statusCode).toBe(200);
    expect(validated.json()).toMatchObject({
      valid: false,
      issues: [{ code: 'invalid_type', path: '', message: 'the document is empty' }],
    });
    const saved = await post('/api/scenarios', '', yaml);
    expect(saved.statusCode).toBe(400);
    expect(saved.json()).toMatchObject({ code: 'invalid_type', path: '', message: 'the document is empty' });
  });

  it('refuses mathjs escape payloads at validation, before any run', async () => {
    const payloads = [
      'cos.constructor("return process")()',
      'cos["constructor"]("return process")()',
      'import({x: 1}, {override: true})',
      'createUnit("foo")',
      'evaluate("1 + 1")',
      'parse("1").compile().evaluate()',
      'f(x) = x',
      'a = 1',
      '[1, 2]',
      '{a: 1}',
      '1:1e12',
      '10000000000!',
      '"".constructor',
      'reviver("x")',
      'simplify("x")',
      `${'('.repeat(60)}1${')'.repeat(60)}`,
    ];
    for (const expr of payloads) {
      const res = await post('/api/runs', { text: withRate(expr), trials: 10 });
      expect(res.statusCode, expr).toBe(400);
      const body = res.json();
      expect(['forbidden_syntax', 'unknown_function', 'expression_syntax', 'unknown_name', 'expression_too_deep'], expr).toContain(
        body.code,
      );
      expect(body.path).toBe('tracks.conflict.transitions[0].rate');
      expect(body.issues[0].line).toBe(13);
    }
    // Nothing ran: every refused request stored no run.
    const runs = (await t.app.inject({ method: 'GET', url: '/api/runs' })).json().runs;
    expect(runs).toEqual([]);
  });

  it('locates a YAML syntax error in a run request', async () => {
    const res = await post('/api/runs', { text: 'id: x\ntime: { unit: day, dt: 1, horizon: 3 }\ntracks:\n  a: [\n' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'yaml_syntax',
      issues: [expect.objectContaining({ line: expect.any(Number), column: expect.any(Number) })],
    });
  });

  it('refuses a duplicate key with its line', async () => {
    const text = SMALL_SCENARIO.replace('title: API test scenario\n', 'title: API test scenario\ntitle: again\n');
    const res = await post('/api/scenarios', { text });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'duplicate_key', issues: [expect.objectContaining({ line: 3 })] });
  });
});

describe('bad requests', () => {
  it('answers zod failures with 400 {code, message, path}', async () => {
    const cases: [unknown, string][] = [
      [{ scenarioId: 'alliance-dilemma', trials: 'many' }, 'trials'],
      [{ scenarioId: 'alliance-dilemma', trials: 1.5 }, 'trials'],
      [{ scenarioId: 'alliance-dilemma', trials: 0 }, 'trials'],
      [{ scenarioId: 'alliance-dilemma', seed: -1 }, 'seed'],
      [{ scenarioId: 'alliance-dilemma', overrides: { 'bad name': 1 } }, 'overrides.bad name'],
      [{ scenarioId: 'alliance-dilemma', overrides: { x: '1' } }, 'overrides.x'],
      [{ scenarioId: 'alliance-dilemma', colour: 'red' }, 'colour'],
      [{ scenarioId: 'alliance-dilemma', text: SMALL_SCENARIO }, 'scenarioId'],
      [{}, 'scenarioId'],
      [{ scenarioId: '../../etc/passwd' }, 'scenarioId'],
    ];
    for (const [payload, path] of cases) {
      const res = await post('/api/runs', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      const body = res.json();
      expect(body.code).toBe('invalid_request');
      expect(body.path, JSON.stringify(payload)).toBe(path);
      expect(body.message).toEqual(expect.any(String));
      expect(
        Object.keys(body)
          .filter((k) => k !== 'hint')
          .sort(),
      ).toEqual(['code', 'message', 'path']);
    }
  });

  it("says what is wrong with a field in the API's words, with the fix, not zod's", async () => {
    const cases: [unknown, string, string | undefined][] = [
      [{ scenarioId: 'alliance-dilemma', trials: 0 }, 'trials: 0 is below the smallest allowed, 1', 'give a number >= 1'],
      [{ scenarioId: 'alliance-dilemma', trials: 1.5 }, 'trials: expected a whole number, got 1.5', 'write a whole number here, e.g. 2'],
      [
        { scenarioId: 'alliance-dilemma', trials: '2000' },
        'trials: expected a number, got the text "2000"',
        'remove the quotes around the number',
      ],
      [{ scenarioId: 'alliance-dilemma', trials: 'many' }, 'trials: expected a number, got the text "many"', 'write a number here'],
      [{ scenarioId: '' }, 'scenarioId: "scenarioId" must not be empty', undefined],
      // JSON, not YAML: the hint says to quote the text, not how YAML reads it.
      [{ scenarioId: 2022 }, 'scenarioId: expected text, got 2022', 'write it as text, in quotes: "2022"'],
      [
        { scenarioId: 'alliance-dilemma', uncertainty: { draws: 20, design: 'grid' } },
        'uncertainty.design: the text "grid" is not one of lhs, sobol',
        'write one of: lhs, sobol',
      ],
    ];
    for (const [payload, message, hint] of cases) {
      const body = (await post('/api/runs', payload)).json();
      expect(body.message, JSON.stringify(payload)).toBe(message);
      expect(body.hint, JSON.stringify(payload)).toBe(hint);
    }
    // A query's number arrives as text and is named as the number.
    const limit = (await t.app.inject({ method: 'GET', url: '/api/runs?limit=100000' })).json();
    expect(limit.message).toMatch(/^limit: 100000 is above the largest allowed, \d+$/);
    // The largest allowed is named, whatever it is.
    const big = (await post('/api/runs', { scenarioId: 'alliance-dilemma', trials: 1e15 })).json();
    expect(big.message).toMatch(/^trials: 1000000000000000 is above the largest allowed, [\d]+$/);
    expect(big.hint).toMatch(/^give a number <= \d+$/);
  });

  it('names an unknown key in the path and hints at the key it likely meant, or the keys allowed there', async () => {
    const SCENARIO_HINT =
      'a scenario goes in "scenarioId" (the id of a library or saved scenario) or in "text" (its YAML or JSON, as a string)';
    const cases: [string, unknown, string, string][] = [
      ['/api/runs', { scenarioId: 'alliance-dilemma', trails: 100 }, 'trails', 'did you mean "trials"?'],
      // Where other tools put the scenario: this API takes an id or the text.
      ['/api/runs', { scenario: 'alliance-dilemma' }, 'scenario', SCENARIO_HINT],
      ['/api/exact', { yaml: 'id: x' }, 'yaml', SCENARIO_HINT],
      ['/api/runs', { scenarioId: 'alliance-dilemma', uncertainty: { drawz: 20 } }, 'uncertainty.drawz', 'did you mean "draws"?'],
      ['/api/exercises', { scenarioId: 'alliance-dilemma', titel: 'x' }, 'titel', 'did you mean "title"?'],
    ];
    for (const [url, payload, path, hint] of cases) {
      const res = await post(url, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json(), JSON.stringify(payload)).toMatchObject({
        code: 'invalid_request',
        path,
        hint,
        message: expect.stringContaining(`unknown key`),
      });
    }
    const listed = (await post('/api/runs', { scenarioId: 'alliance-dilemma', colour: 'red' })).json();
    expect(listed.hint).toMatch(/^allowed keys: .*scenarioId.*trials/);
  });

  it('answers an id that names no scenario with 404 and the library id it likely meant', async () => {
    const run = await post('/api/runs', { scenarioId: 'alliance-dilema', trials: 100 });
    expect(run.statusCode).toBe(404);
    expect(run.json()).toMatchObject({ code: 'not_found', path: 'scenarioId', hint: 'did you mean "alliance-dilemma"?' });
    const get = await t.app.inject({ method: 'GET', url: '/api/scenarios/alliance-dilema' });
    expect(get.statusCode).toBe(404);
    expect(get.json()).toMatchObject({ code: 'not_found', path: 'id', hint: 'did you mean "alliance-dilemma"?' });
    const far = (await t.app.inject({ method: 'GET', url: '/api/scenarios/zzzzzzzzzzzz' })).json();
    expect(far.hint).toBe('GET /api/scenarios lists the library and the scenarios saved on this server');
  });

  it('refuses overrides that name no parameter, or lie outside what the engine accepts', async () => {
    const res = await post('/api/runs', { text: SMALL_SCENARIO, overrides: { constructor: 1 } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'bad_override', path: 'overrides.constructor' });
    expect(res.json().issues[0].line).toBeUndefined();
  });

  it("names a bad sweep or sensitivity option by the request's own field, not a command-line flag", async () => {
    const sweep = await post('/api/sweeps', {
      scenarioId: 'alliance-dilemma',
      design: { method: 'grid', vary: [{ name: 'no_such_parameter', lo: 0, hi: 1, n: 2 }] },
    });
    expect(sweep.statusCode).toBe(400);
    expect(sweep.json()).toMatchObject({ code: 'bad_override', path: 'design.vary.no_such_parameter' });
    const sensitivity = await post('/api/sensitivity', { scenarioId: 'alliance-dilemma', method: 'tornado', metrics: ['nope'] });
    expect(sensitivity.statusCode).toBe(400);
    expect(sensitivity.json()).toMatchObject({ code: 'bad_run_options', path: 'metrics', message: 'there is no metric "nope"' });
  });

  it("refuses a Sobol' group naming no parameter with the field to fix (Sobol' over many parameters screens by Morris instead)", async () => {
    const empty = await post('/api/sensitivity', { scenarioId: 'alliance-dilemma', method: 'sobol', samples: 64, groups: { g: [] } });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ code: 'bad_run_options', path: 'groups.g', message: 'the group "g" names no parameter' });
  });

  it('refuses a run over the trials × steps budget with 400 budget_exceeded, its hint naming only what the request sets', async () => {
    const res = await post('/api/runs', { scenarioId: 'armenia-azerbaijan-2022', trials: 10_000_000 });
    expect(res.statusCode).toBe(400);
    // The server's budget is no field of the request: the engine's "or raise `budget`" is left out.
    expect(res.json()).toMatchObject({
      code: 'budget_exceeded',
      path: 'trials',
      message: expect.stringContaining('exceeds the budget of 2.00e+9'),
      hint: 'use at most 2777777 trials (`trials`) or a larger dt',
      issues: [expect.objectContaining({ hint: 'use at most 2777777 trials (`trials`) or a larger dt' })],
    });
  });

  it('answers a body over the limit with 413, for JSON and raw YAML alike', async () => {
    const big = 'x'.repeat(300 * 1024);
    const json = await post('/api/scenarios/validate', { text: big });
    expect(json.statusCode).toBe(413);
    expect(json.json()).toEqual({ code: 'body_too_large', message: 'the request body is larger than this server accepts', path: '' });
    const yaml = await post('/api/scenarios', `id: big\n# ${big}\n`, { 'content-type': 'application/yaml' });
    expect(yaml.statusCode).toBe(413);
  });

  it('refuses a document longer than the limit inside the body limit', async () => {
    const res = await post('/api/scenarios/validate', { text: `${SMALL_SCENARIO}#${'x'.repeat(210_000)}\n` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'invalid_request', path: 'text' });
  });

  it('answers malformed JSON with 400 and an unknown content type with 415', async () => {
    const bad = await post('/api/runs', '{"scenarioId": ', { 'content-type': 'application/json' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'invalid_json', path: '' });
    const media = await post('/api/runs', 'x', { 'content-type': 'application/xml' });
    expect(media.statusCode).toBe(415);
    expect(media.json()).toMatchObject({ code: 'unsupported_media_type', path: '' });
  });
});

describe('server faults', () => {
  it('never sends internal messages or stacks in a 5xx body', async () => {
    const logs: string[] = [];
    const f = await testApp();
    try {
      f.app.get('/api/test-boom', async () => {
        throw new Error('secret db detail at /var/lib/georisk');
      });
      f.app.get('/api/test-throw-string', async () => {
        throw 'secret string';
      });
      f.app.addHook('onError', async (_request, _reply, error) => {
        logs.push(String(error));
      });
      for (const url of ['/api/test-boom', '/api/test-throw-string']) {
        const res = await f.app.inject({ method: 'GET', url });
        expect(res.statusCode).toBe(500);
        const body = res.json();
        expect(body).toEqual({ code: 'internal_error', message: 'Internal Server Error', path: '', requestId: expect.any(String) });
        expect(res.body).not.toMatch(/secret|stack|var\/lib/);
      }
      expect(logs.join('\n')).toContain('secret db detail');
    } finally {
      await f.close();
    }
  });
});
