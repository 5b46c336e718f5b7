/**
 * Issue 18 in Chromium: the state diagram of each track ("How the model works"), the parameters
 * grouped in folds, and histogram bins at round numbers; with screenshots at 1280×800 and 390×844.
 */
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartsDrawn, haveChromium, SCREENSHOTS, staticBrowser } from '../helpers/browser.ts';
import type { StaticServer } from '../helpers/static-server.ts';

const SCENARIO = 'armenia-azerbaijan-2022';

describe.skipIf(!haveChromium)('how the model works, grouped parameters and round bins in Chromium', () => {
  let server: StaticServer;
  let context: BrowserContext;
  let close: (() => Promise<void>) | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ server, context, close } = await staticBrowser());
  }, 300_000);

  afterAll(async () => {
    await close?.();
    expect(pageErrors).toEqual([]);
  });

  async function open(hash: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${server.url}#${hash}`);
    return page;
  }

  /** The list item of track `track`'s arrow from `from` to `to`. */
  function arrow(page: Page, track: string, from: string, to: string) {
    return page.locator(`.track-diagram[data-track="${track}"] ol.diagram-arrows li`, { hasText: `${from} → ${to}:` });
  }

  it('draws each track from the model, with rates at the current values, guards in words and the exact occupancy', async () => {
    const page = await open(`/scenario/${SCENARIO}?seed=1`);
    await expect.poll(() => page.textContent('#exact-status'), { timeout: 60_000 }).toContain('Exact answer');
    await page.click('#how-it-works > summary');
    const conflict = page.locator('.track-diagram[data-track="conflict"]');
    await conflict.locator('svg.state-diagram').waitFor();
    expect(await page.locator('.track-diagram').count()).toBe(4);
    // Every state is a focusable box; the occupancies of a track are the exact final distribution (they sum to 1).
    for (const track of ['conflict', 'mediation', 'alliance', 'pipeline']) {
      const shares = await page.$$eval(`.track-diagram[data-track="${track}"] .diagram-state`, (gs) =>
        gs.map((g) => Number(g.getAttribute('data-occupancy'))),
      );
      expect(shares.length).toBeGreaterThan(1);
      expect(Math.abs(shares.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9);
    }
    const war = conflict.locator('[data-state="war"]');
    expect(await war.getAttribute('tabindex')).toBe('0');
    const share = Number(await war.getAttribute('data-occupancy'));
    const label = (await war.getAttribute('aria-label')) ?? '';
    expect(label).toContain(`war: ${(share * 100).toFixed(1)}% chance of being here at the horizon (720 hours, exact)`);
    await war.focus();
    expect(await conflict.locator('.diagram-focus').textContent()).toBe(label);
    expect(await war.locator('title').textContent()).toBe(label);

    // A rate at the current value, with its unit; a guard on another track in words.
    const culminates = arrow(page, 'conflict', 'offensive', 'clash');
    const before = await culminates.textContent();
    expect(before).toMatch(/rate [\d.]+ per hour \(the push culminates\)/);
    expect(await arrow(page, 'mediation', 'none', 'russia').textContent()).toMatch(
      /rate [\d.e-]+ per hour while conflict is clash, offensive or war; 0 per hour otherwise/,
    );
    // The calendar truce's probability is per step, and the diagram says that an event changes it.
    expect(await arrow(page, 'conflict', 'war', 'ceasefire').textContent()).toContain(
      'probability 0 per step of 1 hour; truce_call is changed by an event during the run',
    );

    // The diagram follows a slider: the arrow's label and words take the new value, and the occupancy the new exact answer.
    const drawn = Number(await page.getAttribute('#how-it-works', 'data-drawn'));
    await page.fill('#p-offensive_culmination_rate-num', '0.08');
    await page.dispatchEvent('#p-offensive_culmination_rate-num', 'change');
    await expect.poll(() => culminates.textContent(), { timeout: 30_000 }).toContain('rate 0.08 per hour');
    const svgLabel = await conflict.locator(`.diagram-edge[data-edge="${await culminates.getAttribute('data-edge')}"] text`).textContent();
    expect(svgLabel).toBe('0.08/h');
    expect(Number(await page.getAttribute('#how-it-works', 'data-drawn'))).toBeGreaterThan(drawn);
    await expect.poll(() => war.getAttribute('data-occupancy'), { timeout: 30_000 }).not.toBe(String(share));

    await page.$eval('#how-it-works', (d) => d.scrollIntoView());
    await page.screenshot({ path: join(SCREENSHOTS, 'model-diagram-1280x800.png') });
    await page.close();
  });

  it('reads at phone width: the diagram scrolls in its own box, the page does not', async () => {
    const page = await open(`/scenario/${SCENARIO}?seed=1`, { width: 390, height: 844 });
    await expect.poll(() => page.textContent('#exact-status'), { timeout: 60_000 }).toContain('Exact answer');
    await page.click('#how-it-works > summary');
    await page.locator('.track-diagram[data-track="conflict"] svg').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const box = await page.$eval('.track-diagram[data-track="conflict"] .diagram-scroll', (b) => ({
      tabindex: b.getAttribute('tabindex'),
      inside: b.getBoundingClientRect().right <= 390,
    }));
    expect(box).toEqual({ tabindex: '0', inside: true });
    await page.$eval('.track-diagram[data-track="conflict"]', (d) => d.scrollIntoView());
    await page.screenshot({ path: join(SCREENSHOTS, 'model-diagram-390x844.png') });
    await page.close();
  });
});
