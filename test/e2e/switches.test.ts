import { describe, expect, it } from 'vitest';
import { browserSuite, haveChromium, setEditorText } from '../helpers/browser.ts';

const SCENARIO = 'armenia-azerbaijan-2022';

describe.skipIf(!haveChromium)('switches and choices in Chromium', () => {
  const { open } = browserSuite();

  it('shows replay_calendar as a toggle that writes and reads the permalink', async () => {
    const page = await open(`/scenario/${SCENARIO}?seed=1`);
    const row = page.locator('[data-param="replay_calendar"]');
    await row.waitFor({ timeout: 60_000 });
    expect(await row.locator('input[type="range"]').count()).toBe(0);
    expect(await row.locator('input[type="number"]').count()).toBe(0);
    const toggle = page.locator('#p-replay_calendar-pick');
    expect(await toggle.getAttribute('type')).toBe('checkbox');
    expect(await toggle.isChecked()).toBe(false);
    // The label names it for assistive technology.
    expect(await page.locator('label[for="p-replay_calendar-pick"]').count()).toBe(1);
    await toggle.check();
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash))
      .toContain('set.replay_calendar=1');
    expect(await row.getAttribute('class')).toContain('changed');
    await page.close();

    const linked = await open(`/scenario/${SCENARIO}?seed=1&set.replay_calendar=1`);
    await linked.waitForSelector('#p-replay_calendar-pick');
    expect(await linked.isChecked('#p-replay_calendar-pick')).toBe(true);
    await linked.click('#reset-all');
    expect(await linked.isChecked('#p-replay_calendar-pick')).toBe(false);
    await linked.close();
  });

  it('ignores a permalink value a switch cannot take, saying so', async () => {
    const page = await open(`/scenario/${SCENARIO}?seed=1&set.replay_calendar=0.5`);
    await page.waitForSelector('#permalink-notice', { timeout: 60_000 });
    expect(await page.textContent('#permalink-notice')).toContain('set.replay_calendar=0.5: "replay_calendar" takes 0 or 1; ignored');
    expect(await page.isChecked('#p-replay_calendar-pick')).toBe(false);
    await page.close();
  });

  it('shows a choice as a select with its labels', async () => {
    const page = await open(`/edit/${SCENARIO}`);
    await expect.poll(() => page.textContent('#editor-status'), { timeout: 60_000 }).toContain('valid');
    const original = await page.inputValue('#editor-text');
    const choice = (d: number) =>
      `parameters:\n  fronts:\n    default: ${d}\n    choices: [1, 2, 3]\n    choice_labels: [one front, two fronts, three fronts]\n    provenance: { kind: setting }\n`;
    // A default that is not a choice is a problem in the editor; then the right one makes it valid again.
    await setEditorText(page, original.replace(/^parameters:\n/m, choice(4)));
    await expect.poll(() => page.textContent('#editor-status'), { timeout: 30_000 }).toBe('1 problem to fix.');
    expect(await page.textContent('#editor-issues')).toContain('must be one of its values, 1, 2 or 3');
    await setEditorText(page, original.replace(/^parameters:\n/m, choice(2)));
    await expect.poll(() => page.textContent('#editor-status'), { timeout: 30_000 }).toContain('valid');
    await page.click('#editor-run');
    await page.waitForSelector('#p-fronts-pick', { timeout: 60_000 });
    const labels = await page.$$eval('#p-fronts-pick option', (os) =>
      os.map((o) => `${(o as unknown as { value: string }).value}=${o.textContent}`),
    );
    expect(labels).toEqual(['1=one front', '2=two fronts', '3=three fronts']);
    expect(await page.inputValue('#p-fronts-pick')).toBe('2');
    await page.selectOption('#p-fronts-pick', '3');
    await expect.poll(() => page.locator('[data-param="fronts"]').getAttribute('class')).toContain('changed');
    await page.close();
  });
});
