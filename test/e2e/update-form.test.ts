/**
 * The update panel's form, progress and exact column in Chromium: observations entered field by
 * field with the text following (and the text's edits coming back), each field checked as typed,
 * the update's progress bar and Cancel, and the exact conditional's metrics equal to the CLI's.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpdateAnswer } from '../../packages/engine/src/index.ts';
import { browserSuite, haveChromium, SCREENSHOTS } from '../helpers/browser.ts';
import { REFERENCE, runCli, type Scratch, scratchDir } from '../helpers/cli.ts';

describe.skipIf(!haveChromium)('the update form, its progress and the exact conditional, in Chromium', () => {
  const suite = browserSuite();
  let scratch: Scratch;

  beforeAll(() => {
    scratch = scratchDir('georisk-update-form-');
  });

  afterAll(() => {
    scratch?.remove();
  });

  async function open(hash: string, viewport?: { width: number; height: number }): Promise<Page> {
    const page = await suite.open(hash, viewport);
    await page.waitForSelector('#obs-add', { timeout: 60_000 });
    return page;
  }

  const text = (page: Page) => page.inputValue('#obs-text');
  /** The update's progress bar, 0 to 1. */
  const progress = (page: Page) => page.$eval('#obs-progress', (e) => (e as unknown as { value: number }).value);
  const error = (page: Page, id: string) => page.textContent(`#${id}-error`).then((t) => t ?? '');

  it('enters observations field by field, the text following; checks each field as typed; the text’s edits come back', async () => {
    // At a phone's width: the form must fit it.
    const page = await open('/scenario/caucasus-reference?trials=2000&seed=3', { width: 390, height: 844 });
    await page.click('#obs-add');
    await page.selectOption('#obs-r0-track', 'conflict');
    await page.check('#obs-r0-states input[value="clash"]');
    await page.check('#obs-r0-states input[value="war"]');
    // A time past the horizon is named as typed, then cleared when fixed.
    await page.fill('#obs-r0-at', '500');
    expect(await error(page, 'obs-r0-at')).toBe('Row 1, time: 500 is past the horizon (90 days)');
    expect(await page.getAttribute('#obs-r0-at', 'aria-invalid')).toBe('true');
    expect(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
    await page.$eval('#obs-form', (e) => e.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(SCREENSHOTS, 'update-form-error-390x844.png') });
    await page.fill('#obs-r0-at', '2');
    expect(await error(page, 'obs-r0-at')).toBe('');
    expect(await text(page)).toContain('- { at: 2, track: "conflict", state: ["clash", "war"] }');

    await page.click('#obs-add');
    await page.selectOption('#obs-r1-kind', 'range');
    await page.selectOption('#obs-r1-variable', 'fatalities');
    await page.fill('#obs-r1-at', '5');
    await page.fill('#obs-r1-min', 'abc');
    expect(await error(page, 'obs-r1-min')).toBe('Row 2, lowest value: "abc" is not a number');
    await page.fill('#obs-r1-min', '10');
    await page.fill('#obs-r1-max', '5000');
    expect(await text(page)).toContain('variable: "fatalities", range: [10, 5000]');

    await page.click('#obs-add');
    await page.selectOption('#obs-r2-kind', 'reported');
    await page.selectOption('#obs-r2-variable', 'fatalities');
    await page.fill('#obs-r2-at', '6');
    await page.fill('#obs-r2-reported', '120');
    await page.fill('#obs-r2-sd', '0');
    expect(await error(page, 'obs-r2-sd')).toBe('Row 3, reporting error (sd): the reporting error must be above 0');
    await page.fill('#obs-r2-sd', '30');
    await page.fill('#obs-r2-label', 'a reported toll');
    expect(await text(page)).toContain('reported: 120, error: { dist: normal, sd: 30 }, label: "a reported toll"');
    await page.fill('#obs-asof', '1');
    expect(await error(page, 'obs-asof')).toBe('As of: 1 is before the last observation (t = 6)');
    await page.fill('#obs-asof', '8');
    expect(await text(page)).toContain('as_of: 8');
    // The timeline shows the rows; the engine reads the text the form wrote.
    expect(await page.locator('#obs-form-timeline .obs-mark').count()).toBe(3);
    expect(await page.textContent('#obs-form-timeline .obs-list')).toContain('a reported toll');
    await page.waitForSelector('#obs-ok', { timeout: 30_000 });

    // A row removed leaves the text; an edit of the text comes back to the form.
    await page.click('[data-remove="1"]');
    expect(await page.locator('#obs-rows > li').count()).toBe(2);
    expect(await text(page)).not.toContain('range:');
    await page.fill('#obs-text', (await text(page)).replace('at: 2,', 'at: 3,'));
    await expect.poll(() => page.inputValue('#obs-r0-at'), { timeout: 30_000 }).toBe('3');
    expect(await page.isChecked('#obs-r0-states input[value="war"]')).toBe(true);
    expect(await page.inputValue('#obs-r1-label')).toBe('a reported toll');
    await page.close();
  });

  it('shows the exact conditional’s metrics beside the sampled ones, equal to the CLI’s, on a Markov scenario', async () => {
    const page = await open('/scenario/caucasus-reference?trials=2000&seed=3');
    await page.click('#obs-add');
    await page.selectOption('#obs-r0-track', 'conflict');
    await page.check('#obs-r0-states input[value="clash"]');
    await page.check('#obs-r0-states input[value="war"]');
    await page.fill('#obs-r0-at', '4');
    await page.waitForSelector('#obs-ok', { timeout: 30_000 });
    await page.click('#obs-run');
    await page.waitForSelector('#obs-metrics', { timeout: 120_000 });
    const observed = scratch.write('form.yaml', await text(page));
    const cli = await runCli(['update', REFERENCE, '--observed', observed, '--trials', '2000', '--seed', '3', '--format', 'json']);
    expect(cli.status).toBe(0);
    const answer = JSON.parse(cli.stdout) as UpdateAnswer;
    const exact = answer.exact!;
    expect(Object.keys(exact.metrics).length).toBeGreaterThan(0);
    for (const [name, m] of Object.entries(exact.metrics)) {
      const shown = await page.getAttribute(`#obs-metrics tr[data-metric="${name}"] td[data-key="exact"]`, 'data-value');
      expect(Number(shown), name).toBe(m.probability ?? m.mean);
    }
    for (const name of Object.keys(exact.unavailable)) {
      expect(await page.getAttribute(`#obs-metrics tr[data-metric="${name}"] td[data-key="exact"]`, 'title'), name).toBe(
        exact.unavailable[name],
      );
      // The reason is also written out beneath the table (a tooltip does not reach a phone).
      expect(await page.textContent(`#obs-exact-gaps li[data-metric="${name}"]`)).toContain(exact.unavailable[name]);
    }
    await page.close();
  });

  it('shows the update’s progress (trial runs done of both passes) and cancels it', async () => {
    // 50,000 trials: each pass reports progress every 512 trials, so the bar is seen part way through the
    // first pass and past half way in the second with seconds to spare for Cancel, where 200,000 trials
    // spent most of this test's time running the first pass to its end.
    const page = await open('/scenario/armenia-azerbaijan-2022?trials=50000&seed=3');
    await page.click('#obs-examples button[data-file$="hour36-events.yaml"]');
    await page.waitForSelector('#obs-ok', { timeout: 60_000 });
    await page.click('#obs-run');
    await expect.poll(() => progress(page), { timeout: 120_000 }).toBeGreaterThan(0);
    const status = (await page.textContent('#obs-status')) ?? '';
    expect(status).toMatch(/^Updating: (weighing|replaying the resampled) trials, [\d,]+ of 100,000 trial runs…$/);
    const value = await progress(page);
    expect(value).toBeGreaterThan(0);
    expect(value).toBeLessThan(1);
    // The second pass (replaying the resampled trials) moves the bar on past half way.
    await expect.poll(() => progress(page), { timeout: 240_000 }).toBeGreaterThan(0.5);
    expect(await page.textContent('#obs-status')).toMatch(/^Updating: replaying the resampled trials, [\d,]+ of 100,000 trial runs…$/);
    await page.click('#obs-cancel');
    await expect.poll(() => page.textContent('#obs-status'), { timeout: 30_000 }).toBe('Cancelled.');
    expect(await progress(page)).toBe(0);
    expect(await page.isEnabled('#obs-run')).toBe(true);
    await page.close();
  });
});
