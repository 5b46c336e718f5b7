/**
 * The teacher's setup in Chromium with the Advanced JSON: an exercise whose lever cannot run is
 * refused on the page with the lever's path, one whose lever leaves its parameter's range is
 * created with the warning shown on the dashboard, and JSON that does not parse is placed by line
 * and column. Then a debrief with no submissions says so under each question.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../apps/api/src/app.ts';
import { builtWebApp, CHROMIUM_LAUNCH, haveChromium } from '../helpers/browser.ts';

type App = Awaited<ReturnType<typeof buildApp>>;

/** A border exercise whose one lever sets calm_clash_rate to `rate` (range [0.006, 0.008]). */
const exercise = (rate: number) => ({
  scenarioId: 'two-state-border-dispute',
  title: 'Border class',
  briefing: 'Two neighbours.',
  levers: [
    {
      kind: 'choice',
      id: 'posture',
      label: 'Border posture',
      options: [
        { id: 'keep', label: 'Keep', overrides: {} },
        { id: 'push', label: 'Push', overrides: { calm_clash_rate: rate } },
      ],
    },
  ],
  questions: [{ kind: 'probability', id: 'clash', label: 'A clash?', metric: 'clash_within_90_days' }],
  trials: 5000,
  seed: 5,
});

describe.skipIf(!haveChromium)('the teacher’s Advanced JSON setup in Chromium', () => {
  let dataDir: string;
  let app: App;
  let url: string;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const dist = builtWebApp();
    dataDir = mkdtempSync(join(tmpdir(), 'georisk-setup-e2e-'));
    app = await buildApp({ dataDir, webDir: dist, pressure: false, pool: { threads: 1 } });
    url = `${await app.listen({ port: 0, host: '127.0.0.1' })}/`;
    browser = await chromium.launch(CHROMIUM_LAUNCH);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** The setup page with the Advanced JSON open and holding `text`. */
  async function setupWith(text: string): Promise<Page> {
    const page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${url}#/teach`);
    await page.waitForSelector('#create-exercise');
    await page.click('details.advanced summary');
    await expect.poll(() => page.inputValue('#ex-json')).not.toBe('');
    await page.fill('#ex-json', text);
    await page.click('#create-exercise');
    return page;
  }

  it("links each template's teacher's guide, which the server serves", async () => {
    const page = await browser.newPage();
    await page.goto(`${url}#/teach`);
    await page.waitForSelector('#create-exercise');
    const guides = await page.$$eval('.template-option a', (links) =>
      links.map((a) => ({ href: a.getAttribute('href') ?? '', target: a.getAttribute('target'), rel: a.getAttribute('rel') })),
    );
    expect(guides.length).toBeGreaterThan(1);
    for (const g of guides) {
      expect(g).toMatchObject({ target: '_blank', rel: 'noopener' });
      const res = await fetch(new URL(g.href, url));
      expect(res.status, g.href).toBe(200);
      expect(await res.text()).toMatch(/^# /);
    }
    await page.close();
  });

  it('refuses a lever option the scenario cannot run, naming it, and stays on the setup', async () => {
    const page = await setupWith(JSON.stringify(exercise(-1), null, 2));
    const alert = page.locator('#setup-message [role=alert]');
    await expect.poll(() => alert.textContent()).toContain('levers[0].options[1].overrides: with calm_clash_rate = -1');
    expect(await alert.textContent()).toContain('the rate evaluates to -1');
    expect(await page.locator('#join-code').count()).toBe(0);
    await page.close();
  });

  it('places JSON that does not parse by line and column, keeping the browser’s words', async () => {
    const page = await setupWith('{\n  "title": "x",\n  "seed": ,\n}');
    const alert = page.locator('#setup-message [role=alert]');
    await expect.poll(() => alert.textContent()).toMatch(/^The JSON does not parse at line 3, column 11: \S/);
    const browserWords = await page.evaluate(() => {
      try {
        JSON.parse('{\n  "title": "x",\n  "seed": ,\n}');
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    });
    // Chromium's own words give no position for this one: "Unexpected token ','".
    expect(browserWords).toMatch(/^Unexpected token ','/);
    expect(await alert.textContent()).toContain(browserWords);
    await page.close();
  });

  it('a debrief with no submissions says so under every question', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/exercises',
      payload: {
        ...exercise(0.007),
        questions: [
          { kind: 'probability', id: 'clash', label: 'A clash?', metric: 'clash_within_90_days' },
          { kind: 'quantity', id: 'deaths', label: 'Deaths', metric: 'side_a_deaths' },
        ],
        deadline: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    expect(created.statusCode).toBe(201);
    const { id, teacherToken, teacherPath } = created.json();
    expect(
      (await app.inject({ method: 'POST', url: `/api/exercises/${id}/reveal`, headers: { authorization: `Bearer ${teacherToken}` } }))
        .statusCode,
    ).toBe(200);
    const page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${url}${teacherPath}`);
    for (const q of ['clash', 'deaths']) {
      const canvas = page.locator(`#chart-q-${q} canvas`);
      await expect.poll(() => canvas.getAttribute('aria-label')).toMatch(/\. No forecasts were submitted\.$/);
    }
    expect(await page.locator('#debrief').textContent()).not.toContain('0 forecasts');
    await page.close();
  });

  it('creates an exercise whose lever leaves its parameter range, and the dashboard warns of it', async () => {
    const page = await setupWith(JSON.stringify(exercise(0.02), null, 2));
    await page.waitForSelector('#join-code');
    const warning = page.locator('#exercise-warnings');
    // In the teacher's words: the decision and option students see, not the JSON path (kept as the item's title).
    await expect
      .poll(() => warning.textContent())
      .toContain('"Border posture", option "Push": the value 0.02 for "calm_clash_rate" lies outside its range [0.006, 0.008]');
    expect(await warning.locator('li').getAttribute('title')).toBe('levers[0].options[1].overrides');
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
