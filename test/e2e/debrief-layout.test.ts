/**
 * The classroom debrief as read: the quantity question's histogram on round bins with its two marks'
 * labels apart, differences that round to zero written without a sign, one forecast in the singular and
 * a quantity question's label not given two parentheticals. The API server serves the built web app.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../apps/api/src/app.ts';
import { builtWebApp, CHROMIUM_LAUNCH, chartsDrawn, clickExplained, haveChromium } from '../helpers/browser.ts';

type App = Awaited<ReturnType<typeof buildApp>>;

/** Mark labels (left, right, top, baseline) that overlap, as pairs of their indices. */
function overlapping(boxes: number[][]): [number, number][] {
  const pairs: [number, number][] = [];
  for (const [i, a] of boxes.entries())
    for (const [j, b] of boxes.entries()) if (i < j && a[0]! < b[1]! && b[0]! < a[1]! && a[2]! < b[3]! && b[2]! < a[3]!) pairs.push([i, j]);
  return pairs;
}

describe.skipIf(!haveChromium)('classroom debrief readability (Chromium)', () => {
  let dataDir: string;
  let app: App;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    const dist = builtWebApp();
    dataDir = mkdtempSync(join(tmpdir(), 'georisk-debrief-layout-'));
    app = await buildApp({ dataDir, webDir: dist, pressure: false, pool: { threads: 1 } });
    url = `${await app.listen({ port: 0, host: '127.0.0.1' })}/`;
    browser = await chromium.launch(CHROMIUM_LAUNCH);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('draws the deaths question on round bins, keeps "engine median" and "class" apart, and words its numbers', async () => {
    const templates = (await (await fetch(`${url}api/exercises/templates`)).json()) as { templates: { id: string; exercise: object }[] };
    const template = templates.templates.find((t) => t.id === 'border-escalation-2022');
    expect(template).toBeDefined();
    const created = (await (
      await fetch(`${url}api/exercises`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...template?.exercise, trials: 2000, deadline: new Date(Date.now() + 3_600_000).toISOString() }),
      })
    ).json()) as { id: string; joinCode: string; teacherToken: string };

    // One student: 20% on every probability, 150 on every quantity (the engine's median deaths is near 20).
    const student: Page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await student.goto(`${url}#/join?code=${created.joinCode}`);
    await student.fill('#join-name', 'Ana');
    await student.click('#join-button');
    await student.waitForSelector('#submission-form');
    const levers = await student.$$eval('input[name^="lever-"]', (inputs) => [...new Set(inputs.map((i) => i.getAttribute('name')))]);
    for (const lever of levers) await student.locator(`input[name="${lever}"]`).first().check();
    for (const { id, max } of await student.$$eval('input[id^="forecast-"]', (inputs) =>
      inputs.map((i) => ({ id: i.id, max: i.getAttribute('max') })),
    ))
      await student.fill(`#${id}`, max === '100' ? '20' : '150');
    await clickExplained(student, '#submit-answers');
    await expect.poll(() => student.textContent('#saved-status')).toContain('Saved at');

    const revealed = await fetch(`${url}api/exercises/${created.id}/reveal`, {
      method: 'POST',
      headers: { authorization: `Bearer ${created.teacherToken}` },
    });
    expect(revealed.status).toBe(200);
    const teacher = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await teacher.goto(`${url}#/teach/${created.id}?token=${created.teacherToken}`);
    await teacher.waitForSelector('#leaderboard', { timeout: 120_000 });
    await chartsDrawn(teacher);

    const quantities = await teacher.$$eval('.question-result figure.chart', (figs) =>
      figs
        .filter((f) => f.querySelector('table th')?.textContent === 'bin')
        .map((f) => ({
          id: f.id,
          bins: [...f.querySelectorAll('table tbody tr th, table tbody tr td:first-child')].map((c) => c.textContent ?? ''),
          marks: JSON.parse(f.querySelector('canvas')?.getAttribute('data-mark-labels') ?? '[]') as number[][],
        })),
    );
    expect(quantities.length).toBeGreaterThan(0);
    for (const q of quantities) {
      // Round bins: whole numbers, each bin as wide as the others ("400–599", not "397.2–496.5").
      const spans = q.bins.map((b) => b.split('–').map((x: string) => Number(x.replace(/,/g, ''))));
      for (const [lo, hi] of spans) {
        expect(Number.isInteger(lo) && Number.isInteger(hi), `${q.id} ${lo}–${hi}`).toBe(true);
      }
      expect(new Set(spans.map(([lo, hi]) => (hi ?? 0) - (lo ?? 0))).size, q.id).toBe(1);
      expect(q.marks.length, q.id).toBe(2);
      expect(overlapping(q.marks), q.id).toEqual([]);
    }

    const effects = (await teacher.textContent('#effects')) ?? '';
    expect(effects).not.toMatch(/[−-]0\.0 pp/);
    expect(effects).not.toMatch(/\) \(mean\)/);
    const calibration = (await teacher.textContent('#chart-calibration')) ?? '';
    expect(calibration).not.toMatch(/\b1 forecasts\b/);
    expect(calibration).toContain('forecast');
    await teacher.locator('.question-grid').screenshot({ path: join(tmpdir(), 'georisk-debrief-questions.png') });
  }, 300_000);
});
