/**
 * Layout measured, not eyeballed: what the reviewer found cut off or overlapping, checked by the boxes
 * Chromium lays out (a table within its box, a caption whole, chart labels apart and inside the canvas).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, haveChromium, showParameter } from '../helpers/browser.ts';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** How the metrics table sits in its scrolling box: overflow, cells cut, and whether the caption lies within the box. */
async function metricsFit(page: Page): Promise<{ overflow: number; cut: string[]; captionInside: boolean; captionCut: boolean }> {
  return page.$eval('.metrics-wrap', (box) => {
    const b = box.getBoundingClientRect();
    const caption = box.querySelector('caption');
    const c = caption?.getBoundingClientRect();
    return {
      overflow: box.scrollWidth - box.clientWidth,
      cut: [...box.querySelectorAll('td')]
        .filter((td) => td.scrollWidth > td.clientWidth + 1)
        .map((td) => `${td.closest('tr')?.getAttribute('data-metric')} ${td.textContent}`),
      captionInside: c !== undefined && c.left >= b.left - 1 && c.right <= b.left + box.clientWidth + 1,
      captionCut: caption !== null && caption.scrollWidth > caption.clientWidth + 1,
    };
  });
}

describe.skipIf(!haveChromium)('layout that fits (Chromium)', () => {
  const suite = browserSuite();

  it('keeps a comparison with a baseline inside the metrics box at 1280 px, at a narrower window and at 390 px', async () => {
    const page = await suite.open('/scenario/karabakh-2023?trials=2000&seed=3&run=1', DESKTOP);
    await page.waitForSelector('#pin-baseline', { timeout: 120_000 });
    const first = await page.textContent('#output-hash');
    await page.click('#pin-baseline');
    await showParameter(page, 'offensive_escalation_rate');
    await page.fill('#p-offensive_escalation_rate-num', '0.2');
    await page.press('#p-offensive_escalation_rate-num', 'Enter');
    await page.click('#run');
    await expect.poll(() => page.textContent('#output-hash'), { timeout: 120_000 }).not.toBe(first);
    await expect
      .poll(() => page.textContent('#metrics-table thead th[data-compare]'), { timeout: 120_000 })
      .toBe('Δ vs baseline (95% CI)paired (same seed)');
    await page.waitForSelector('#metrics-table td[data-key="exact"]', { timeout: 120_000 });
    await page.$eval('#metrics-table', (t) => t.scrollIntoView({ block: 'start' }));

    // At 1280 px every column, the difference and the unit included, is in the box: nothing to scroll to.
    const wide = await metricsFit(page);
    expect(wide.overflow).toBeLessThanOrEqual(1);
    expect(wide.cut).toEqual([]);
    expect(wide.captionInside).toBe(true);
    const lastHeading = await page.$eval('#metrics-table thead th:last-child', (th) => th.textContent);
    expect(lastHeading).toBe('unit');

    // A narrower window may scroll the table sideways, but the caption stays whole and within the box.
    await page.setViewportSize({ width: 1000, height: 800 });
    await expect.poll(async () => (await metricsFit(page)).captionInside).toBe(true);
    expect((await metricsFit(page)).captionCut).toBe(false);

    // At 390 px the rows stack into cards, each value with its heading, nothing off the edge.
    await page.setViewportSize(PHONE);
    await expect.poll(async () => (await metricsFit(page)).overflow).toBeLessThanOrEqual(1);
    const phone = await metricsFit(page);
    expect(phone.cut).toEqual([]);
    expect(phone.captionInside).toBe(true);
    const diffLabels = await page.$$eval('#metrics-table td[data-key="diff"]', (cells) => [...new Set(cells.map((c) => c.dataset.label))]);
    expect(diffLabels).toEqual(['Δ vs baseline (95% CI)']);
    await page.close();
  }, 300_000);
});
