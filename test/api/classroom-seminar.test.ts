/**
 * Seminars through the API: the shipped two-turn 2022 exercise played by three students, each turn
 * releasing only its own briefing and questions, the teacher moving the class on, each turn
 * adjudicated on runs conditioned on what had been released, team payoffs beside no action, and the
 * historical questions scored against what happened.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../apps/api/src/app.ts';
import { ClassroomStore } from '../../apps/api/src/classroom-store.ts';
import type { RevealResult } from '../../apps/api/src/routes/exercises/reveal.ts';
import { Store } from '../../apps/api/src/store.ts';
import { brierScore } from '../../packages/engine/src/scoring.ts';

type App = Awaited<ReturnType<typeof buildApp>>;

const clock = { t: Date.parse('2026-03-02T09:00:00Z') };
const DEADLINE = '2026-03-02T12:00:00Z';
const template = JSON.parse(readFileSync('scenarios/exercises/seminar-2022.json', 'utf8')) as { exercise: Record<string, unknown> };
/** The shipped seminar, with fewer trials so the test stays short. */
const SEMINAR = { ...template.exercise, trials: 2000, deadline: DEADLINE };
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

describe('a two-turn seminar through the API', () => {
  let dataDir: string;
  let app: App;
  let ex: { id: string; joinCode: string; teacherToken: string };
  const tokens: Record<string, string> = {};

  const me = async (who: string) =>
    (await app.inject({ method: 'GET', url: `/api/exercises/${ex.id}/me`, headers: auth(tokens[who] ?? '') })).json() as {
      exercise: { questions: { id: string; actual?: unknown }[]; levers: { id: string }[]; turn: number; turns: { briefing: string }[] };
      submission: unknown;
    };
  const submit = (who: string, forecasts: Record<string, number>, decisions: Record<string, string> = {}) =>
    app.inject({
      method: 'PUT',
      url: `/api/exercises/${ex.id}/submission`,
      headers: auth(tokens[who] ?? ''),
      payload: { forecasts, decisions },
    });
  const teacher = (path: string) =>
    app.inject({ method: 'POST', url: `/api/exercises/${ex.id}/${path}`, headers: auth(ex.teacherToken), payload: {} });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'georisk-seminar-'));
    app = await buildApp({ dataDir, rateLimit: false, pressure: false, pool: { threads: 1 }, classroom: { now: () => clock.t } });
    const res = await app.inject({ method: 'POST', url: '/api/exercises', payload: SEMINAR });
    expect(res.statusCode).toBe(201);
    ex = res.json();
    for (const [name, team] of [
      ['ana', 'azerbaijan'],
      ['eli', 'eu'],
      ['rus', 'russia'],
    ] as const) {
      const joined = await app.inject({ method: 'POST', url: '/api/exercises/join', payload: { code: ex.joinCode, name, team } });
      tokens[name] = (joined.json() as { studentToken: string }).studentToken;
    }
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('turn 1 shows only its own questions and levers, no later briefing and no record of what happened', async () => {
    const view = await me('ana');
    expect(view.exercise.turn).toBe(0);
    expect(view.exercise.questions.map((q) => q.id)).toEqual(['war_t1', 'truce48_t1', 'pipeline_t1', 'deaths_t1']);
    expect(view.exercise.levers.map((l) => l.id)).toEqual(['offensive', 'pipeline', 'eu_engage', 'turkey_stance', 'iran_warning']);
    expect(view.exercise.turns).toHaveLength(1);
    expect(JSON.stringify(view)).not.toContain('Thirty-two hours');
    expect(JSON.stringify(view)).not.toContain('actual');
    const early = await submit('rus', { truce48_t2: 0.5 });
    expect(early.statusCode).toBe(400);
    expect(early.json().message).toMatch(/no question "truce48_t2"/);
  });

  it('refuses a reveal while turns are left, and an advance on a one-turn exercise', async () => {
    const reveal = await teacher('reveal');
    expect({ status: reveal.statusCode, code: reveal.json().code }).toEqual({ status: 409, code: 'turns_left' });
    const single = JSON.parse(readFileSync('scenarios/exercises/alliance-dilemma.json', 'utf8')).exercise;
    const other = (await app.inject({ method: 'POST', url: '/api/exercises', payload: { ...single, deadline: DEADLINE } })).json();
    const advance = await app.inject({
      method: 'POST',
      url: `/api/exercises/${other.id}/advance`,
      headers: auth(other.teacherToken),
      payload: {},
    });
    expect({ status: advance.statusCode, code: advance.json().code }).toEqual({ status: 409, code: 'no_turns' });
  });

  it('refuses to open the next turn once the deadline has passed (it could take no answers), and reveals the turns played', async () => {
    const late = (await app.inject({ method: 'POST', url: '/api/exercises', payload: SEMINAR })).json();
    const saved = clock.t;
    clock.t = Date.parse(DEADLINE) + 1000;
    try {
      const advance = await app.inject({
        method: 'POST',
        url: `/api/exercises/${late.id}/advance`,
        headers: auth(late.teacherToken),
        payload: {},
      });
      expect({ status: advance.statusCode, code: advance.json().code }).toEqual({ status: 409, code: 'deadline_passed' });
      expect(advance.json().message).toMatch(/the next turn could take no answers; reveal the results of the turns played instead$/);
      // The reveal scores the turn played, its questions only: nobody is charged for a turn that never opened.
      const reveal = await app.inject({
        method: 'POST',
        url: `/api/exercises/${late.id}/reveal`,
        headers: auth(late.teacherToken),
        payload: {},
      });
      expect(reveal.statusCode).toBe(200);
      expect(reveal.json().debrief.questions.map((q: { id: string }) => q.id)).toEqual([
        'war_t1',
        'truce48_t1',
        'pipeline_t1',
        'deaths_t1',
      ]);
      expect(reveal.json().turns.map((t: { turn: string }) => t.turn)).toEqual(['night']);
    } finally {
      clock.t = saved;
    }
  });

  it('plays both turns, keeping turn 1 decisions in force and conditioning turn 2 on what it released', async () => {
    const t1 = { war_t1: 0.2, truce48_t1: 0.6, pipeline_t1: 0.1, deaths_t1: 150 };
    expect((await submit('ana', t1, { offensive: 'press', pipeline: 'keep' })).statusCode).toBe(200);
    expect((await submit('eli', { ...t1, war_t1: 0.1 }, { eu_engage: 'at_once' })).statusCode).toBe(200);
    expect((await submit('rus', { ...t1, war_t1: 0.3 })).statusCode).toBe(200);
    const advanced = await teacher('advance');
    expect(advanced.statusCode).toBe(200);
    expect(advanced.json().turn).toBe(1);
    expect(advanced.json().closed.decisions.find((d: { lever: string }) => d.lever === 'offensive').decision).toBe('press');

    const view = await me('rus');
    expect(view.exercise.turn).toBe(1);
    expect(view.submission).toBeNull();
    expect(view.exercise.questions.map((q) => q.id)).toEqual(['truce48_t2', 'csto_t2', 'deaths_t2']);
    expect(view.exercise.turns[1]?.briefing).toContain('Thirty-two hours');
    expect((await submit('rus', t1)).statusCode).toBe(400);

    const t2 = { truce48_t2: 0.7, csto_t2: 0.05, deaths_t2: 120 };
    expect((await submit('rus', t2, { russia_answer: 'troops' })).statusCode).toBe(200);
    expect((await submit('ana', { ...t2, csto_t2: 0 })).statusCode).toBe(200);
    const last = await teacher('advance');
    expect({ status: last.statusCode, code: last.json().code }).toEqual({ status: 409, code: 'last_turn' });

    const reveal = await teacher('reveal');
    expect(reveal.statusCode).toBe(200);
    const result = reveal.json() as RevealResult;
    expect(result.turns?.map((t) => t.turn)).toEqual(['night', 'morning']);
    expect(result.turns?.[0]?.conditioned).toBeNull();
    const cond = result.turns?.[1]?.conditioned;
    expect(cond?.observations).toBe(4);
    // Conditioning weighs the runs unequally: fewer effective runs than trials, but some.
    expect(cond?.effectiveSampleSize.withDecisions).toBeGreaterThan(20);
    expect(cond?.effectiveSampleSize.withDecisions).toBeLessThan(2000);
    // Turn 2 runs with turn 1's decisions still in force, plus its own.
    expect(result.turns?.[1]?.overrides).toMatchObject({
      offensive_culmination_rate: 0.02,
      western_mediation_rate: 0.06,
      ties_to_attacker: 0,
      declaration_ties: 0,
    });
    // A conditioned turn's quantity is scored on its whole distribution (the update's grid), not on
    // histogram midpoints: the grid averages to the conditioned mean, and the median is the best forecast.
    const deaths = result.debrief.questions.find((q) => q.id === 'deaths_t2')?.outcome;
    if (deaths?.kind !== 'quantity') throw new Error('deaths_t2 is a quantity');
    expect(deaths.grid.reduce((s, x) => s + x, 0) / deaths.grid.length).toBeCloseTo(deaths.mean, 6);
    const eae = (x: number) => deaths.grid.reduce((s, y) => s + Math.abs(x - y), 0) / deaths.grid.length;
    expect(eae(deaths.median)).toBeLessThanOrEqual(Math.min(eae(deaths.mean), eae(0), eae(deaths.quantiles.p75)) + 1e-9);
    expect(result.debrief.questions).toHaveLength(7);
    const ana = result.debrief.students.find((s) => s.name === 'ana');
    expect(ana?.forecasts.map((f) => f.question).sort()).toEqual([
      'csto_t2',
      'deaths_t1',
      'deaths_t2',
      'pipeline_t1',
      'truce48_t1',
      'truce48_t2',
      'war_t1',
    ]);
    const anaWar = ana?.forecasts.find((f) => f.question === 'war_t1');
    expect(anaWar?.actual).toBe(0);
    expect(anaWar?.actualBrier).toBeCloseTo(0.04, 12);
    // Eli skipped turn 2: its probability questions count as 50% forecasts, its deaths question as the class's largest error.
    const eli = result.debrief.students.find((s) => s.name === 'eli');
    expect(eli?.forecasts).toHaveLength(4);
    expect(eli?.missing?.map((m) => m.question)).toEqual(['truce48_t2', 'csto_t2', 'deaths_t2']);
    const given = eli?.forecasts.flatMap((f) => (f.brier === undefined ? [] : [f.brier])) ?? [];
    expect(eli?.brier).toBeCloseTo([...given, 0.25, 0.25].reduce((a, b) => a + b, 0) / (given.length + 2), 12);
    const worstDeaths = Math.max(
      ...result.debrief.students.flatMap((s) => s.forecasts.filter((f) => f.question === 'deaths_t2').map((f) => f.relativeError ?? 0)),
    );
    expect(eli?.missing?.[2]).toEqual({ question: 'deaths_t2', relativeError: worstDeaths });
    const csv = await app.inject({ method: 'GET', url: `/api/exercises/${ex.id}/debrief.csv`, headers: auth(ex.teacherToken) });
    expect(csv.body).toMatch(/^\d+,eli,.*,csto_t2,probability,,.*,no answer: scored as a 50% forecast$/m);
  }, 240_000);

  it('the debrief sets each team payoff beside no action and scores the engine and the class against history', async () => {
    const debrief = (
      await app.inject({ method: 'GET', url: `/api/exercises/${ex.id}/debrief`, headers: auth(tokens.eli ?? '') })
    ).json() as RevealResult & {
      exercise: { questions: { id: string; actual?: { value: number } }[] };
    };
    expect(debrief.payoffs.map((p) => p.team)).toEqual(['armenia', 'azerbaijan', 'russia', 'turkey', 'iran', 'eu', 'us']);
    for (const p of debrief.payoffs) {
      const sum = (k: 'withDecisions' | 'noAction') => p.terms.reduce((s, t) => s + t.weight * t[k], 0);
      expect(p.withDecisions).toBeCloseTo(sum('withDecisions'), 9);
      expect(p.noAction).toBeCloseTo(sum('noAction'), 9);
      expect(p.difference).toBeCloseTo(p.withDecisions - p.noAction, 9);
    }
    // Pressing on makes more fighting than no action: Iran's payoff (minus war and fighting hours) falls.
    expect(debrief.payoffs.find((p) => p.team === 'iran')?.difference).toBeLessThan(0);
    // Six questions record what happened (the pipeline one has no public source for "nothing happened").
    expect(debrief.history.map((h) => h.question)).toEqual(['war_t1', 'truce48_t1', 'deaths_t1', 'truce48_t2', 'csto_t2', 'deaths_t2']);
    for (const h of debrief.history) {
      expect(h.source).toMatch(/^https:\/\//);
      const expected = h.kind === 'probability' ? brierScore(h.engine, h.actual as 0 | 1) : Math.abs(h.engine - h.actual);
      expect(h.engineScore).toBeCloseTo(expected, 12);
    }
    expect(debrief.history.find((h) => h.question === 'war_t1')?.classMedian).toBeCloseTo(0.2, 12);
    expect(debrief.exercise.questions.find((q) => q.id === 'war_t1')?.actual?.value).toBe(0);
  });
});

