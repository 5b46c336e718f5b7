/** Issue 14 §8: display names are NFKC-normalized and confusable-checked within a class, and the debrief CSV is safe for any locale. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers.ts';

/** A tiny exercise on the alliance-dilemma teaching scenario (no teams, one question, 2,000 trials). */
const EXERCISE = {
  scenarioId: 'alliance-dilemma',
  title: 'Names',
  briefing: 'Who is who.',
  teams: [],
  levers: [],
  questions: [{ kind: 'probability', id: 'war', label: 'War?', metric: 'war_reached' }],
  trials: 2000,
  seed: 3,
  deadline: new Date(Date.now() + 86_400_000).toISOString(),
};

let t: TestApp;
let exercise: { id: string; joinCode: string; teacherToken: string };
beforeAll(async () => {
  t = await testApp({ webDir: false });
  exercise = (await t.app.inject({ method: 'POST', url: '/api/exercises', payload: EXERCISE })).json();
});
afterAll(() => t.close());

const join = (name: string) => t.app.inject({ method: 'POST', url: '/api/exercises/join', payload: { code: exercise.joinCode, name } });

describe('display names in a class', () => {
  it('refuses a look-alike of a name in the class with a 409 naming the clash', async () => {
    expect((await join('Alice')).statusCode).toBe(201);
    for (const lookalike of ['\u0410lice', 'Ａｌｉｃｅ', '\u0391lice', 'AL\u0406CE', 'ALICE']) {
      const res = await join(lookalike);
      expect(res.statusCode, lookalike).toBe(409);
      expect(res.json()).toMatchObject({ code: 'name_taken', path: 'name' });
      expect(res.json().message).toContain('"Alice"');
    }
    // An all-Cyrillic look-alike of a Latin name is refused too (no mixed script needed).
    expect((await join('Coe')).statusCode).toBe(201);
    expect((await join('\u0421\u043e\u0435')).json().code).toBe('name_taken');
  });

  it('stores names NFKC-normalized, and refuses a word mixing Latin with Cyrillic or Greek letters', async () => {
    const wide = await join('Ｃａｒｏｌ');
    expect(wide.statusCode).toBe(201);
    const me = await t.app.inject({
      method: 'GET',
      url: `/api/exercises/${exercise.id}/me`,
      headers: { authorization: `Bearer ${wide.json().studentToken}` },
    });
    expect(me.json().student.name).toBe('Carol');
    const mixed = await join('D\u0430ve');
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json()).toMatchObject({ code: 'invalid_request', path: 'name' });
    // Names wholly in another alphabet, and different names, still join.
    expect((await join('Дмитрий')).statusCode).toBe(201);
    expect((await join('Αλέξης')).statusCode).toBe(201);
    expect((await join('Alicia')).statusCode).toBe(201);
  });
});

describe('the debrief CSV', () => {
  it('keeps the name `x;=1+2` one quoted text cell, with its formula start neutralised', async () => {
    const student = (await join('x;=1+2')).json();
    const submit = await t.app.inject({
      method: 'PUT',
      url: `/api/exercises/${exercise.id}/submission`,
      headers: { authorization: `Bearer ${student.studentToken}` },
      payload: { forecasts: { war: 0.3 }, decisions: {} },
    });
    expect(submit.statusCode).toBe(200);
    const teacher = { authorization: `Bearer ${exercise.teacherToken}` };
    expect((await t.app.inject({ method: 'POST', url: `/api/exercises/${exercise.id}/reveal`, headers: teacher })).statusCode).toBe(200);
    const csv = await t.app.inject({ method: 'GET', url: `/api/exercises/${exercise.id}/debrief.csv`, headers: teacher });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain(`,"x;'=1+2",`);
    // A semicolon-locale reader splits at the ";" but no piece starts a formula.
    for (const line of csv.body.split('\n')) for (const piece of line.split(/[;,]/)) expect(piece).not.toMatch(/^[=+@]/);
  });
});
