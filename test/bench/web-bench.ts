/**
 * The web app's performance in Debian's Chromium (playwright-core, no downloaded browser):
 * 100,000 trials of the 2022 scenario with the longest main-thread task during the run (a
 * long-task observer), the exact preview per slider move, and the size of the built bundle.
 * `pnpm bench:web`; prints a Markdown section for docs/benchmarks.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { PAGE_BAND_DRAWS, PAGE_TRIALS_PER_DRAW } from '../../apps/web/src/band-settings.ts';
import { buildWebApp, CHROMIUM, CHROMIUM_LAUNCH, haveChromium } from '../helpers/browser.ts';
import { serveStatic } from '../helpers/static-server.ts';

if (!haveChromium) {
  console.error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  process.exit(2);
}
const TRIALS = Number(process.env.WEB_BENCH_TRIALS ?? 100_000);

const dist = mkdtempSync(join(tmpdir(), 'georisk-web-bench-'));
buildWebApp(dist);

function bundleSizes(): { file: string; bytes: number; gzip: number }[] {
  const out: { file: string; bytes: number; gzip: number }[] = [];
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path, `${rel}${name}/`);
      else {
        const body = readFileSync(path);
        out.push({ file: `${rel}${name}`.replace(/-[A-Za-z0-9_-]{8}\./, '.'), bytes: body.length, gzip: gzipSync(body).length });
      }
    }
  };
  walk(dist, '');
  return out.sort((a, b) => b.bytes - a.bytes);
}

const server = await serveStatic(dist);
const profile = mkdtempSync(join(tmpdir(), 'georisk-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  ...CHROMIUM_LAUNCH,
  viewport: { width: 1280, height: 800 },
});
// Every long task (over 50 ms) of the page's main thread, from the start.
await context.addInitScript(() => {
  const w = globalThis as unknown as { __longTasks: { start: number; duration: number }[] };
  w.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask' as never, buffered: true });
});

async function longTasksSince(page: Page, since: number): Promise<number[]> {
  return page.evaluate(
    (t) =>
      (globalThis as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks
        .filter((e) => e.start >= t)
        .map((e) => e.duration),
    since,
  );
}
const now = (page: Page) => page.evaluate(() => performance.now());

try {
  const page = await context.newPage();
  await page.goto(`${server.url}#/scenario/armenia-azerbaijan-2022?trials=${TRIALS}&seed=1`);
  await page.waitForSelector('#metrics-table td[data-key="exact"]', { timeout: 120_000 });

  // Monte Carlo: wall time and the main thread's long tasks while it runs.
  const t0 = await now(page);
  await page.click('#run');
  await page.waitForSelector('#output-hash', { timeout: 600_000 });
  const t1 = await now(page);
  const during = await longTasksSince(page, t0);
  const runStatus = (await page.textContent('#run-status')) ?? '';
  // The band across our assumptions follows the run in workers of its own; the preview is timed
  // after it, so that the two do not share the cores.
  await page.waitForSelector('#band[data-seconds]', { timeout: 600_000 });
  const bandSeconds = Number(await page.$eval('#band', (e) => (e as unknown as { dataset: { seconds: string } }).dataset.seconds));
  const duringBand = await longTasksSince(page, t1);

  // Exact preview: ten slider moves, each waited for, timed inside the page from the move (an
  // input event on the slider) to the next frame after the table shows the new exact answer, so
  // no browser-automation round trip is counted.
  async function previewTimes(p: Page, slider: string): Promise<{ roundTrip: number[]; solver: number[]; longest: number }> {
    const roundTrip: number[] = [];
    const solver: number[] = [];
    const since = await now(p);
    for (let i = 0; i < 10; i++) {
      // A string, evaluated in the page: this file is typed without the DOM library.
      const moved: number = await p.evaluate(`new Promise((resolve) => {
        const status = document.querySelector('#exact-status');
        const input = document.querySelector(${JSON.stringify(slider)});
        const before = status.dataset.updates ?? '';
        const observer = new MutationObserver(() => {
          if ((status.dataset.updates ?? '') === before) return;
          observer.disconnect();
          requestAnimationFrame(() => resolve(performance.now() - start));
        });
        observer.observe(status, { attributes: true });
        const start = performance.now();
        input.stepUp();
        input.dispatchEvent(new Event('input', { bubbles: true }));
      })`);
      roundTrip.push(moved);
      solver.push(Number(await p.$eval('#exact-status', (e) => (e as unknown as { dataset: { ms: string } }).dataset.ms)));
    }
    const longs = await longTasksSince(p, since);
    return { roundTrip, solver, longest: Math.max(0, ...longs) };
  }
  const aa = await previewTimes(page, '#p-p_hold_clash-range');
  const kg = await context.newPage();
  await kg.goto(`${server.url}#/scenario/kyrgyz-tajik-2022`);
  await kg.waitForSelector('#metrics-table td[data-key="exact"]', { timeout: 120_000 });
  const kgSlider = await kg.$eval('.param input[type="range"]', (e) => `#${e.id}`);
  const ky = await previewTimes(kg, kgSlider);

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ms = (x: number) => `${Math.round(x)} ms`;
  const sizes = bundleSizes();
  const cpu = cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  const chromiumVersion = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const lines = [
    `### The web app in the browser (\`pnpm bench:web\`)`,
    '',
    `Machine: ${cpu}, ${availableParallelism()} cores; ${chromiumVersion}, headless; ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| measure | value | target |',
    '|---|---|---|',
    `| ${TRIALS.toLocaleString('en-US')} trials of armenia-azerbaijan-2022, Run to numbers shown | ${((t1 - t0) / 1000).toFixed(2)} s (${runStatus.replace(/^Done: /, '')}) | |`,
    `| main-thread long tasks during that run | ${during.length}, longest ${ms(Math.max(0, ...during))} | none over 100 ms |`,
    `| then the band across our assumptions (${PAGE_BAND_DRAWS} draws × ${PAGE_TRIALS_PER_DRAW} trials), from its start after the run to the band shown | ${bandSeconds.toFixed(2)} s | |`,
    `| main-thread long tasks during the band | ${duringBand.length}, longest ${ms(Math.max(0, ...duringBand))} | none over 100 ms |`,
    `| exact preview per slider move, armenia-azerbaijan-2022 (worker request to reply / slider move to the next frame with the new table, median of 10) | ${ms(median(aa.solver))} / ${ms(median(aa.roundTrip))}; longest main-thread task ${ms(aa.longest)} | under 50 ms |`,
    `| exact preview per slider move, kyrgyz-tajik-2022 (worker request to reply / slider move to the next frame with the new table, median of 10) | ${ms(median(ky.solver))} / ${ms(median(ky.roundTrip))}; longest main-thread task ${ms(ky.longest)} | under 50 ms |`,
    ...sizes.map((s) => `| bundle: ${s.file} | ${(s.bytes / 1024).toFixed(0)} KiB (${(s.gzip / 1024).toFixed(0)} KiB gzip) | |`),
    '',
  ];
  console.log(lines.join('\n'));
} finally {
  await context.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
  rmSync(dist, { recursive: true, force: true });
}
