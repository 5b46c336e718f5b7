import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveChromium, SCREENSHOTS, showParameter, staticBrowser } from '../helpers/browser.ts';
import type { StaticServer } from '../helpers/static-server.ts';

const SCENARIO = 'armenia-azerbaijan-2022';
const CHUNK = 16_384;

/** Each difference cell: its metric, raw value, text and whether it is bold. */
async function diffCells(page: Page): Promise<{ metric: string; value: number; text: string; bold: boolean }[]> {
  return page.$$eval('#metrics-table td[data-key="diff"]', (cells) =>
    cells.map((c) => ({
      metric: c.closest('tr')?.getAttribute('data-metric') ?? '',
      value: Number(c.getAttribute('data-value')),
      text: c.textContent ?? '',
      bold: c.classList.contains('clear-diff'),
    })),
  );
}

/** The header of the difference column. */
async function diffHeading(page: Page): Promise<string> {
  return page.$eval('#metrics-table thead th:nth-child(7)', (th) => th.textContent ?? '');
}

describe.skipIf(!haveChromium)('reading results in Chromium', () => {
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

  async function newPage(): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    return page;
  }

  it('pairs a same-seed comparison, calls an interval holding 0 "within noise", and falls back to independent for another seed', async () => {
    const page = await newPage();
    await page.goto(`${server.url}#/scenario/${SCENARIO}?trials=20000&seed=3&draws=20&run=1`);
    await page.waitForSelector('#output-hash', { timeout: 120_000 });
    const first = await page.textContent('#output-hash');
    await page.click('#pin-baseline');

    // The same inputs again: every per-trial difference is 0, so no difference is bold and all are within noise.
    await page.click('#run');
    await expect.poll(() => diffHeading(page), { timeout: 120_000 }).toBe('Δ vs baseline (95% CI)paired (same seed)');
    expect(await page.textContent('#output-hash')).toBe(first);
    const same = await diffCells(page);
    expect(same.length).toBeGreaterThan(3);
    for (const d of same) {
      expect(d.value).toBe(0);
      expect(d.bold).toBe(false);
      expect(d.text).toContain('within noise');
    }

    // A small parameter change: paired intervals, bold exactly when clear of noise for the whole comparison.
    await showParameter(page, 'p_hold_clash');
    await page.locator('#p-p_hold_clash-range').press('ArrowRight');
    await page.click('#run');
    await expect.poll(() => page.textContent('#output-hash'), { timeout: 120_000 }).not.toBe(first);
    await expect.poll(() => diffHeading(page), { timeout: 120_000 }).toBe('Δ vs baseline (95% CI)paired (same seed)');
    expect(await page.textContent('.baseline-note')).toContain('paired');
    const paired = await diffCells(page);
    for (const d of paired) expect(d.bold).toBe(!d.text.includes('within noise'));
    await page.locator('#metrics-table').evaluate((table) => table.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(SCREENSHOTS, 'scenario-compare-paired.png'), fullPage: false });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('#metrics-table td[data-key="diff"]').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'scenario-compare-paired-phone.png'), fullPage: false });
    await page.setViewportSize({ width: 1280, height: 800 });

    // Another seed: the independent interval, labelled as such.
    await page.fill('#seed', '4');
    await page.locator('#seed').dispatchEvent('change');
    await page.click('#run');
    await expect.poll(() => diffHeading(page), { timeout: 120_000 }).toBe('Δ vs baseline (95% CI)independent (different seeds)');
    expect(await page.textContent('.baseline-note')).toContain('independent');
    await page.close();
  });

  it('keeps the trials a cancelled run finished, labelled partial, with a permalink that reproduces them', async () => {
    const page = await newPage();
    const asked = 2_000_000;
    await page.goto(`${server.url}#/scenario/${SCENARIO}?trials=${asked}&seed=3&draws=20`);
    await page.waitForSelector('#run');
    // The run's workers: one per core, at most 8 (workerCount in apps/web/src/engine-client.ts).
    const cores = await page.evaluate(
      () => (globalThis as unknown as { navigator: { hardwareConcurrency: number } }).navigator.hardwareConcurrency,
    );
    const workers = Math.min(cores || 4, 8);
    await page.click('#run');
    // Trials done, in-flight chunks' counted too: past twice the workers' chunks and two more, the first worker's
    // first chunk (chunk 0, which a cancel needs to keep anything) is done unless that worker ran five times slower
    // than another. With workers + 1, a loaded CI machine once cancelled with chunk 0 unfinished and kept nothing.
    // (Waiting for 9 chunks on any machine made this run and the permalink's rerun about three times as long on two cores.)
    await expect
      .poll(() => page.$eval('#progress', (p) => (p as unknown as { value: number }).value), { timeout: 120_000 })
      .toBeGreaterThan(((2 * workers + 2) * CHUNK) / asked);
    await page.click('#cancel');
    await page.waitForSelector('#partial-label', { timeout: 60_000 });
    const status = (await page.textContent('#run-status')) ?? '';
    const m = /^Cancelled; the trials already run are kept: partial: ([\d,]+) of 2,000,000 trials \(cancelled\)\.$/.exec(status);
    expect(m, status).not.toBeNull();
    const kept = Number(m![1]!.replaceAll(',', ''));
    expect(kept % CHUNK).toBe(0);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(asked);
    expect(await page.textContent('#partial-label')).toContain(`of 2,000,000 trials (cancelled)`);
    expect(await page.textContent('#metrics-table caption')).toContain('partial:');
    expect(await page.textContent('#partial-permalink')).toContain('trials actually run');
    const hash = (await page.textContent('#output-hash')) ?? '';
    const link = (await page.getAttribute('#permalink', 'href')) ?? '';
    expect(link).toContain(`trials=${kept}`);
    await page.locator('#receipt').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'scenario-partial.png'), fullPage: false, timeout: 120_000 });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('#run-status').evaluate((status) => status.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(SCREENSHOTS, 'scenario-partial-phone.png'), fullPage: false, timeout: 120_000 });

    // The permalink runs exactly the kept trials and reproduces the receipt.
    const again = await newPage();
    await again.goto(new URL(link, server.url).href);
    await again.waitForSelector('#receipt-check', { timeout: 300_000 });
    expect(await again.textContent('#receipt-check')).toContain('Reproduces the shared result exactly');
    expect(await again.textContent('#output-hash')).toBe(hash);
    await again.close();
    await page.close();
  });

  it('logs no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
