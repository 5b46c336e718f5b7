/**
 * An exercise that could not run is refused when it is created: every option of a choice lever and
 * both ends of a range lever are built and run briefly, a range lever on a switch is refused, and a
 * value outside its parameter's range comes back as a warning. A reveal that still fails (an
 * exercise stored before these checks) is recorded for the teacher and leaves the exercise open.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../apps/api/src/app.ts';
import { DATABASE_FILE } from '../../apps/api/src/store.ts';

type App = Awaited<ReturnType<typeof buildApp>>;

/** better-sqlite3 as the API package resolves it (the root package does not depend on it). */
const Database = createRequire(join(import.meta.dirname, '../../apps/api/package.json'))('better-sqlite3') as new (
  file: string,
) => { prepare(sql: string): { run(...values: unknown[]): void }; close(): void };

const clock = { t: Date.parse('2026-03-02T09:00:00Z') };
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

const choice = (overrides: Record<string, number>) => ({
  kind: 'choice',
  id: 'posture',
  label: 'Border posture',
  options: [
    { id: 'keep', label: 'Keep', overrides: {} },
    { id: 'push', label: 'Push', overrides },
  ],
});
const exercise = (levers: unknown[]) => ({
  scenarioId: 'two-state-border-dispute',
  title: 'Border class',
  briefing: 'Two neighbours.',
  levers,
  questions: [{ kind: 'probability', id: 'clash', label: 'A clash?', metric: 'clash_within_90_days' }],
  trials: 1000,
  seed: 5,
  deadline: '2026-03-02T10:00:00Z',
});

let dir: string;
let app: App;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'georisk-levers-'));
  app = await buildApp({ dataDir: dir, rateLimit: false, pressure: false, pool: { threads: 1 }, classroom: { now: () => clock.t } });
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

const create = (body: unknown) => app.inject({ method: 'POST', url: '/api/exercises', payload: body as object });

/** A student who joins exercise `id` by its code, and a function that submits their forecast of a clash with `decisions`. */
async function student(id: string, code: string, name: string) {
  const { studentToken } = (await app.inject({ method: 'POST', url: '/api/exercises/join', payload: { code, name } })).json();
  return (decisions: Record<string, string | number>) =>
    app.inject({
      method: 'PUT',
      url: `/api/exercises/${id}/submission`,
      headers: auth(studentToken),
      payload: { forecasts: { clash: 0.3 }, decisions },
    });
}

function refused(res: { statusCode: number; json(): unknown }, path: string): string {
  const body = res.json() as { code: string; path: string; message: string };
  expect({ status: res.statusCode, code: body.code, path: body.path }).toEqual({ status: 400, code: 'invalid_request', path });
  expect(body.message.startsWith(`${path}: `)).toBe(true);
  return body.message;
}

