/**
 * An accessibility pass with axe-core over every screen of the web app, at 1280×800 and at 390×844:
 * no violation of impact serious or critical on the library, a scenario with results and its band,
 * the sensitivity panel, the editor, the track record, and the classroom's setup, join, student form,
 * teacher dashboard and debrief. The API server serves the built web app, as in the classroom test.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../apps/api/src/app.ts';
import { seriousViolations } from '../helpers/axe.ts';
import { builtWebApp, CHROMIUM_LAUNCH, chartsDrawn, clickExplained, haveChromium, SCREENSHOTS } from '../helpers/browser.ts';
import { afterNextPoll, STUDENT_POLL_MS } from '../helpers/poll-clock.ts';

type App = Awaited<ReturnType<typeof buildApp>>;

const SCENARIO = 'armenia-azerbaijan-2022';
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

/** What a drawn chart recorded on its canvas (charts.ts): its size, plot area and legend entries. */
async function canvasLayout(page: Page, selector: string): Promise<{ size: number[]; plotArea: number[]; legend: string[] }> {
  return page.$eval(selector, (c) => ({
    size: JSON.parse(c.getAttribute('data-size') ?? '[0, 0]') as number[],
    plotArea: JSON.parse(c.getAttribute('data-plot-area') ?? '[0, 0, 0, 0]') as number[],
    legend: (c.getAttribute('data-legend') ?? '').split('|').filter(Boolean),
  }));
}

