/**
 * Classroom exercises through the API: every authorization rule, every bad input, the deadline,
 * the limits, the reveal's scores against the engine's own functions, and persistence across a
 * restart on the same data folder.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../apps/api/src/app.ts';
import type { ClassroomOptions } from '../../apps/api/src/routes/exercises/index.ts';
import { Store } from '../../apps/api/src/store.ts';
import { expectedAbsoluteError, expectedBrier, expectedLog } from '../../packages/engine/src/classroom.ts';

type App = Awaited<ReturnType<typeof buildApp>>;

/**
 * The reveal's receipts and question outcomes, pinned before issue 13's reshaping. The two receipts
 * moved once when the modules' metrics got their units (issue 18, text only: an output hash covers
 * each metric's unit); the question outcomes, computed from the numbers, did not. The question
 * outcomes moved once when a quantity's grid became slice means that keep the tails (the runs did not).
 * The two receipts moved again when the Wilson interval's ends became exact at k = 0 and k = n (0 for
 * 1.1e-19, 1 for 0.9999999999999998 in the tracks' intervals; both runs compared value by value before
 * and after, nothing else moved); the question outcomes did not.
 */
const GOLDEN_REVEAL = {
  withDecisions: 'c33cc9f1c408122a4a245baa190d5074897b012e0ab0533aabe040a8842814d8',
  noAction: '8fc7ee2e5a535d9900dbd3f9538840ff614926bdfc81a81e7600b4a2b350f48f',
  questions: '1995497272cb6d81402a3d274c8aec376ef3a4396ce21b14688e4e06cf532b40',
};

/** A clock the tests move: the deadline is checked against it. */
const clock = { t: Date.parse('2026-03-02T09:00:00Z') };
const DEADLINE = '2026-03-02T10:00:00Z';

/** A small exercise on the alliance-dilemma teaching scenario (fast: quarter-day steps, 2,000 trials). */
const EXERCISE = {
  scenarioId: 'alliance-dilemma',
  title: 'Test class',
  briefing: 'An ally is attacked.',
  teams: [
    { id: 'patron', name: 'Patron' },
    { id: 'mediators', name: 'Mediators' },
  ],
  levers: [
    {
      kind: 'choice',
      id: 'bandwidth',
      label: 'Free forces?',
      team: 'patron',
      options: [
        { id: 'stretched', label: 'Stay stretched', overrides: {} },
        { id: 'free', label: 'Free forces', overrides: { russia_bandwidth: 1 } },
      ],
    },
    { kind: 'range', id: 'ties', label: 'Ties', team: 'patron', parameter: 'ties_to_attacker', min: 0, max: 1 },
    {
      kind: 'choice',
      id: 'mediation',
      label: 'Mediate fast?',
      team: 'mediators',
      options: [
        { id: 'usual', label: 'Usual', overrides: {} },
        { id: 'fast', label: 'Fast', overrides: { international_mediation_rate: 1.5 } },
      ],
    },
  ],
  questions: [
    { kind: 'probability', id: 'troops', label: 'Troops?', metric: 'csto_deployment' },
    { kind: 'probability', id: 'war', label: 'War?', metric: 'war_reached' },
    { kind: 'quantity', id: 'deaths', label: 'Military deaths', metric: 'military_deaths', unit: 'deaths', max: 100000 },
  ],
  trials: 2000,
  seed: 11,
  deadline: DEADLINE,
};

