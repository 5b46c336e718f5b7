/**
 * The band across our assumptions in Chromium: after a run of the 2022 scenario the page computes
 * 200 parameter draws in its workers, and its headline numbers equal the library's `runUncertainty`
 * for the same seed (computed here); moving a slider takes that parameter out of the band. Screenshots
 * of the headline and drivers at desktop and phone width go to docs/screenshots/; the time the page
 * took is printed (docs/benchmarks.md records it).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_BAND_DRAWS, PAGE_TRIALS_PER_DRAW } from '../../apps/web/src/band-settings.ts';
import { loadScenarioText, type ModuleResolver, runUncertainty } from '../../packages/engine/src/index.ts';
import { buildWebApp, CHROMIUM_LAUNCH, haveChromium, SCREENSHOTS } from '../helpers/browser.ts';
import { type StaticServer, serveStatic } from '../helpers/static-server.ts';

const FILE = resolve(import.meta.dirname, '../../scenarios/armenia-azerbaijan-2022.yaml');

/** Includes resolved on disk, as the CLI resolves them (the page bundles the same files). */
const resolveModule: ModuleResolver = (ref, from) => {
  for (const candidate of [ref, `${ref}.yaml`]) {
    const path = resolve(dirname(from ?? FILE), candidate);
    if (existsSync(path) && statSync(path).isFile()) return { text: readFileSync(path, 'utf8'), file: path };
  }
  return undefined;
};
const BAND_TIMEOUT = 400_000;

/** The numbers each headline line carries, by metric. */
async function shownBand(page: Page): Promise<Record<string, Record<string, number>>> {
  return page.$$eval('#band .band-line', (lines) =>
    Object.fromEntries(
      lines.map((l) => [
        l.getAttribute('data-metric'),
        Object.fromEntries(['mean', 'se', 'p5', 'p95'].map((k) => [k, Number(l.getAttribute(`data-${k}`))])),
      ]),
    ),
  );
}

describe.skipIf(!haveChromium)('the band in Chromium', () => {
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
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it('shows the library band for the same seed, and a moved slider leaves it', async () => {
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(server.url);
    await page.click('li[data-id="armenia-azerbaijan-2022"] h2 a');
    await page.waitForSelector('#scenario-title');
    await page.click('#run');
    await page.waitForSelector('#band .band-line', { timeout: BAND_TIMEOUT });
    const seed = Number(await page.getAttribute('#band', 'data-seed'));
    const seconds = Number(await page.getAttribute('#band', 'data-seconds'));
    console.log(`band in the page: ${PAGE_BAND_DRAWS} draws × ${PAGE_TRIALS_PER_DRAW} trials in ${seconds.toFixed(1)} s`);
    const shown = await shownBand(page);

    const { scenario } = loadScenarioText(readFileSync(FILE, 'utf8'), { file: FILE, resolveModule });
    const library = await runUncertainty(scenario, { draws: PAGE_BAND_DRAWS, trialsPerDraw: PAGE_TRIALS_PER_DRAW, seed });
    expect(Object.keys(shown).sort()).toEqual(Object.keys(library.metrics).sort());
    for (const [name, m] of Object.entries(library.metrics)) {
      expect(shown[name], name).toEqual({ mean: m.overall.mean, se: m.overall.se, p5: m.band.p5, p95: m.band.p95 });
    }
    await page.locator('#band').screenshot({ path: join(SCREENSHOTS, 'band-desktop.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('#band').screenshot({ path: join(SCREENSHOTS, 'band-phone.png') });
    await page.setViewportSize({ width: 1280, height: 800 });

    const slider = page.locator('#p-p_hold_clash-range');
    await slider.focus();
    for (let i = 0; i < 10; i++) await slider.press('ArrowRight');
    await page.click('#run');
    await expect.poll(() => page.textContent('#band .band-params'), { timeout: BAND_TIMEOUT }).toMatch(/Fixed by the panel.*p_hold_clash/);
    expect(await page.textContent('#band .band-params')).not.toMatch(/Still uncertain[^.]*p_hold_clash/);
    expect(pageErrors).toEqual([]);
  }, 900_000);
});
