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

/** Boxes (left, right, top, bottom in CSS pixels) that overlap, as pairs of their indices. */
function overlapping(boxes: number[][]): [number, number][] {
  const pairs: [number, number][] = [];
  for (const [i, a] of boxes.entries())
    for (const [j, b] of boxes.entries()) if (i < j && a[0]! < b[1]! && b[0]! < a[1]! && a[2]! < b[3]! && b[2]! < a[3]!) pairs.push([i, j]);
  return pairs;
}

/** A chart's drawn size and where its names beside horizontal bars and its marks' labels were drawn. */
async function chartLabels(page: Page, figure: string): Promise<{ width: number; names: number[][]; marks: number[][] }> {
  return page.$eval(`${figure} canvas`, (c) => ({
    width: (JSON.parse(c.getAttribute('data-size') ?? '[0, 0]') as number[])[0] ?? 0,
    names: JSON.parse(c.getAttribute('data-name-labels') ?? '[]') as number[][],
    marks: JSON.parse(c.getAttribute('data-mark-labels') ?? '[]') as number[][],
  }));
}

/** Expects every label's box (left, right, …) to lie across the canvas's width, none cut at an edge. */
function expectOnCanvas(boxes: number[][], width: number): void {
  for (const [left, right] of boxes) {
    expect(left).toBeGreaterThanOrEqual(0);
    expect(right).toBeLessThanOrEqual(width);
  }
}

describe.skipIf(!haveChromium)('layout that fits (Chromium)', () => {
  const suite = browserSuite();

  it('keeps a comparison with a baseline inside the metrics box at 1280 px, at a narrower window and at 390 px', async () => {
    // 1,000 trials (not 2,000): the table's cells hold the same kinds of text (a percent and its interval, a mean ± its
    // error, quantiles, a paired difference) at either, and the paired rerun of both inputs, which this test waits for
    // beside the band's draws, is half the work.
    const page = await suite.open('/scenario/karabakh-2023?trials=1000&seed=3&draws=20&run=1', DESKTOP);
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

    // A narrower window (1100 and 1000 px) fits the table too: tighter cells, each unit under its metric's
    // name instead of its column; the caption stays whole and within the box.
    for (const width of [1100, 1000]) {
      await page.setViewportSize({ width, height: 800 });
      await expect.poll(async () => (await metricsFit(page)).overflow).toBeLessThanOrEqual(1);
      const narrow = await metricsFit(page);
      expect(narrow.cut).toEqual([]);
      expect(narrow.captionInside).toBe(true);
      expect(narrow.captionCut).toBe(false);
      const unit = await page.$eval('#metrics-table .metric-unit', (u) => ({
        shown: (u as unknown as { offsetHeight: number }).offsetHeight > 0,
        sameAsColumn: u.textContent === u.closest('tr')?.querySelector('td.unit')?.textContent,
      }));
      expect(unit).toEqual({ shown: true, sameAsColumn: true });
    }

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

  it("wraps the names beside the bars at 390 px so none is cut, and keeps a histogram's mark labels apart and on the canvas", async () => {
    const page = await suite.open('/scenario/armenia-azerbaijan-2022?trials=2000&seed=1&draws=20&run=1', PHONE);
    await page.waitForSelector('#output-hash', { timeout: 120_000 });
    await page.waitForSelector('#chart-outcomes[data-drawn="true"]', { timeout: 30_000 });
    const outcomes = await chartLabels(page, '#chart-outcomes');
    expect(outcomes.names.length).toBeGreaterThan(10);
    expectOnCanvas(outcomes.names, outcomes.width);

    // hours_to_ceasefire: p5 and the median share the first bin, p95 and the never-ended trials the last.
    await page.selectOption('#metric-select', 'hours_to_ceasefire');
    await page.waitForSelector('#chart-hist-hours_to_ceasefire[data-drawn="true"]', { timeout: 30_000 });
    await expect.poll(async () => (await chartLabels(page, '#chart-hist-hours_to_ceasefire')).marks.length).toBe(4);
    const hist = await chartLabels(page, '#chart-hist-hours_to_ceasefire');
    expect(overlapping(hist.marks)).toEqual([]);
    expectOnCanvas(hist.marks, hist.width);
    for (const [, , top] of hist.marks) expect(top).toBeGreaterThanOrEqual(0);
    await page.close();
  }, 300_000);

  it("wraps the tornado's parameter names at 390 px so none is cut at the canvas edge", async () => {
    const page = await suite.open('/scenario/four-day-war-2016?seed=1', PHONE);
    await page.waitForSelector('#sens-run', { timeout: 60_000 });
    await page.selectOption('#sens-metric', 'military_deaths');
    await page.selectOption('#sens-method', 'tornado');
    await page.click('#sens-run');
    await page.waitForSelector('#chart-tornado[data-drawn="true"]', { timeout: 240_000 });
    const tornado = await chartLabels(page, '#chart-tornado');
    expect(tornado.names.length).toBeGreaterThan(5);
    expectOnCanvas(tornado.names, tornado.width);
    await page.close();
  }, 300_000);
});
