/**
 * Debian's Chromium, driven by playwright-core (which never downloads a browser), and the web app
 * built for it: one place for the browser tests and the web benchmark.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { ROOT } from './cli.ts';
import { type StaticServer, serveStatic } from './static-server.ts';

export const CHROMIUM = '/usr/bin/chromium';

/** Screenshots of each screen, to look at: docs/screenshots/ locally; on CI, which never writes into the tree, a temporary folder. */
export const SCREENSHOTS = process.env.CI ? join(tmpdir(), 'georisk-screenshots') : join(ROOT, 'docs/screenshots');

/** Whether Debian's Chromium is installed (`apt-get install -y chromium`). */
export const haveChromium = existsSync(CHROMIUM);

/**
 * Launch options for playwright-core: headless, no sandbox (CI runs as root), and none of the
 * background network traffic that this machine's closed network would refuse.
 */
export const CHROMIUM_LAUNCH = {
  executablePath: CHROMIUM,
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

/** Builds the web app into `outDir` with Vite, as `pnpm build` does; throws with Vite's output when it fails. */
export function buildWebApp(outDir: string): void {
  const built = spawnSync(
    process.execPath,
    ['apps/web/node_modules/vite/bin/vite.js', 'build', 'apps/web', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (built.status !== 0) throw new Error(`vite build failed:\n${built.stdout}\n${built.stderr}`);
}

/** What the web bundle is built from: the app, the engine and the scenario library it bundles, and the lockfile. */
const WEB_SOURCES = ['apps/web', 'packages/engine/src', 'scenarios', 'docs/research', 'pnpm-lock.yaml'];

/** A hash of every file the bundle is built from (node_modules and build output left out). */
function webSourceHash(): string {
  const hash = createHash('sha256');
  for (const source of WEB_SOURCES) {
    const root = join(ROOT, source);
    const files = source.includes('.')
      ? [root]
      : readdirSync(root, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => join(e.parentPath, e.name))
          .filter((f) => !/[/\\](node_modules|dist)[/\\]/.test(f))
          .sort();
    for (const file of files) hash.update(file.slice(ROOT.length)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The web app built once for the current sources and shared by every browser test (each suite used to
 * build its own, about a minute of CI apiece). The bundle lives in a temporary folder named by the
 * sources' hash; it is built aside and renamed into place, so a suite never sees half a bundle, and two
 * suites building at once both end up with a complete one. Do not delete it in a test.
 */
export function builtWebApp(): string {
  const dir = join(tmpdir(), `georisk-web-${webSourceHash()}`);
  if (existsSync(join(dir, 'index.html'))) return dir;
  const staging = mkdtempSync(join(tmpdir(), 'georisk-web-build-'));
  buildWebApp(staging);
  try {
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(dir, 'index.html'))) throw error;
  }
  return dir;
}

/** The built web app served as static files, and a Chromium profile at desktop size to open it in. */
export interface StaticBrowser {
  dist: string;
  server: StaticServer;
  context: BrowserContext;
  /** Closes the browser and the server, and removes the profile (never the shared bundle). */
  close(): Promise<void>;
}

/** What every browser suite starts with: the shared bundle, served, and a fresh Chromium profile. */
export async function staticBrowser(): Promise<StaticBrowser> {
  const dist = builtWebApp();
  const server = await serveStatic(dist);
  const profile = mkdtempSync(join(tmpdir(), 'georisk-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { ...CHROMIUM_LAUNCH, viewport: { width: 1280, height: 800 } });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    dist,
    server,
    context,
    async close() {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A browser suite's fixture: its server and profile, pages opened at a hash, and the page errors they raised. */
export interface BrowserSuite {
  readonly server: StaticServer;
  readonly context: BrowserContext;
  /** Errors the suite's pages threw; the suite fails at its end unless there were none. */
  readonly pageErrors: string[];
  /** A new page at `#hash` of the served app, at `viewport` (the profile's 1280×800 by default). */
  open(hash: string, viewport?: { width: number; height: number }): Promise<Page>;
}

/**
 * Registers a suite's `beforeAll`/`afterAll` around `staticBrowser()`: call it inside `describe`. Pages
 * it opens report their errors, and the suite fails at its end unless there were none.
 */
export function browserSuite(): BrowserSuite {
  let browser: StaticBrowser | undefined;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    browser = await staticBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    expect(pageErrors).toEqual([]);
  });
  const started = (): StaticBrowser => {
    if (browser === undefined) throw new Error('the browser suite has not started (call browserSuite() inside describe)');
    return browser;
  };
  return {
    get server() {
      return started().server;
    },
    get context() {
      return started().context;
    },
    pageErrors,
    async open(hash, viewport) {
      const { server, context } = started();
      const page = await context.newPage();
      if (viewport !== undefined) await page.setViewportSize(viewport);
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      await page.goto(`${server.url}#${hash}`);
      return page;
    },
  };
}

/**
 * Waits until every chart on the page has been drawn (they are drawn one per task). Polled from
 * the test, not with `waitForFunction`, whose polling evaluates a string in the page, which the
 * app's Content Security Policy (no eval) refuses.
 */
export async function chartsDrawn(page: Page): Promise<void> {
  await expect
    .poll(() => page.$$eval('figure.chart', (figs) => figs.length > 0 && figs.every((f) => f.getAttribute('data-drawn') === 'true')), {
      timeout: 30_000,
    })
    .toBe(true);
}

/**
 * Opens the fold of the parameter panel that holds parameter `name` (large folds start closed), so
 * its inputs can be used. Evaluated as a function, which the app's Content Security Policy allows.
 */
export async function showParameter(page: Page, name: string): Promise<void> {
  await page.$eval(`[data-param="${name}"]`, (row) => {
    const fold = row.closest('details');
    if (fold) (fold as unknown as { open: boolean }).open = true;
  });
}

/**
 * The options of the selects matching `selector` whose text is wider than the select's room for it
 * (a native select cuts what does not fit): none when every choice reads whole.
 */
export async function cutOptions(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (els) => {
    // The page's DOM, typed by hand: the tests compile without the DOM library.
    type Style = Record<'fontWeight' | 'fontSize' | 'fontFamily' | 'paddingLeft' | 'paddingRight', string>;
    type Canvas = { getContext(kind: '2d'): { font: string; measureText(text: string): { width: number } } };
    const page = globalThis as unknown as { getComputedStyle(e: unknown): Style; document: { createElement(tag: 'canvas'): Canvas } };
    const ctx = page.document.createElement('canvas').getContext('2d');
    return els.flatMap((el) => {
      const select = el as unknown as { clientWidth: number; options: ArrayLike<{ text: string }> };
      const style = page.getComputedStyle(el);
      ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      // The arrow takes about 20 px of the inner width.
      const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
      return Array.from(select.options, (o) => o.text).filter((text) => ctx.measureText(text).width > room);
    });
  });
}

/**
 * Replaces the scenario editor's whole text and fires its `input` event, as a paste or a program
 * would. Playwright's `fill` goes through Chromium's insertText editing command, which takes 13–18 s
 * for the 2022 scenario's 700 lines in headless Chromium (measured); the page sees the same one
 * `input` event either way.
 */
export async function setEditorText(page: Page, text: string): Promise<void> {
  await page.$eval(
    '#editor-text',
    (box, value) => {
      const textarea = box as unknown as { value: string; dispatchEvent(event: Event): boolean };
      textarea.value = value;
      textarea.dispatchEvent(new Event('input', { bubbles: true }));
    },
    text,
  );
}

/**
 * `page.click(selector)`, whose failure says what the page showed: a student's Submit click has
 * timed out (30 s) about once in several full runs under load, never alone, with the inputs before
 * it filled. Should it happen again, the error carries the button's state, what lies on top of its
 * centre and the page's visibility, where Playwright says only that it waited.
 */
export async function clickExplained(page: Page, selector: string): Promise<void> {
  try {
    await page.click(selector);
  } catch (error) {
    const seen = await page
      .evaluate((s) => {
        // The page's DOM, typed by hand: the tests compile without the DOM library.
        type Box = { x: number; y: number; width: number; height: number };
        type El = {
          id: string;
          tagName: string;
          className: string;
          disabled?: boolean;
          textContent: string | null;
          getBoundingClientRect(): Box;
        };
        const win = globalThis as unknown as {
          document: { querySelector(s: string): El | null; elementFromPoint(x: number, y: number): El | null; visibilityState: string };
          innerWidth: number;
          innerHeight: number;
          scrollY: number;
        };
        const el = win.document.querySelector(s);
        const r = el?.getBoundingClientRect();
        const top = r ? win.document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) : null;
        return {
          found: el !== null,
          disabled: el?.disabled,
          text: el?.textContent,
          box: r ? [r.x, r.y, r.width, r.height].map(Math.round) : null,
          onTop: top ? `${top.tagName.toLowerCase()}#${top.id}.${top.className}` : null,
          visibility: win.document.visibilityState,
          viewport: [win.innerWidth, win.innerHeight, Math.round(win.scrollY)],
        };
      }, selector)
      .catch((e: unknown) => `the page did not answer: ${String(e)}`);
    throw new Error(`clicking ${selector} failed; the page showed ${JSON.stringify(seen)}\n${String(error)}`);
  }
}
