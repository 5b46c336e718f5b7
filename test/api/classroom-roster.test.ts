/**
 * The classroom's roster: a student who lost the tab resumes from the same browser, the teacher removes
 * ghosts and moves students between teams while the exercise is open, and the teacher's view says where
 * students' devices can reach the server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../apps/api/src/app.ts';

type App = Awaited<ReturnType<typeof buildApp>>;

const clock = { t: Date.parse('2026-03-02T09:00:00Z') };
const EXERCISE = {
  scenarioId: 'alliance-dilemma',
  title: 'Roster class',
  briefing: 'An ally is attacked.',
  teams: [
    { id: 'patron', name: 'Patron' },
    { id: 'mediators', name: 'Mediators' },
  ],
  levers: [],
  questions: [{ kind: 'probability', id: 'war', label: 'War?', metric: 'war_reached' }],
  trials: 1000,
  seed: 3,
  deadline: '2026-03-02T10:00:00Z',
};
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

let dir: string;
let app: App;
let id: string;
let teacher: string;
let code: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'georisk-roster-'));
  app = await buildApp({ dataDir: dir, rateLimit: false, pressure: false, pool: { threads: 1 }, classroom: { now: () => clock.t } });
  const created = (await app.inject({ method: 'POST', url: '/api/exercises', payload: EXERCISE })).json();
  ({ id, teacherToken: teacher, joinCode: code } = created);
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

const join_ = (body: object) => app.inject({ method: 'POST', url: '/api/exercises/join', payload: { code, ...body } });
const roster = async () =>
  (await app.inject({ method: 'GET', url: `/api/exercises/${id}`, headers: auth(teacher) })).json().students as {
    id: string;
    name: string;
    team: string | null;
  }[];

describe('a student who lost the tab', () => {
  it('resumes as themselves when the browser kept their token, under the same name (any case or width)', async () => {
    const first = await join_({ name: 'Alice' });
    expect(first.statusCode).toBe(201);
    const { studentId, studentToken } = first.json();
    const again = await join_({ name: 'ALICE', resume: ['not-a-token', studentToken] });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ studentId, studentToken, name: 'Alice', resumed: true });
    expect((await roster()).filter((s) => s.name === 'Alice')).toHaveLength(1);
  });

  it('a kept token never lends its student to another name (a shared lab computer)', async () => {
    const alice = (await join_({ name: 'Alina' })).json();
    const bob = await join_({ name: 'Bob', resume: [alice.studentToken] });
    expect(bob.statusCode).toBe(201);
    expect(bob.json().studentId).not.toBe(alice.studentId);
  });

  it('without the token, the name stays taken, and the message says how to get back in', async () => {
    const res = await join_({ name: 'Alice' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'name_taken', path: 'name' });
    expect(res.json().message).toContain('join again from the same browser, or ask your teacher to remove the old entry');
  });
});

describe("the teacher's roster", () => {
  it('moves a student to another team, refusing a team the exercise lacks', async () => {
    const bob = (await roster()).find((s) => s.name === 'Bob');
    const other = bob?.team === 'patron' ? 'mediators' : 'patron';
    const url = `/api/exercises/${id}/students/${bob?.id}`;
    const moved = await app.inject({ method: 'PATCH', url, headers: auth(teacher), payload: { team: other } });
    expect(moved.statusCode).toBe(200);
    expect((await roster()).find((s) => s.name === 'Bob')?.team).toBe(other);
    const bad = await app.inject({ method: 'PATCH', url, headers: auth(teacher), payload: { team: 'spectators' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'invalid_request', path: 'team' });
    expect(bad.json().message).toContain('"patron" (Patron)');
  });

  it("withdraws a moved student's submission (its decisions were the old team's), and keeps it when the team stays", async () => {
    const joined = (await join_({ name: 'Pat', team: 'patron' })).json();
    const put = () =>
      app.inject({
        method: 'PUT',
        url: `/api/exercises/${id}/submission`,
        headers: auth(joined.studentToken),
        payload: { forecasts: { war: 0.2 }, decisions: {} },
      });
    expect((await put()).statusCode).toBe(200);
    const submittedAt = async () =>
      (await app.inject({ method: 'GET', url: `/api/exercises/${id}`, headers: auth(teacher) }))
        .json()
        .students.find((s: { name: string }) => s.name === 'Pat')?.submittedAt;
    expect(await submittedAt()).not.toBeNull();
    const url = `/api/exercises/${id}/students/${joined.studentId}`;
    const same = await app.inject({ method: 'PATCH', url, headers: auth(teacher), payload: { team: 'patron' } });
    expect(same.json()).toMatchObject({ team: 'patron', submissionWithdrawn: false });
    expect(await submittedAt()).not.toBeNull();
    const moved = await app.inject({ method: 'PATCH', url, headers: auth(teacher), payload: { team: 'mediators' } });
    expect(moved.json()).toMatchObject({ team: 'mediators', submissionWithdrawn: true });
    expect(await submittedAt()).toBeNull();
  });

  it('removes a ghost; its token no longer opens the exercise; a student may not remove anyone', async () => {
    const ghost = (await join_({ name: 'Ghost' })).json();
    const url = `/api/exercises/${id}/students/${ghost.studentId}`;
    const byStudent = await app.inject({ method: 'DELETE', url, headers: auth(ghost.studentToken) });
    expect(byStudent.statusCode).toBe(403);
    const removed = await app.inject({ method: 'DELETE', url, headers: auth(teacher) });
    expect(removed.statusCode).toBe(204);
    expect((await roster()).map((s) => s.name)).not.toContain('Ghost');
    const me = await app.inject({ method: 'GET', url: `/api/exercises/${id}/me`, headers: auth(ghost.studentToken) });
    expect(me.statusCode).toBe(403);
    const twice = await app.inject({ method: 'DELETE', url, headers: auth(teacher) });
    expect(twice.statusCode).toBe(404);
    expect(twice.json()).toMatchObject({ code: 'not_found', path: 'studentId' });
    // The name is free again.
    expect((await join_({ name: 'Ghost' })).statusCode).toBe(201);
  });

  it('refuses roster changes once revealed', async () => {
    const revealed = await app.inject({ method: 'POST', url: `/api/exercises/${id}/reveal`, headers: auth(teacher) });
    expect(revealed.statusCode, revealed.body).toBe(200);
    const someone = (await roster())[0];
    const res = await app.inject({ method: 'DELETE', url: `/api/exercises/${id}/students/${someone?.id}`, headers: auth(teacher) });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'already_revealed' });
  });
});

describe('where students can reach the server', () => {
  it('a server on loopback says so (students need --host 0.0.0.0); one on every interface lists its addresses', async () => {
    const dirs = [mkdtempSync(join(tmpdir(), 'georisk-join-')), mkdtempSync(join(tmpdir(), 'georisk-join-'))];
    const views: { loopbackOnly: boolean; urls: string[] }[] = [];
    for (const [i, host] of ['127.0.0.1', '0.0.0.0'].entries()) {
      const server = await buildApp({ dataDir: dirs[i] as string, rateLimit: false, pressure: false, pool: { threads: 1 } });
      try {
        await server.listen({ host, port: 0 });
        const made = (
          await server.inject({
            method: 'POST',
            url: '/api/exercises',
            payload: { ...EXERCISE, deadline: new Date(Date.now() + 86_400_000).toISOString() },
          })
        ).json();
        views.push(
          (await server.inject({ method: 'GET', url: `/api/exercises/${made.id}`, headers: auth(made.teacherToken) })).json().join,
        );
      } finally {
        await server.close();
      }
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    expect(views[0]).toEqual({ urls: [], loopbackOnly: true });
    expect(views[1]?.loopbackOnly).toBe(false);
    for (const url of views[1]?.urls ?? []) expect(url).toMatch(/^http:\/\/[0-9a-f.:[\]]+:\d+\/#\/join$/);
  });
});
