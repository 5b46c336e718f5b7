/**
 * Sources in the browser (issue 18): a scenario's and a parameter's sources show as links; web
 * addresses and the research notes open in a new tab with rel=noopener; the notes the links name are
 * in the static build; the description names the switch, not a command-line flag.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, haveChromium, showParameter } from '../helpers/browser.ts';

describe.skipIf(!haveChromium)('sources as links in Chromium', () => {
  const suite = browserSuite();
  const { open } = suite;

  /** The links of a list of sources: text, href, target and rel. */
  function links(page: Page, selector: string) {
    return page.$$eval(selector, (as) =>
      as.map((a) => ({
        text: a.textContent ?? '',
        href: a.getAttribute('href') ?? '',
        target: a.getAttribute('target'),
        rel: a.getAttribute('rel') ?? '',
      })),
    );
  }

  it("links the scenario's and a parameter's sources, each opening in a new tab with rel=noopener", async () => {
    const page = await open('/scenario/armenia-azerbaijan-2022?seed=1');
    await page.waitForSelector('details.about-scenario', { timeout: 60_000 });
    const description = (await page.textContent('details.about-scenario p')) ?? '';
    expect(description).toContain('Replay the truce call of 14 September');
    expect(description).not.toMatch(/--\w/);

    const scenarioLinks = await links(page, 'details.about-scenario ul.sources a');
    expect(scenarioLinks.map((l) => l.href)).toEqual([
      'docs/research/caucasus.md',
      'https://caspianpost.com/en/post/news/caspian-region/armenia-and-azerbaijan-clash-again-as-foreign-peace-efforts-intensify',
    ]);
    const paramLinks = await links(page, '[data-param="russia_attempt_rate"] details.about a');
    // The derivation names the note, and so does the source.
    expect(paramLinks.map((l) => l.href)).toEqual([
      'docs/research/caucasus.md#44-ceasefire-attempts',
      'docs/research/caucasus.md#44-ceasefire-attempts',
    ]);
    for (const l of [...scenarioLinks, ...paramLinks]) {
      expect(l.target).toBe('_blank');
      expect(l.rel.split(' ')).toContain('noopener');
    }
    await page.close();
  });

  it('opens the research note a link names, from the static build, as text', async () => {
    const page = await open('/scenario/armenia-azerbaijan-2022?seed=1');
    const row = page.locator('[data-param="russia_attempt_rate"]');
    await row.waitFor({ state: 'attached', timeout: 60_000 });
    // Its parameter fold may start closed.
    await showParameter(page, 'russia_attempt_rate');
    await row.locator('details.about summary').click();
    const [tab] = await Promise.all([suite.context.waitForEvent('page'), row.locator('ul.sources a').first().click()]);
    await tab.waitForLoadState();
    expect(tab.url()).toBe(`${suite.server.url}docs/research/caucasus.md#44-ceasefire-attempts`);
    expect(await tab.textContent('body')).toContain('### 4.4 Ceasefire attempts');
    // The note cannot reach back into the app's tab.
    expect(await tab.evaluate(() => (globalThis as unknown as { opener: unknown }).opener)).toBeNull();
    await tab.close();
    await page.close();
  });
});
