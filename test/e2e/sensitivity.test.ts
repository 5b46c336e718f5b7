import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutOptions, haveChromium, SCREENSHOTS, showParameter, staticBrowser } from '../helpers/browser.ts';
import type { StaticServer } from '../helpers/static-server.ts';

const SCENARIO = 'armenia-azerbaijan-2022';
const SIZES = [
  { name: '1280x800', width: 1280, height: 800 },
  { name: '390x844', width: 390, height: 844 },
] as const;

describe.skipIf(!haveChromium)('sensitivity panel in Chromium', () => {
  let server: StaticServer;
  let context: BrowserContext;
  let close: (() => Promise<void>) | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ server, context, close } = await staticBrowser());
  });

  afterAll(async () => {
    await close?.();
  });

  async function openPanel(size: (typeof SIZES)[number]): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.goto(`${server.url}#/scenario/${SCENARIO}?seed=3`);
    await page.waitForSelector('#sens-run');
    // The trials field shows by which metrics the exact preview answers (see `analyse`).
    await expect.poll(() => page.textContent('#exact-status'), { timeout: 60_000 }).toContain('Exact answer');
    return page;
  }

  /** Runs one analysis and waits for its chart. */
  async function analyse(page: Page, metric: string, method: 'tornado' | 'sobol', chart: string): Promise<void> {
    await page.selectOption('#sens-metric', metric);
    await page.selectOption('#sens-method', method);
    // Trials per point shows only where Monte Carlo answers (an exact analysis solves each point and draws no trials).
    // The metrics of this scenario with an exact answer are solved exactly; war_over_7_days has none.
    expect(await page.isVisible('#sens-trials')).toBe(metric === 'war_over_7_days');
    // The fewest trials a point the panel takes (50): the Monte Carlo tornado is checked for what more noise only adds
    // to: its within-noise list, folded, and its names whole.
    if (metric === 'war_over_7_days') await page.fill('#sens-trials', '50');
    // The samples field shows only beside Sobol' (a tornado reads none).
    expect(await page.isVisible('#sens-samples')).toBe(method === 'sobol');
    if (method === 'sobol') await page.fill('#sens-samples', '32');
    await page.click('#sens-run');
    // The previous analysis's chart stays until the new answer replaces it: wait for this one's "Done".
    await expect.poll(() => page.textContent('#sens-status'), { timeout: 240_000, interval: 250 }).toMatch(/^Done: /);
    await page.waitForSelector(`${chart}[data-drawn="true"]`, { timeout: 30_000 });
  }

  async function shoot(page: Page, file: string): Promise<void> {
    await page.locator('section.sensitivity').scrollIntoViewIfNeeded();
    await page.locator('section.sensitivity').screenshot({ path: join(SCREENSHOTS, file) });
  }

  /** The tornado's table view, as text: every bar's ends and swing. */
  const tornadoTable = (page: Page) => page.textContent('#chart-tornado table');

  /** What the names beside a chart's bars say, one entry a line. */
  const barTexts = (page: Page, chart: string) =>
    page.$eval(`${chart} canvas`, (c) => (JSON.parse(c.getAttribute('data-name-texts') ?? '[]') as (string | string[])[]).flat());

  /**
   * The names beside a chart's bars that are cut at the canvas's edge or overlap another name (each
   * name's drawn box: left, right, top, bottom): none when every name reads whole.
   */
  const crowdedNames = (page: Page, chart: string) =>
    page.$eval(`${chart} canvas`, (c) => {
      const width = (JSON.parse(c.getAttribute('data-size') ?? '[0, 0]') as number[])[0] ?? 0;
      const boxes = JSON.parse(c.getAttribute('data-name-labels') ?? '[]') as [number, number, number, number][];
      const texts = JSON.parse(c.getAttribute('data-name-texts') ?? '[]') as (string | string[])[];
      const words = (i: number) => [texts[i] ?? ''].flat().join(' ');
      const cut = boxes.flatMap(([left, right], i) => (left < 0 || right > width ? [`cut: ${words(i)}`] : []));
      const overlaps = boxes.flatMap(([, , top, bottom], i) =>
        boxes.slice(i + 1).flatMap(([, , t, b], j) => (top < b && t < bottom ? [`${words(i)} / ${words(i + 1 + j)}`] : [])),
      );
      return [...cut, ...overlaps];
    });

  /** The text of the table row a chart's table view heads with `head`, after that head. */
  const tableRow = (page: Page, chart: string, head: string) =>
    page.$$eval(
      `${chart} table tbody tr`,
      (rows, head) => rows.find((r) => r.querySelector('th')?.textContent === head)?.textContent?.slice(head.length) ?? '',
      head,
    );

  /** The most comma-separated items any unfolded line under the panel shows (longer lists fold behind their count). */
  const longestShownList = (page: Page) =>
    page.$$eval('#sens-how > p', (ps) => Math.max(0, ...ps.map((p) => (p.textContent ?? '').split(', ').length)));

  /**
   * The snake_case words the lines under the panel and its warnings show (folded lists included):
   * none but `time_in`, a function of the metric's expression, since each parameter and metric shows its label.
   */
  const namesShown = (page: Page) =>
    page.$$eval('#sens-how, #sens-out p.warn', (els) =>
      els.flatMap((el) => (el.textContent ?? '').match(/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g) ?? []).filter((w) => w !== 'time_in'),
    );

  it('shows the exact solver line and the unread parameters once, folded; the Monte Carlo tornado its noise floor, its long list folded', async () => {
    for (const size of SIZES) {
      const page = await openPanel(size);
      expect(await cutOptions(page, '#sens-method')).toEqual([]);
      await analyse(page, 'war_reached', 'tornado', '#chart-tornado');
      const how = (await page.textContent('#sens-how')) ?? '';
      expect(how).toMatch(/Exact solver: every bar is noise-free, and the tornado follows the sliders\./);
      // Solved exactly, a bar without swing is no effect: neither the bars nor their table call it noise.
      expect(await page.textContent('#chart-tornado')).not.toContain('within noise');
      // The lines name parameters and the metric by label, as the bars do; each name stays in its tooltip.
      expect(how).toMatch(
        /40 of 79 parameters are not read by “War within 30 days”[\s\S]*?exactly 0 by the model's structure \(not estimated\)/,
      );
      // Each unread parameter is named once; the no-effect line names only the 5 that are read yet have no effect.
      expect(how.split('Armenian military deaths per hour of fighting').length - 1).toBe(1);
      expect(how).toMatch(
        /5 of the 39 parameters “War within 30 days” reads have no effect \(exactly 0\): [^\n]*“Chance a truce holds in a war”/,
      );
      expect(await page.textContent('#sens-how span[title="p_hold_war"]')).toBe('Chance a truce holds in a war');
      expect(await namesShown(page)).toEqual([]);
      expect(await page.textContent('#sens-how details.name-list summary')).toMatch(/not read by “War within 30 days”.*\(show all 40\)$/);
      expect(await page.getAttribute('#sens-how details.name-list', 'open')).toBeNull();
      expect(await page.textContent('#sens-status')).toMatch(/^Done: 159 points exact \(73 solved, 86 reused\), seed 3\.$/);
      expect(await longestShownList(page)).toBeLessThanOrEqual(6);
      // The bars name parameters by label, as the sliders do; the table keeps each name beside its label.
      const barNames = (await barTexts(page, '#chart-tornado')).join(' ');
      expect(barNames).toMatch(/Clash escalates to war/);
      expect(barNames).not.toContain('_');
      expect(await page.textContent('#chart-tornado figcaption')).toContain('Tornado: War within 30 days');
      expect(await tableRow(page, '#chart-tornado', 'Clash escalates to war')).toContain('clash_escalation_rate');
      await shoot(page, `sensitivity-tornado-exact-${size.name}.png`);

      // war_over_7_days has no exact answer: Monte Carlo, with the design's noise floor.
      await analyse(page, 'war_over_7_days', 'tornado', '#chart-tornado');
      expect(await page.textContent('#sens-how')).toMatch(
        /^Monte Carlo, because “More than a week of war” \(it is not a linear function of time_in\)[\s\S]*Noise floor of this design: [\d.]+/,
      );
      expect(await namesShown(page)).toEqual([]);
      // The within-noise list (most of the 79 at 50 trials a point) is folded behind its count.
      const folded = (await page.textContent('#sens-how details.name-list summary')) ?? '';
      const [, within, shown] = /^(\d+) of 79 parameters are within noise \(floor [\d.e-]+\) \(show all (\d+)\)$/.exec(folded) ?? [];
      expect(Number(within)).toBeGreaterThan(6);
      expect(shown).toBe(within);
      expect(await longestShownList(page)).toBeLessThanOrEqual(6);
      // Long labels and their "(within noise)" lines read whole, at 1280 px as at 390 px.
      expect((await barTexts(page, '#chart-tornado')).filter((line) => line === '(within noise)').length).toBeGreaterThan(3);
      expect(await crowdedNames(page, '#chart-tornado')).toEqual([]);
      await shoot(page, `sensitivity-tornado-monte-carlo-${size.name}.png`);
      await page.close();
    }
    expect(pageErrors).toEqual([]);
  });

  it('names the metrics in its picker by label, as the band and the metrics table do', async () => {
    const page = await openPanel(SIZES[0]);
    const options = await page.$$eval('#sens-metric option', (os) => os.map((o) => [o.getAttribute('value'), o.textContent]));
    expect(options).toContainEqual(['war_reached', 'War within 30 days']);
    expect(options.filter(([, text]) => text?.includes('_'))).toEqual([]);
    await page.close();
  });

  it('the exact tornado follows the sliders: marked stale, then solved again without pressing Analyse', async () => {
    const page = await openPanel(SIZES[0]);
    await analyse(page, 'war_reached', 'tornado', '#chart-tornado');
    const updates = async () => Number((await page.getAttribute('section.sensitivity', 'data-updates')) ?? 0);
    const before = await tornadoTable(page);
    // A parameter war_reached reads: every point but its own two ends is solved again.
    await showParameter(page, 'offensive_escalation_rate');
    await page.locator('#p-offensive_escalation_rate-range').fill('0.005');
    expect(await page.getAttribute('#sens-out', 'class')).toMatch(/\bstale\b/);
    await expect.poll(updates, { timeout: 60_000, interval: 100 }).toBe(1);
    await page.waitForSelector('#chart-tornado[data-drawn="true"]');
    const status = (await page.textContent('#sens-status')) ?? '';
    const [, solved] = /^Updated for the panel's values in [\d,]+ ms: 159 points exact \((\d+) solved, \d+ reused\)\.$/.exec(status) ?? [];
    // The answers of the tornado before were kept: the ends of the moved parameter itself are not solved again.
    expect(Number(solved)).toBe(71);
    expect(await page.getAttribute('#sens-out', 'class')).not.toMatch(/\bstale\b/);
    const after = await tornadoTable(page);
    expect(after).not.toBe(before);
    expect(after).toMatch(/offensive_escalation_rate/);
    // A parameter war_reached cannot read: the same tornado, with nothing solved (the answers were kept).
    await showParameter(page, 'armenian_fatality_rate');
    await page.locator('#p-armenian_fatality_rate-range').fill('5');
    await expect.poll(updates, { timeout: 60_000, interval: 100 }).toBe(2);
    expect(await page.textContent('#sens-status')).toMatch(/: 159 points exact \(0 solved, 159 reused\)\.$/);
    expect(await tornadoTable(page)).toBe(after);
    await shoot(page, 'sensitivity-tornado-following-1280x800.png');
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it("screens the 79 parameters by Morris before Sobol', and clears the chart when an analysis ends without a result", async () => {
    const size = SIZES[0];
    const page = await openPanel(size);
    await analyse(page, 'war_reached', 'sobol', '#chart-sobol');
    expect(await page.textContent('#sens-how')).toMatch(/a Morris screen \([\d,]+ points\) kept \d+ of 79/);
    expect((await barTexts(page, '#chart-sobol')).join(' ')).not.toContain('_');
    // Its notes and warnings (the parameters whose intervals reach 0, an unsettled ranking) name them by label too.
    expect(await namesShown(page)).toEqual([]);
    // The first-order estimates below 0, each with its value, fold like the other long lists.
    expect(await longestShownList(page)).toBeLessThanOrEqual(6);
    await shoot(page, `sensitivity-sobol-screening-${size.name}.png`);
    await page.setViewportSize({ width: 390, height: 844 });
    await shoot(page, 'sensitivity-sobol-screening-390x844.png');

    // A second analysis stopped before its answer: the previous chart and its lines must not stay as if they were its result.
    await page.selectOption('#sens-method', 'sobol');
    await page.click('#sens-run');
    await page.click('#sens-cancel');
    await expect.poll(() => page.textContent('#sens-status'), { timeout: 30_000 }).toBe('Cancelled.');
    expect(await page.$$eval('#sens-out figure', (f) => f.length)).toBe(0);
    expect(await page.textContent('#sens-how')).toBe('');
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
