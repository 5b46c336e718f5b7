/**
 * The track record page end to end in Debian's Chromium: reached from the library, it states per
 * question the out-of-sample skill with its interval beside the base rate and whether it is
 * positive, shows the time split, and draws a calibration curve per fold. Its numbers are those of
 * scenarios/reference-class/track-record.json (which the engine's calibrate test checks against the
 * code). Screenshots at desktop and phone width go to docs/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackRecordData } from '../../packages/engine/src/calibrate/index.ts';
import { haveChromium, SCREENSHOTS, staticBrowser } from '../helpers/browser.ts';
import { ROOT } from '../helpers/cli.ts';
import type { StaticServer } from '../helpers/static-server.ts';

const SIZES = [
  { name: '1280x800', width: 1280, height: 800 },
  { name: '390x844', width: 390, height: 844 },
] as const;
const record = JSON.parse(readFileSync(join(ROOT, 'scenarios/reference-class/track-record.json'), 'utf8')) as TrackRecordData;

describe.skipIf(!haveChromium)('track record page in Chromium', () => {
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

  it('is linked from the library and states each question’s skill, interval and verdict beside the base rate', async () => {
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${server.url}#/`);
    await page.click('#track-record-link');
    await page.waitForSelector('#track-record-title');
    expect(page.url()).toMatch(/#\/track-record$/);
    const loo = record.folds.find((f) => f.fold === 'loo');
    const items = await page.locator('.track-record-headline li').allTextContents();
    const brier = loo?.questions.filter((q) => q.score !== 'log') ?? [];
    expect(items).toHaveLength(brier.length);
    for (const [i, q] of brier.entries()) {
      // Two decimals with a true minus sign; −0.004 reads 0.00, not −0.00.
      const skill = Number(q.skill.skill.toFixed(2)) === 0 ? '0.00' : q.skill.skill.toFixed(2).replace('-', '−');
      expect(items[i]).toContain(q.label);
      expect(items[i]).toContain(`skill ${skill}`);
      expect(items[i]).toContain(`against the ${q.baselineKind}`);
      expect(items[i]).toMatch(/Positive: |Not clearly positive: |Not positive: |Negative: /);
    }
    // Both folds' tables, the time split named by its year, every row with a verdict.
    expect(await page.locator('table.track-record-table').count()).toBe(record.folds.length);
    await expect.poll(() => page.textContent('.track-record-screen')).toContain(`Time split at ${record.settings.splitYear}`);
    const time = record.folds.find((f) => f.fold === 'time');
    const verdicts = await page.locator('table.track-record-table[data-fold="time"] tbody tr td:last-child').allTextContents();
    expect(verdicts).toEqual(time?.questions.map((q) => q.skill.verdict));
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('keeps its drawn charts when the scenario library, which it does not use, finishes loading', async () => {
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${server.url}#/track-record`);
    await page.waitForSelector('#chart-calibration-loo[data-drawn="true"]');
    await page.$eval('#chart-calibration-loo', (figure) => figure.setAttribute('data-first-drawing', ''));
    // The library loads in the engine's worker in well under 3 s here; a redraw on its arrival replaced
    // the figure (this failed before main.ts left the track record out). A slower load could only make
    // this pass without looking, never fail.
    await page.waitForTimeout(3000);
    expect(await page.locator('#chart-calibration-loo[data-first-drawing]').count()).toBe(1);
    await page.close();
  });

  it('draws a calibration curve per fold, with a table view; screenshots at desktop and phone width', async () => {
    for (const size of SIZES) {
      const page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      await page.setViewportSize({ width: size.width, height: size.height });
      await page.goto(`${server.url}#/track-record`);
      for (const f of record.folds) await page.waitForSelector(`#chart-calibration-${f.fold}[data-drawn="true"]`);
      const cells = await page.locator('#chart-calibration-loo table tbody tr').count();
      const bins = (b: TrackRecordData['folds'][number]['reliability']['war']['bins']) => b.filter((x) => x.n > 0).length;
      const loo = record.folds.find((f) => f.fold === 'loo');
      expect(cells).toBe(bins(loo?.reliability.war.bins ?? []) + bins(loo?.reliability.truce7.bins ?? []));
      // Nothing runs off the right edge of the page at either width.
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(SCREENSHOTS, `track-record-${size.name}.png`) });
      await page.locator('#chart-calibration-loo').screenshot({ path: join(SCREENSHOTS, `track-record-calibration-${size.name}.png`) });
      await page.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