describe('the seminar store', () => {
  it('adds the turn columns to a database made before seminars, keeping its exercises at turn 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'georisk-seminar-old-'));
    try {
      const old = new Store(dir);
      const db = old.db;
      // The exercises table as it was before seminars.
      db.exec(`CREATE TABLE exercises (id TEXT PRIMARY KEY, join_code TEXT NOT NULL UNIQUE, teacher_hash TEXT NOT NULL,
        definition TEXT NOT NULL, status TEXT NOT NULL, result TEXT, created_at TEXT NOT NULL, revealed_at TEXT)`);
      db.prepare("INSERT INTO exercises VALUES ('e1', 'ABCDEF', 'h', '{}', 'open', NULL, '2026-01-01T00:00:00Z', NULL)").run();
      const store = new ClassroomStore(db);
      expect(store.getExercise('e1')).toMatchObject({ id: 'e1', turn: 0, turnResults: [] });
      expect(store.turnSubmissions('e1')).toEqual([]);
      // Opening it again adds nothing twice.
      expect(() => new ClassroomStore(db)).not.toThrow();
      old.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps the open turn, the closed turn's submissions and its adjudication across a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'georisk-seminar-restart-'));
    const open = () =>
      buildApp({ dataDir: dir, rateLimit: false, pressure: false, pool: { threads: 1 }, classroom: { now: () => clock.t } });
    let app = await open();
    try {
      const ex = (await app.inject({ method: 'POST', url: '/api/exercises', payload: SEMINAR })).json();
      const joined = (
        await app.inject({ method: 'POST', url: '/api/exercises/join', payload: { code: ex.joinCode, name: 'ana', team: 'azerbaijan' } })
      ).json();
      const forecasts = { war_t1: 0.2, truce48_t1: 0.6, pipeline_t1: 0.1, deaths_t1: 150 };
      const put = await app.inject({
        method: 'PUT',
        url: `/api/exercises/${ex.id}/submission`,
        headers: auth(joined.studentToken),
        payload: { forecasts, decisions: { offensive: 'halt', pipeline: 'keep' } },
      });
      expect(put.statusCode).toBe(200);
      expect(
        (await app.inject({ method: 'POST', url: `/api/exercises/${ex.id}/advance`, headers: auth(ex.teacherToken), payload: {} }))
          .statusCode,
      ).toBe(200);
      await app.close();
      app = await open();
      const view = (await app.inject({ method: 'GET', url: `/api/exercises/${ex.id}`, headers: auth(ex.teacherToken) })).json();
      expect(view.turn).toBe(1);
      expect(view.closedTurns[0].decisions.find((d: { lever: string }) => d.lever === 'offensive').decision).toBe('halt');
      const store = new Store(dir);
      const kept = store.db.prepare('SELECT turn, submission FROM turn_submissions').all() as { turn: number; submission: string }[];
      store.close();
      expect(kept.map((k) => ({ turn: k.turn, forecasts: JSON.parse(k.submission).forecasts }))).toEqual([{ turn: 0, forecasts }]);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