describe.skipIf(!haveChromium)('accessibility of every screen (axe-core)', () => {
  let dataDir: string;
  let app: App;
  let url: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    const dist = builtWebApp();
    dataDir = mkdtempSync(join(tmpdir(), 'georisk-a11y-e2e-'));
    app = await buildApp({ dataDir, webDir: dist, pressure: false, pool: { threads: 1 } });
    url = `${await app.listen({ port: 0, host: '127.0.0.1' })}/`;
    browser = await chromium.launch(CHROMIUM_LAUNCH);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * A page in its own context. The app's Content Security Policy forbids inline scripts and eval;
   * axe-core is injected as an inline script, so this test alone bypasses the CSP (the other browser
   * tests keep it, and check that the app runs under it). With `clock`, the page's clock is installed,
   * for the test to move on to the page's next poll (helpers/poll-clock.ts); it flows as usual otherwise.
   */
  async function newPage(viewport: { width: number; height: number }, clock = false): Promise<Page> {
    const context = await browser.newContext({ viewport, bypassCSP: true });
    contexts.push(context);
    if (clock) await context.clock.install();
    return context.newPage();
  }

  /** Checks one screen and collects its violations under its name. */
  async function check(page: Page, screen: string, found: Record<string, string[]>): Promise<void> {
    const v = await seriousViolations(page);
    if (v.length > 0) found[screen] = v;
  }

  for (const viewport of VIEWPORTS) {
    const size = `${viewport.width}×${viewport.height}`;
    const file = `${viewport.width}x${viewport.height}`;

    it(`has no serious or critical violation on the scenario screens at ${size}`, async () => {
      const found: Record<string, string[]> = {};
      const page = await newPage(viewport);
      await page.goto(`${url}#/`);
      await page.waitForSelector('#library-list li.card');
      await check(page, 'library', found);

      await page.goto(`${url}#/scenario/${SCENARIO}?trials=2000&seed=5&draws=20&run=1`);
      await page.waitForSelector('#output-hash', { timeout: 120_000 });
      await page.waitForSelector('#band .band-line', { timeout: 300_000 });
      await chartsDrawn(page);
      // The state diagrams are audited open (their states are focusable, named SVG groups).
      await page.click('#how-it-works > summary');
      await page.waitForSelector('.track-diagram svg.state-diagram');
      await check(page, 'scenario with results, band and sensitivity panel', found);
      // Issue 18: every number in the metrics table is shown whole, and the table needs no sideways scroll.
      const cut = await page.$$eval('#metrics-table td', (cells) =>
        cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => `${c.closest('tr')?.dataset.metric} ${c.textContent}`),
      );
      expect(cut).toEqual([]);
      expect(await page.$eval('.metrics-wrap', (w) => w.scrollWidth <= w.clientWidth + 1)).toBe(true);
      // The outcome chart's plot keeps most of its height (rotated names took half of it at phone width).
      const { plotArea, size } = await canvasLayout(page, '#chart-outcomes canvas');
      expect((plotArea[3]! - plotArea[2]!) / size[1]!).toBeGreaterThan(0.6);
      await page.locator('#metrics-table').screenshot({ path: join(SCREENSHOTS, `metrics-table-${file}.png`) });
      await page.$eval('#metrics-table', (t) => t.scrollIntoView());
      await page.screenshot({ path: join(SCREENSHOTS, `scenario-metrics-${file}.png`) });
      if (viewport.width >= 600) {
        // A window narrowed to a phone's width draws the outcome chart again in its phone layout.
        await page.setViewportSize({ width: 390, height: 844 });
        await expect.poll(async () => (await canvasLayout(page, '#chart-outcomes canvas')).size[0]).toBeLessThan(390);
        const narrowed = await canvasLayout(page, '#chart-outcomes canvas');
        expect((narrowed.plotArea[3]! - narrowed.plotArea[2]!) / narrowed.size[1]!).toBeGreaterThan(0.6);
        await page.setViewportSize(viewport);
      }
      await page.locator('#chart-outcomes').screenshot({ path: join(SCREENSHOTS, `outcome-chart-${file}.png`) });
      // The update panel's observation form, filled from the bundled example, with a field refused as typed.
      await page.click('#obs-examples button[data-file$="hour36-events.yaml"]');
      await page.waitForSelector('#obs-r4-at', { timeout: 60_000 });
      await page.fill('#obs-r0-at', '9999');
      await page.waitForSelector('#obs-r0-at[aria-invalid="true"]');
      await check(page, 'update panel with its observation form', found);

      await page.goto(`${url}#/edit/${SCENARIO}`);
      await expect.poll(() => page.textContent('#editor-status'), { timeout: 60_000 }).toContain('valid');
      await check(page, 'editor', found);
      // The editor stays within the screen.
      expect(await page.$eval('.editor-box', (e) => e.getBoundingClientRect().right)).toBeLessThanOrEqual(viewport.width);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
      // Its lines run past a phone's width inside the text box: the box shows it scrolls sideways (an edge shadow
      // drawn by a background that scrolls with the text), since phones hide scrollbars until touched.
      const editor = await page.$eval('#editor-text', (t) => ({
        scrolls: t.scrollWidth > t.clientWidth,
        attachment: (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundAttachment: string } }).getComputedStyle(t)
          .backgroundAttachment,
      }));
      if (viewport.width < 600) expect(editor.scrolls).toBe(true);
      expect(editor.attachment).toContain('local');
      await page.screenshot({ path: join(SCREENSHOTS, `editor-${file}.png`) });

      await page.goto(`${url}#/track-record`);
      await page.waitForSelector('#track-record-title');
      await chartsDrawn(page);
      await check(page, 'track record', found);
      expect(found).toEqual({});
    }, 600_000);

    it(`has no serious or critical violation on the classroom screens at ${size}`, async () => {
      const found: Record<string, string[]> = {};
      const teacher = await newPage(viewport);
      await teacher.goto(`${url}#/teach`);
      await teacher.waitForSelector('input[name="template"][value="border-escalation-2022"]');
      await check(teacher, 'classroom setup', found);

      // The exercise is created through the API (the classroom test covers the setup form): the 2022 template, 2,000 trials.
      const templates = (await (await fetch(`${url}api/exercises/templates`)).json()) as { templates: { id: string; exercise: object }[] };
      const template = templates.templates.find((t) => t.id === 'border-escalation-2022')!;
      const deadline = new Date(Date.now() + 3_600_000).toISOString();
      const created = (await (
        await fetch(`${url}api/exercises`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...template.exercise, trials: 2000, deadline }),
        })
      ).json()) as { id: string; joinCode: string; teacherToken: string };

      const student = await newPage(viewport, true);
      await student.goto(`${url}#/join?code=${created.joinCode}`);
      await student.waitForSelector('#join-name');
      await check(student, 'classroom join', found);
      await student.fill('#join-name', 'Ana');
      await student.click('#join-button');
      await student.waitForSelector('#submission-form');
      await check(student, 'classroom student form', found);
      // One choice for each of the team's levers, and every forecast, or the form refuses to submit.
      const levers = await student.$$eval('input[name^="lever-"]', (inputs) => [...new Set(inputs.map((i) => i.getAttribute('name')))]);
      for (const lever of levers) await student.locator(`input[name="${lever}"]`).last().check();
      for (const id of await student.$$eval('input[id^="forecast-"]', (inputs) => inputs.map((i) => i.id)))
        await student.fill(`#${id}`, '20');
      await clickExplained(student, '#submit-answers');
      await expect.poll(() => student.textContent('#saved-status')).toContain('Saved at');

      await teacher.goto(`${url}#/teach/${created.id}?token=${created.teacherToken}`);
      await teacher.waitForSelector('#join-code');
      await expect.poll(() => teacher.textContent('#submitted-count'), { timeout: 20_000 }).toContain('1 of 1');
      await check(teacher, 'classroom teacher dashboard', found);

      const revealed = await fetch(`${url}api/exercises/${created.id}/reveal`, {
        method: 'POST',
        headers: { authorization: `Bearer ${created.teacherToken}` },
      });
      expect(revealed.status).toBe(200);
      await teacher.reload();
      await teacher.waitForSelector('#leaderboard', { timeout: 60_000 });
      await chartsDrawn(teacher);
      await check(teacher, 'classroom debrief (teacher)', found);
      // Issue 18: no mark's label is cut at the canvas edge, no error bar runs past its plot, and the
      // decisions chart's colours have a legend.
      for (const canvas of await teacher.$$('figure.chart canvas')) {
        const at = (await canvas.evaluate((c) => c.closest('figure')?.id)) ?? '';
        const { plotArea, size, markLabels, errorBars } = await canvas.evaluate((c) => ({
          plotArea: JSON.parse(c.getAttribute('data-plot-area') ?? '[]') as number[],
          size: JSON.parse(c.getAttribute('data-size') ?? '[]') as number[],
          markLabels: JSON.parse(c.getAttribute('data-mark-labels') ?? '[]') as number[][],
          errorBars: c
            .getAttributeNames()
            .filter((k: string) => k.startsWith('data-error-bars'))
            .flatMap((k: string) => JSON.parse(c.getAttribute(k) ?? '[]') as number[][]),
        }));
        for (const [left, right, top] of markLabels) {
          expect(left, at).toBeGreaterThanOrEqual(0);
          expect(right, at).toBeLessThanOrEqual(size[0]!);
          expect(top, at).toBeGreaterThanOrEqual(0);
        }
        for (const [lo, hi] of errorBars) {
          expect(lo, at).toBeGreaterThanOrEqual(plotArea[0]! - 1);
          expect(hi, at).toBeLessThanOrEqual(plotArea[1]! + 1);
        }
      }
      expect((await canvasLayout(teacher, '#chart-effects canvas')).legend).toEqual([
        'lowered by the decisions',
        'raised by the decisions',
        '95% interval',
      ]);
      await teacher.locator('.question-grid').screenshot({ path: join(SCREENSHOTS, `debrief-questions-${file}.png`) });
      await teacher.locator('#chart-effects').screenshot({ path: join(SCREENSHOTS, `debrief-effects-${file}.png`) });
      // The student's page shows the debrief at its next poll (up to 10 s away): its clock is moved on to it.
      await afterNextPoll(student, STUDENT_POLL_MS, async () => (await student.$('#leaderboard')) !== null, 60_000).toBe(true);
      await chartsDrawn(student);
      await check(student, 'classroom debrief (student)', found);
      expect(found).toEqual({});
    }, 300_000);
  }
});
