/**
 * How fast the web panel's exact tornado follows the sliders: Chromium (playwright-core), the 2022
 * scenario's war_reached tornado, then a parameter it reads and one it cannot read moved in turn;
 * prints the panel's status after each update (its "in N ms" is from the request to the answer, in
 * the worker; "seen after" adds the 150 ms debounce and the polling).
 * Run: node --import tsx test/bench/tornado-follow-bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { buildWebApp, CHROMIUM_LAUNCH } from '../helpers/browser.ts';
import { serveStatic } from '../helpers/static-server.ts';

const dist = mkdtempSync(join(tmpdir(), 'tornado-dist-'));
buildWebApp(dist);
const server = await serveStatic(dist);
const browser = await chromium.launch(CHROMIUM_LAUNCH);
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await page.goto(`${server.url}#/scenario/armenia-azerbaijan-2022?seed=3`);
await page.waitForSelector('#sens-run');
await page.selectOption('#sens-metric', 'war_reached');
const t0 = Date.now();
await page.click('#sens-run');
while (!/^Done/.test((await page.textContent('#sens-status')) ?? '')) await page.waitForTimeout(50);
console.log('analyse', Date.now() - t0, 'ms:', await page.textContent('#sens-status'));
await page.waitForTimeout(3000);
const moves: [string, string][] = [];
for (let k = 0; k < 6; k++)
  moves.push(['offensive_escalation_rate', String(0.003 + k * 0.0005)], ['armenian_fatality_rate', String(2 + k * 0.5)]);
let n = 0;
for (const [p, v] of moves) {
  const t = Date.now();
  await page.locator(`#p-${p}-range`).fill(v);
  n++;
  while (Number((await page.getAttribute('section.sensitivity', 'data-updates')) ?? 0) < n) await page.waitForTimeout(10);
  console.log(
    p.padEnd(26),
    'seen after',
    String(Date.now() - t).padStart(5),
    'ms (incl. 150 ms debounce):',
    await page.textContent('#sens-status'),
  );
  await page.waitForTimeout(300);
}
await browser.close();
await server.close();
rmSync(dist, { recursive: true, force: true });