async function open(dataDir: string, classroom: ClassroomOptions = {}): Promise<App> {
  return buildApp({ dataDir, rateLimit: false, pressure: false, pool: { threads: 1 }, classroom: { now: () => clock.t, ...classroom } });
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function create(app: App, body: unknown = EXERCISE) {
  const res = await app.inject({ method: 'POST', url: '/api/exercises', payload: body as object });
  return { res, body: res.json() as { id: string; joinCode: string; teacherToken: string; teacherPath: string } };
}

async function joinClass(app: App, code: string, name: string, team?: string) {
  const res = await app.inject({ method: 'POST', url: '/api/exercises/join', payload: { code, name, ...(team ? { team } : {}) } });
  return { res, body: res.json() as { exerciseId: string; studentToken: string; studentId: string; team: string | null } };
}

function expectError(res: { statusCode: number; json(): unknown }, status: number, code: string, path?: string): { message: string } {
  const body = res.json() as { code: string; path: string; message: string };
  expect({ status: res.statusCode, code: body.code }).toEqual({ status, code });
  if (path !== undefined) expect(body.path).toBe(path);
  expect(body.message.length).toBeGreaterThan(10);
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  return body;
}

describe('classroom API', () => {
  let dataDir: string;
  let app: App;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'georisk-class-'));
    app = await open(dataDir, { maxStudents: 4, submissionsPerMinute: 3 });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the shipped templates, and each creates an exercise', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/exercises/templates' });
    const { templates } = res.json() as { templates: { id: string; guide: string; exercise: Record<string, unknown> }[] };
    expect(templates.map((t) => t.id).sort()).toEqual(['alliance-dilemma', 'border-escalation-2022', 'seminar-2022']);
    for (const t of templates) {
      expect(t.guide).toMatch(/^docs\/teaching\/.+\.md$/);
      const { res: created } = await create(app, { ...t.exercise, deadline: DEADLINE });
      expect(created.statusCode).toBe(201);
    }
  });

  it('creates an exercise with a join code and a 256-bit teacher token that is stored only as a hash', async () => {
    const { res, body } = await create(app);
    expect(res.statusCode).toBe(201);
    expect(body.joinCode).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    expect(body.teacherToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.teacherPath).toBe(`#/teach/${body.id}?token=${body.teacherToken}`);
    const store = new Store(dataDir);
    const row = store.db.prepare('SELECT * FROM exercises WHERE id = ?').get(body.id) as { teacher_hash: string };
    store.close();
    expect(JSON.stringify(row)).not.toContain(body.teacherToken);
    expect(row.teacher_hash).toBe(createHash('sha256').update(body.teacherToken).digest('hex'));
  });

  describe('refuses bad exercise definitions with the field and a fix', () => {
    const cases: [string, unknown, number, string, string][] = [
      ['an unknown scenario', { ...EXERCISE, scenarioId: 'no-such-scenario' }, 400, 'unknown_scenario', 'scenarioId'],
      [
        'a lever on a parameter the scenario lacks',
        {
          ...EXERCISE,
          levers: [
            {
              ...EXERCISE.levers[0],
              options: [
                { id: 'a', label: 'A' },
                { id: 'b', label: 'B', overrides: { nope: 1 } },
              ],
            },
          ],
        },
        400,
        'invalid_request',
        'levers[0].options[1].overrides.nope',
      ],
      [
        'a question on a metric the scenario lacks',
        { ...EXERCISE, questions: [{ kind: 'probability', id: 'x', label: 'X', metric: 'no_metric' }] },
        400,
        'invalid_request',
        'questions[0].metric',
      ],
      [
        'a probability question on a metric that is not yes/no',
        { ...EXERCISE, questions: [{ kind: 'probability', id: 'x', label: 'X', metric: 'military_deaths' }] },
        400,
        'invalid_request',
        'questions[0].metric',
      ],
      ['a deadline in the past', { ...EXERCISE, deadline: '2026-03-02T08:00:00Z' }, 400, 'invalid_request', 'deadline'],
      ['a deadline without a zone', { ...EXERCISE, deadline: '2026-03-02 10:00' }, 400, 'invalid_request', 'deadline'],
      ['a title with a control character', { ...EXERCISE, title: 'Test\u0000' }, 400, 'invalid_request', 'title'],
      ['too many trials', { ...EXERCISE, trials: 5_000_000 }, 400, 'invalid_request', 'trials'],
      ['no questions', { ...EXERCISE, questions: [] }, 400, 'invalid_request', 'questions'],
      [
        'two levers setting one parameter',
        { ...EXERCISE, levers: [EXERCISE.levers[0], { ...EXERCISE.levers[1], id: 'other', parameter: 'russia_bandwidth' }] },
        400,
        'invalid_request',
        'levers[1]',
      ],
      ['an unknown key', { ...EXERCISE, extra: 1 }, 400, 'invalid_request', 'extra'],
    ];
    it.each(cases)('%s', async (_what, body, status, code, path) => {
      const { res } = await create(app, body);
      expectError(res, status, code, path);
    });
    it('malformed JSON and oversized bodies', async () => {
      const bad = await app.inject({
        method: 'POST',
        url: '/api/exercises',
        headers: { 'content-type': 'application/json' },
        payload: '{"title": ',
      });
      expectError(bad, 400, 'invalid_json');
      const big = await app.inject({ method: 'POST', url: '/api/exercises', payload: { ...EXERCISE, briefing: 'x'.repeat(70_000) } });
      expectError(big, 413, 'body_too_large');
    });
  });

  describe('joining', () => {
    let code: string;
    beforeAll(async () => {
      code = (await create(app)).body.joinCode;
    });
    it('joins with the code (any case) and a name, and refuses bad names, codes and teams', async () => {
      const ok = await joinClass(app, code.toLowerCase(), '  Ana  ', 'patron');
      expect(ok.res.statusCode).toBe(201);
      expect(ok.res.json()).toMatchObject({ name: 'Ana', team: 'patron' });
      expect(ok.body.studentToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expectError((await joinClass(app, code, 'ANA', 'patron')).res, 409, 'name_taken', 'name');
      expectError((await joinClass(app, code, 'x'.repeat(41), 'patron')).res, 400, 'invalid_request', 'name');
      expectError((await joinClass(app, code, '', 'patron')).res, 400, 'invalid_request', 'name');
      expectError((await joinClass(app, code, 'Bo\u202Eb', 'patron')).res, 400, 'invalid_request', 'name');
      expectError((await joinClass(app, code, 'Bo\nb', 'patron')).res, 400, 'invalid_request', 'name');
      expectError((await joinClass(app, 'ZZZZZZ', 'Bob', 'patron')).res, 404, 'not_found', 'code');
      expectError((await joinClass(app, 'abc', 'Bob', 'patron')).res, 400, 'invalid_request', 'code');
      expectError((await joinClass(app, code, 'Bob', 'nobody')).res, 400, 'invalid_request', 'team');
    });
    it('puts a student who names no team in the smallest team, and refuses a student beyond the class size', async () => {
      expect((await joinClass(app, code, 'Bob')).body.team).toBe('mediators');
      expect((await joinClass(app, code, 'Cem')).body.team).toBe('patron');
      expect((await joinClass(app, code, 'Dana', 'mediators')).res.statusCode).toBe(201);
      const full = expectError((await joinClass(app, code, 'Eve', 'mediators')).res, 409, 'class_full');
      expect(full.message).toContain('4 students');
    });
  });

  describe('authorization', () => {
    let a: { id: string; joinCode: string; teacherToken: string };
    let b: { id: string; joinCode: string; teacherToken: string };
    let ana: string;
    let bob: string;
    let other: string;
    beforeAll(async () => {
      a = (await create(app)).body;
      b = (await create(app)).body;
      ana = (await joinClass(app, a.joinCode, 'Ana', 'patron')).body.studentToken;
      bob = (await joinClass(app, a.joinCode, 'Bob', 'mediators')).body.studentToken;
      other = (await joinClass(app, b.joinCode, 'Olga', 'patron')).body.studentToken;
      const put = await app.inject({
        method: 'PUT',
        url: `/api/exercises/${a.id}/submission`,
        headers: auth(bob),
        payload: { forecasts: { troops: 0.31, war: 0.2, deaths: 123 }, decisions: { mediation: 'fast' } },
      });
      expect(put.statusCode).toBe(200);
    });

    const teacherRoutes = () => [
      { method: 'GET' as const, url: `/api/exercises/${a.id}` },
      { method: 'POST' as const, url: `/api/exercises/${a.id}/reveal` },
    ];
    it('teacher routes: no token 401, a wrong token, a student token or another class teacher token 403', async () => {
      for (const r of teacherRoutes()) {
        expectError(await app.inject(r), 401, 'unauthorized', 'headers.authorization');
        expectError(await app.inject({ ...r, headers: { authorization: 'Basic abc' } }), 401, 'unauthorized');
        expectError(await app.inject({ ...r, headers: auth('A'.repeat(43)) }), 403, 'forbidden');
        expectError(await app.inject({ ...r, headers: auth(ana) }), 403, 'forbidden');
        expectError(await app.inject({ ...r, headers: auth(b.teacherToken) }), 403, 'forbidden');
      }
      const ok = await app.inject({ method: 'GET', url: `/api/exercises/${a.id}`, headers: auth(a.teacherToken) });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ joinCode: a.joinCode, submitted: 1, status: 'open' });
    });
    it('an unknown exercise id is 404, a malformed one 400', async () => {
      expectError(
        await app.inject({ method: 'GET', url: '/api/exercises/00000000-0000-4000-8000-000000000000', headers: auth(a.teacherToken) }),
        404,
        'not_found',
      );
      expectError(
        await app.inject({ method: 'GET', url: '/api/exercises/nope', headers: auth(a.teacherToken) }),
        400,
        'invalid_request',
        'id',
      );
    });
    it('student routes: no token 401; the teacher token, a wrong token or a student of another class 403', async () => {
      const routes = [
        { method: 'GET' as const, url: `/api/exercises/${a.id}/me` },
        { method: 'PUT' as const, url: `/api/exercises/${a.id}/submission`, payload: { forecasts: {} } },
      ];
      for (const r of routes) {
        expectError(await app.inject(r), 401, 'unauthorized');
        expectError(await app.inject({ ...r, headers: auth(a.teacherToken) }), 403, 'forbidden');
        expectError(await app.inject({ ...r, headers: auth('B'.repeat(43)) }), 403, 'forbidden');
        expectError(await app.inject({ ...r, headers: auth(other) }), 403, 'forbidden');
      }
    });
    it('a student sees only their own submission before the reveal', async () => {
      const me = await app.inject({ method: 'GET', url: `/api/exercises/${a.id}/me`, headers: auth(ana) });
      expect(me.statusCode).toBe(200);
      const body = me.json() as { submission: unknown; student: { name: string } };
      expect(body.student.name).toBe('Ana');
      expect(body.submission).toBeNull();
      expect(JSON.stringify(body)).not.toContain('Bob');
      expect(JSON.stringify(body)).not.toContain('0.31');
      const bobs = (await app.inject({ method: 'GET', url: `/api/exercises/${a.id}/me`, headers: auth(bob) })).json() as {
        submission: { forecasts: unknown };
      };
      expect(bobs.submission.forecasts).toEqual({ troops: 0.31, war: 0.2, deaths: 123 });
    });
    it('nobody reads the debrief before the reveal; outsiders never', async () => {
      for (const url of [`/api/exercises/${a.id}/debrief`, `/api/exercises/${a.id}/debrief.csv`]) {
        expectError(await app.inject({ method: 'GET', url }), 401, 'unauthorized');
        expectError(await app.inject({ method: 'GET', url, headers: auth(a.teacherToken) }), 403, 'not_revealed');
        expectError(await app.inject({ method: 'GET', url, headers: auth(ana) }), 403, 'not_revealed');
        expectError(await app.inject({ method: 'GET', url, headers: auth(other) }), 403, 'forbidden');
        expectError(await app.inject({ method: 'GET', url, headers: auth(b.teacherToken) }), 403, 'forbidden');
      }
    });
  });

  describe('submissions', () => {
    let ex: { id: string; joinCode: string; teacherToken: string };
    let ana: string;
    beforeAll(async () => {
      ex = (await create(app)).body;
      ana = (await joinClass(app, ex.joinCode, 'Ana', 'patron')).body.studentToken;
    });
    const put = (payload: unknown, token = ana) =>
      app.inject({ method: 'PUT', url: `/api/exercises/${ex.id}/submission`, headers: auth(token), payload: payload as object });
    const good = { forecasts: { troops: 0.1, war: 0.2, deaths: 300 }, decisions: { bandwidth: 'free', ties: 0.2 } };

    it('refuses every bad forecast and decision with its path', async () => {
      const bad: [unknown, string][] = [
        [{ ...good, forecasts: { ...good.forecasts, troops: 1.2 } }, 'forecasts.troops'],
        [{ ...good, forecasts: { ...good.forecasts, war: -0.1 } }, 'forecasts.war'],
        [{ ...good, forecasts: { troops: 0.1, war: 0.2 } }, 'forecasts.deaths'],
        [{ ...good, forecasts: { ...good.forecasts, deaths: -5 } }, 'forecasts.deaths'],
        [{ ...good, forecasts: { ...good.forecasts, extra: 1 } }, 'forecasts.extra'],
        [{ ...good, decisions: { bandwidth: 'maybe', ties: 0.2 } }, 'decisions.bandwidth'],
        [{ ...good, decisions: { bandwidth: 'free', ties: 3 } }, 'decisions.ties'],
        [{ ...good, decisions: { bandwidth: 'free' } }, 'decisions.ties'],
        [{ ...good, decisions: { ...good.decisions, mediation: 'fast' } }, 'decisions.mediation'],
      ];
      for (const [payload, path] of bad) expectError(await put(payload), 400, 'invalid_submission', path);
      expectError(await put({ ...good, forecasts: { ...good.forecasts, troops: '0.1' } }), 400, 'invalid_request', 'forecasts.troops');
      expectError(await put({ ...good, sneaky: true }), 400, 'invalid_request');
      const malformed = await app.inject({
        method: 'PUT',
        url: `/api/exercises/${ex.id}/submission`,
        headers: { ...auth(ana), 'content-type': 'application/json' },
        payload: '{"forecasts":',
      });
      expectError(malformed, 400, 'invalid_json');
      const probability = expectError(await put({ ...good, forecasts: { ...good.forecasts, troops: 30 } }), 400, 'invalid_submission');
      expect(probability.message).toContain('write 30% as 0.3');
    });

    it('replaces a submission, limits the rate per student, and refuses late ones clearly', async () => {
      expect((await put(good)).statusCode).toBe(200);
      expect((await put({ ...good, forecasts: { ...good.forecasts, troops: 0.15 } })).statusCode).toBe(200);
      expect((await put({ ...good, forecasts: { ...good.forecasts, troops: 0.2 } })).statusCode).toBe(200);
      const limited = await put(good);
      expectError(limited, 429, 'submission_rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      const me = (await app.inject({ method: 'GET', url: `/api/exercises/${ex.id}/me`, headers: auth(ana) })).json() as {
        submission: { forecasts: { troops: number } };
      };
      expect(me.submission.forecasts.troops).toBe(0.2);
      const saved = clock.t;
      try {
        clock.t = Date.parse(DEADLINE) + 61_000;
        const late = expectError(await put(good), 409, 'deadline_passed', 'deadline');
        expect(late.message).toContain('nothing was saved');
        expectError((await joinClass(app, ex.joinCode, 'Latecomer', 'patron')).res, 409, 'deadline_passed');
      } finally {
        clock.t = saved;
      }
    });
  });

  describe('the reveal', () => {
    let ex: { id: string; joinCode: string; teacherToken: string };
    const tokens: Record<string, string> = {};
    const forecasts = {
      Ana: { troops: 0.05, war: 0.1, deaths: 250 },
      '=HYPERLINK("x")': { troops: 0.5, war: 0.5, deaths: 50 },
      '<b>Cem</b>': { troops: 0.02, war: 0.15, deaths: 400 },
    };
    let debrief: {
      debrief: {
        questions: { id: string; outcome: { p?: number; grid?: number[]; median?: number } }[];
        students: {
          name: string;
          brier: number;
          log: number;
          rank: number;
          forecasts: { question: string; brier?: number; absoluteError?: number }[];
        }[];
        effects: { question: string; difference: number; ci95: [number, number] }[];
        calibration: { count: number }[];
      };
      decisions: { lever: string; decision: unknown }[];
      overrides: Record<string, number>;
      receipts: {
        withDecisions: { seed: number; trials: number; overrides: Record<string, number>; outputHash: string };
        noAction: { seed: number; outputHash: string };
      };
    };

    beforeAll(async () => {
      ex = (await create(app)).body;
      const teams = { Ana: 'patron', '=HYPERLINK("x")': 'patron', '<b>Cem</b>': 'mediators' } as Record<string, string>;
      for (const [name, f] of Object.entries(forecasts)) {
        tokens[name] = (await joinClass(app, ex.joinCode, name, teams[name])).body.studentToken;
        const decisions = teams[name] === 'patron' ? { bandwidth: 'free', ties: name === 'Ana' ? 0.2 : 0.4 } : { mediation: 'usual' };
        const res = await app.inject({
          method: 'PUT',
          url: `/api/exercises/${ex.id}/submission`,
          headers: auth(tokens[name]!),
          payload: { forecasts: f, decisions },
        });
        expect(res.statusCode).toBe(200);
      }
      const res = await app.inject({ method: 'POST', url: `/api/exercises/${ex.id}/reveal`, headers: auth(ex.teacherToken) });
      expect(res.statusCode).toBe(200);
      const got = await app.inject({ method: 'GET', url: `/api/exercises/${ex.id}/debrief`, headers: auth(tokens.Ana as string) });
      expect(got.statusCode).toBe(200);
      debrief = got.json();
    });

    it('applies the class decisions (plurality, median) and records the seed, trials and overrides of both runs', () => {
      expect(debrief.decisions).toEqual([
        expect.objectContaining({ lever: 'bandwidth', decision: 'free' }),
        expect.objectContaining({ lever: 'ties', decision: expect.closeTo(0.3, 12) }),
        expect.objectContaining({ lever: 'mediation', decision: 'usual' }),
      ]);
      expect(debrief.overrides).toEqual({ russia_bandwidth: 1, ties_to_attacker: expect.closeTo(0.3, 12) });
      expect(debrief.receipts.withDecisions).toMatchObject({ seed: 11, trials: 2000, overrides: debrief.overrides });
      expect(debrief.receipts.withDecisions.outputHash).toMatch(/^[0-9a-f]{64}$/);
      // Pinned after issue 15's per-component streams (see test/golden/golden.test.ts).
      expect({
        withDecisions: debrief.receipts.withDecisions.outputHash,
        noAction: debrief.receipts.noAction.outputHash,
        questions: createHash('sha256').update(JSON.stringify(debrief.debrief.questions)).digest('hex'),
      }).toEqual(GOLDEN_REVEAL);
      expect(debrief.receipts.noAction).toMatchObject({ seed: 11, trials: 2000, overrides: {} });
    });

    it("scores each student with the engine's scoring rules against the stored outcome", () => {
      const q = Object.fromEntries(debrief.debrief.questions.map((x) => [x.id, x.outcome]));
      for (const s of debrief.debrief.students) {
        const f = forecasts[s.name as keyof typeof forecasts];
        const troopsBrier = expectedBrier(f.troops, q.troops!.p!);
        const warBrier = expectedBrier(f.war, q.war!.p!);
        expect(s.brier).toBeCloseTo((troopsBrier + warBrier) / 2, 14);
        expect(s.log).toBeCloseTo((expectedLog(f.troops, q.troops!.p!) + expectedLog(f.war, q.war!.p!)) / 2, 14);
        expect(s.forecasts.find((x) => x.question === 'deaths')?.absoluteError).toBeCloseTo(
          expectedAbsoluteError(f.deaths, q.deaths!.grid!),
          9,
        );
      }
      // P(troops) with full bandwidth and ties 0.3: 0.12 × 1 × 0.7 ≈ 0.084 a month once asked (within 0.04 at 2,000 trials).
      expect(q.troops?.p).toBeGreaterThan(0.04);
      expect(q.troops?.p).toBeLessThan(0.12);
      expect(debrief.debrief.students.map((s) => s.rank)).toEqual([1, 2, 3]);
      expect(debrief.debrief.students[2]?.name).toBe('=HYPERLINK("x")');
      expect(debrief.debrief.calibration.reduce((n, b) => n + b.count, 0)).toBe(6);
    });

    it('shows the decisions raising P(troops) against no action', () => {
      const troops = debrief.debrief.effects.find((e) => e.question === 'troops');
      expect(troops?.difference).toBeGreaterThan(0);
      expect(troops?.ci95[0]).toBeLessThan(troops!.difference);
    });

    it('closes the exercise: no second reveal, no submission, no join', async () => {
      expectError(
        await app.inject({ method: 'POST', url: `/api/exercises/${ex.id}/reveal`, headers: auth(ex.teacherToken) }),
        409,
        'already_revealed',
      );
      expectError(
        await app.inject({
          method: 'PUT',
          url: `/api/exercises/${ex.id}/submission`,
          headers: auth(tokens.Ana as string),
          payload: { forecasts: forecasts.Ana, decisions: { bandwidth: 'free', ties: 0.2 } },
        }),
        409,
        'already_revealed',
      );
      expectError((await joinClass(app, ex.joinCode, 'Late', 'patron')).res, 409, 'already_revealed');
    });

    it('exports the debrief as CSV with formula-like names defused', async () => {
      const res = await app.inject({ method: 'GET', url: `/api/exercises/${ex.id}/debrief.csv`, headers: auth(ex.teacherToken) });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="debrief-${ex.joinCode}.csv"`);
      const lines = res.body.split('\n');
      expect(lines[0]).toBe('rank,student,team,question,kind,forecast,engine_answer,brier,log_bits,abs_error,relative_error');
      expect(lines.filter((l) => l.includes(',Patron,')).length).toBe(6);
      expect(res.body).toContain(`"'=HYPERLINK(""x"")"`);
      expect(res.body).toContain('<b>Cem</b>');
    });
  });

  it('refuses a submission while the reveal is running, and a second reveal at the same time', async () => {
    const ex = (await create(app)).body;
    const ana = (await joinClass(app, ex.joinCode, 'Ana', 'patron')).body.studentToken;
    const reveal = app.inject({ method: 'POST', url: `/api/exercises/${ex.id}/reveal`, headers: auth(ex.teacherToken) });
    await new Promise((done) => setTimeout(done, 20));
    const late = await app.inject({
      method: 'PUT',
      url: `/api/exercises/${ex.id}/submission`,
      headers: auth(ana),
      payload: { forecasts: { troops: 0.1, war: 0.1, deaths: 10 }, decisions: { bandwidth: 'free', ties: 0.1 } },
    });
    expectError(late, 409, 'already_revealed');
    expectError(
      await app.inject({ method: 'POST', url: `/api/exercises/${ex.id}/reveal`, headers: auth(ex.teacherToken) }),
      409,
      'reveal_in_progress',
    );
    expect((await reveal).statusCode).toBe(200);
  });

  it('a reveal with no submissions still runs, with no action', async () => {
    const ex = (await create(app)).body;
    const res = await app.inject({ method: 'POST', url: `/api/exercises/${ex.id}/reveal`, headers: auth(ex.teacherToken) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ submitted: 0, overrides: {} });
  });
});

describe('classroom persistence', () => {
  it('keeps exercises, students, submissions and the debrief across a restart on the same data folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'georisk-class-restart-'));
    try {
      let app = await open(dataDir);
      const ex = (await create(app)).body;
      const ana = (await joinClass(app, ex.joinCode, 'Ana', 'patron')).body.studentToken;
      const submission = { forecasts: { troops: 0.07, war: 0.12, deaths: 280 }, decisions: { bandwidth: 'stretched', ties: 0.5 } };
      const put = await app.inject({ method: 'PUT', url: `/api/exercises/${ex.id}/submission`, headers: auth(ana), payload: submission });
      expect(put.statusCode).toBe(200);
      await app.close();

      app = await open(dataDir);
      const teacher = (await app.inject({ method: 'GET', url: `/api/exercises/${ex.id}`, headers: auth(ex.teacherToken) })).json() as {
        submitted: number;
        students: { name: string }[];
      };
      expect(teacher.submitted).toBe(1);
      expect(teacher.students.map((s) => s.name)).toEqual(['Ana']);
      const me = (await app.inject({ method: 'GET', url: `/api/exercises/${ex.id}/me`, headers: auth(ana) })).json() as {
        submission: unknown;
      };
      expect(me.submission).toEqual(submission);
      expectError((await joinClass(app, ex.joinCode, 'ana', 'patron')).res, 409, 'name_taken');
      const revealed = await app.inject({ method: 'POST', url: `/api/exercises/${ex.id}/reveal`, headers: auth(ex.teacherToken) });
      expect(revealed.statusCode).toBe(200);
      const before = revealed.json() as { debrief: unknown };
      await app.close();

      app = await open(dataDir);
      const after = await app.inject({ method: 'GET', url: `/api/exercises/${ex.id}/debrief`, headers: auth(ana) });
      expect(after.statusCode).toBe(200);
      expect((after.json() as { debrief: unknown }).debrief).toEqual(before.debrief);
      await app.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
