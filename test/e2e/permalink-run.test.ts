/**
 * A permalink with `run=1` in Chromium: it runs any seed the engine takes (up to 2^53 − 1), with the
 * CLI's numbers, and never runs on values it did not give (an unreadable seed, a value a switch cannot take).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, haveChromium } from '../helpers/browser.ts';
import { runCli } from '../helpers/cli.ts';

const TEACHING = 'two-state-border-dispute';

/** Waits for the permalink notice and checks the link's run did not start. */
async function expectNotRun(page: Page): Promise<string> {
  await page.waitForSelector('#permalink-not-run', { timeout: 60_000 });
  // The exact preview has had its turn; a run would have started with the screen.
  expect(await page.isDisabled('#run')).toBe(false);
  expect(await page.isDisabled('#cancel')).toBe(true);
  expect(await page.textContent('#run-status')).toBe('');
  expect(await page.$('#output-hash')).toBeNull();
  return (await page.textContent('#permalink-notice')) ?? '';
}

describe.skipIf(!haveChromium)('a permalink that asks to run at once', () => {
  const { open } = browserSuite();

  it('runs a seed above 2^32 as georisk run does, bit for bit', async () => {
    const page = await open(`/scenario/${TEACHING}?trials=2000&seed=5000000000&run=1`);
    await page.waitForSelector('#output-hash', { timeout: 120_000 });
    expect(await page.$('#permalink-notice')).toBeNull();
    expect(await page.inputValue('#seed')).toBe('5000000000');
    const cli = await runCli([
      'run',
      `scenarios/teaching/${TEACHING}.yaml`,
      '--trials',
      '2000',
      '--seed',
      '5000000000',
      '--format',
      'json',
    ]);
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    const expected = JSON.parse(cli.stdout) as { seed: number; receipt: { outputHash: string } };
    expect(expected.seed).toBe(5_000_000_000);
    expect(await page.textContent('#output-hash')).toBe(expected.receipt.outputHash);
    // The seed box takes it as typed too, up to the engine's largest seed.
    await page.fill('#seed', '9007199254740991');
    await expect.poll(() => page.isDisabled('#run')).toBe(false);
    await page.fill('#seed', '9007199254740993');
    await expect.poll(() => page.textContent('#seed-problem')).toContain('Seed: 9007199254740993 is above 9,007,199,254,740,991');
    expect(await page.isDisabled('#run')).toBe(true);
    await page.close();
  });

  it('does not run on a seed it could not read, or a switch value it ignored, and says so', async () => {
    const seed = await open(`/scenario/${TEACHING}?trials=2000&seed=9007199254740993&run=1`);
    const seedNotice = await expectNotRun(seed);
    expect(seedNotice).toContain('seed=9007199254740993: not a whole number from 0 to 9,007,199,254,740,991; using 1');
    expect(seedNotice).toContain('it was not run');
    await seed.close();

    const switched = await open('/scenario/armenia-azerbaijan-2022?trials=2000&seed=1&set.replay_calendar=0.5&run=1');
    expect(await expectNotRun(switched)).toContain('set.replay_calendar=0.5: "replay_calendar" takes 0 or 1; ignored');
    await switched.close();
  });

  it('drops its note on a value outside the range once the value is reset (it stayed, naming a value no longer there)', async () => {
    const page = await open(`/scenario/${TEACHING}?trials=2000&seed=1&set.calm_clash_rate=0.02`);
    await page.waitForSelector('#permalink-notice', { timeout: 60_000 });
    expect(await page.textContent('#permalink-notice')).toContain('set.calm_clash_rate=0.02');
    await page.click('[data-param="calm_clash_rate"] button.icon');
    await expect.poll(() => page.$('#permalink-notice'), { timeout: 10_000 }).toBeNull();
    await page.close();
  });
});