describe('creating an exercise runs every value a lever can set', () => {
  it('refuses a choice option the scenario cannot run, naming the option', async () => {
    const message = refused(await create(exercise([choice({ calm_clash_rate: -1 })])), 'levers[0].options[1].overrides');
    expect(message).toContain('calm_clash_rate = -1');
    expect(message).toContain('the rate evaluates to -1');
  });

  it('refuses a choice option that sets a switch between its levels', async () => {
    const message = refused(await create(exercise([choice({ truce_call: 0.5 })])), 'levers[0].options[1].overrides');
    expect(message).toContain('"truce_call" is a switch: it takes 0 or 1, not 0.5');
  });

  it('refuses a range lever on a switch, and says to make it a choice', async () => {
    const lever = { kind: 'range', id: 'truce', label: 'Call a truce?', parameter: 'truce_call', min: 0, max: 1, step: 0.1 };
    const message = refused(await create(exercise([lever])), 'levers[0].parameter');
    expect(message).toMatch(/"truce_call" is a switch .*make it a choice lever/);
  });

  it('refuses a range lever whose end cannot run, naming that end', async () => {
    const lever = { kind: 'range', id: 'calm', label: 'Clash rate', parameter: 'calm_clash_rate', min: -0.01, max: 0.008 };
    refused(await create(exercise([lever])), 'levers[0].min');
  });

  it('refuses a range lever whose max is off its step grid', async () => {
    const lever = { kind: 'range', id: 'calm', label: 'Clash rate', parameter: 'calm_clash_rate', min: 0.006, max: 0.008, step: 0.0015 };
    const message = refused(await create(exercise([lever])), 'levers[0].step');
    expect(message).toContain('make max 0.0075 or 0.009');
  });

  it('warns of a value outside its parameter range, in the answer and on the dashboard', async () => {
    const res = await create(exercise([choice({ calm_clash_rate: 0.02 })]));
    expect(res.statusCode).toBe(201);
    const { id, teacherToken, warnings } = res.json() as {
      id: string;
      teacherToken: string;
      warnings: { path: string; message: string }[];
    };
    expect(warnings).toEqual([
      {
        path: 'levers[0].options[1].overrides',
        message: expect.stringContaining('the value 0.02 for "calm_clash_rate" lies outside its range [0.006, 0.008]'),
      },
    ]);
    const view = (await app.inject({ method: 'GET', url: `/api/exercises/${id}`, headers: auth(teacherToken) })).json();
    expect(view.warnings).toEqual(warnings);
    expect(view.revealError).toBeNull();
  });

  it('answers no warnings for values within range', async () => {
    const res = await create(exercise([choice({ calm_clash_rate: 0.008 })]));
    expect(res.statusCode).toBe(201);
    expect(res.json().warnings).toEqual([]);
  });
});

describe('a range lever step is enforced on submissions', () => {
  it('refuses a value off the grid, and names the nearest values on it', async () => {
    const lever = { kind: 'range', id: 'calm', label: 'Clash rate', parameter: 'p_hold_clash', min: 0, max: 1, step: 0.1 };
    const created = await create(exercise([lever]));
    expect(created.statusCode).toBe(201);
    const { joinCode, id } = created.json();
    const submit = await student(id, joinCode, 'Ann');
    const put = (calm: number) => submit({ calm });
    const off = await put(0.55);
    expect(off.statusCode).toBe(400);
    expect(off.json()).toMatchObject({ code: 'invalid_submission', path: 'decisions.calm' });
    expect(off.json().message).toContain('choose 0.5 or 0.6');
    expect((await put(0.3)).statusCode).toBe(200);
    expect((await put(1)).statusCode).toBe(200);
  });
});

describe('a reveal that fails', () => {
  it('is recorded for the teacher, leaves the exercise open, and a later reveal succeeds', async () => {
    const created = await create(exercise([choice({ calm_clash_rate: 0.008 })]));
    const { id, joinCode, teacherToken } = created.json();
    // An exercise stored before the creation check could offer an option that cannot run.
    const db = new Database(join(dir, DATABASE_FILE));
    try {
      db.prepare('UPDATE exercises SET definition = ? WHERE id = ?').run(
        JSON.stringify({ ...exercise([{ ...choice({ calm_clash_rate: -1 }), description: '' }]), teams: [] }),
        id,
      );
    } finally {
      db.close();
    }
    const submit = await student(id, joinCode, 'Rus');
    expect((await submit({ posture: 'push' })).statusCode).toBe(200);
    const reveal = () => app.inject({ method: 'POST', url: `/api/exercises/${id}/reveal`, headers: auth(teacherToken) });
    const failed = await reveal();
    expect(failed.statusCode).toBe(400);
    expect(failed.json().message).toContain('the rate evaluates to -1');
    const teacher = async () => (await app.inject({ method: 'GET', url: `/api/exercises/${id}`, headers: auth(teacherToken) })).json();
    const after = await teacher();
    expect(after.status).toBe('open');
    expect(after.revealError).toMatchObject({ code: 'runtime_value', message: expect.stringContaining('the rate evaluates to -1') });
    expect((await submit({ posture: 'keep' })).statusCode).toBe(200);
    expect((await reveal()).statusCode).toBe(200);
    const done = await teacher();
    expect(done.status).toBe('revealed');
    expect(done.revealError).toBeNull();
  });
});
