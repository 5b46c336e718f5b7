/**
 * The sensitivity panel end to end in Debian's Chromium: the exact tornado says its solver and the
 * parameters the metric cannot read, a Monte Carlo tornado its noise floor, Sobol' over the 2022
 * scenario's 47 parameters screens by Morris first, and an analysis that ends without a result
 * clears the previous chart. Screenshots at desktop and phone width go to docs/screenshots/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, CHROMIUM_LAUNCH, haveChromium, SCREENSHOTS } from '../helpers/browser.ts';
import { type StaticServer, serveStatic } from '../helpers/static-server.ts';

const SCENARIO = 'armenia-azerbaijan-2022';
const SIZES = [
  { name: '1280x800', width: 1280, height: 800 },
  { name: '390x844', width: 390, height: 844 },
] as const;

describe.skipIf(!haveChromium)('sensitivity panel in Chromium', () => {
  let dist: string;
  let server: StaticServer;
  let context: BrowserContext;
  let profile: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'georisk-web-dist-'));
    buildWebApp(dist);
    server = await serveStatic(dist);
    profile = mkdtempSync(join(tmpdir(), 'georisk-chromium-'));
    context = await chromium.launchPersistentContext(profile, { ...CHROMIUM_LAUNCH, viewport: { width: 1280, height: 800 } });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  async function openPanel(size: (typeof SIZES)[number]): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.goto(`${server.url}#/scenario/${SCENARIO}?seed=3`);
    await page.waitForSelector('#sens-run');
    return page;
  }

  /** Runs one analysis and waits for its chart. */
  async function analyse(page: Page, metric: string, method: 'tornado' | 'sobol', chart: string): Promise<void> {
    await page.selectOption('#sens-metric', metric);
    await page.selectOption('#sens-method', method);
    await page.fill('#sens-trials', '100');
    await page.fill('#sens-samples', '32');
    await page.click('#sens-run');
    // The previous analysis's chart stays until the new answer replaces it: wait for this one's "Done".
    await expect.poll(() => page.textContent('#sens-status'), { timeout: 240_000, interval: 250 }).toMatch(/^Done: /);
    await page.waitForSelector(`${chart}[data-drawn="true"]`, { timeout: 30_000 });
  }

  async function shoot(page: Page, file: string): Promise<void> {
    await page.locator('section.sensitivity').scrollIntoViewIfNeeded();
    await page.locator('section.sensitivity').screenshot({ path: join(SCREENSHOTS, file) });
  }

  it('shows the exact solver line and the parameters the metric cannot read; the Monte Carlo tornado its noise floor', async () => {
    for (const size of SIZES) {
      const page = await openPanel(size);
      await analyse(page, 'war_reached', 'tornado', '#chart-tornado');
      const how = (await page.textContent('#sens-how')) ?? '';
      expect(how).toMatch(/Exact solver: every bar is noise-free\./);
      expect(how).toMatch(/parameters are not read by war_reached[\s\S]*?exactly 0 by the model's structure \(not estimated\)/);
      expect(await page.textContent('#sens-status')).toMatch(/^Done: \d+ points solved exactly, seed 3\.$/);
      await shoot(page, `sensitivity-tornado-exact-${size.name}.png`);

      // war_over_7_days has no exact answer: Monte Carlo, with the design's noise floor.
      await analyse(page, 'war_over_7_days', 'tornado', '#chart-tornado');
      expect(await page.textContent('#sens-how')).toMatch(
        /^Monte Carlo, because war_over_7_days [\s\S]*Noise floor of this design: [\d.]+/,
      );
      await shoot(page, `sensitivity-tornado-monte-carlo-${size.name}.png`);
      await page.close();
    }
    expect(pageErrors).toEqual([]);
  });

  it("screens the 47 parameters by Morris before Sobol', and clears the chart when an analysis ends without a result", async () => {
    const size = SIZES[0];
    const page = await openPanel(size);
    await analyse(page, 'war_reached', 'sobol', '#chart-sobol');
    expect(await page.textContent('#sens-how')).toMatch(/a Morris screen \([\d,]+ points\) kept \d+ of 47/);
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
