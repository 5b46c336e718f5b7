/**
 * A classroom exercise end to end in Debian's Chromium: the API server serves the built web app;
 * a teacher and three students, each in their own browser context (separate storage, like
 * separate devices), run the 2022 border-escalation template from setup to debrief. The scores
 * the debrief shows must equal the engine's scoring functions applied to the forecasts typed and
 * the engine answers shown. Screenshots of each screen go to docs/screenshots/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../apps/api/src/app.ts';
import { expectedAbsoluteError, expectedBrier, expectedLog } from '../../packages/engine/src/classroom.ts';
import { builtWebApp, CHROMIUM_LAUNCH, chartsDrawn, clickExplained, cutOptions, haveChromium, SCREENSHOTS } from '../helpers/browser.ts';
import { afterNextPoll, STUDENT_POLL_MS, TEACHER_POLL_MS } from '../helpers/poll-clock.ts';

type App = Awaited<ReturnType<typeof buildApp>>;

/** What each student types: probabilities in percent, deaths as a number, and their team's choices. */
const STUDENTS = [
  {
    name: 'Ana',
    team: 'Armenian government',
    forecasts: { war: 20, truce48: 60, pipeline: 5, csto_troops: 10, armenian_deaths: 300 },
    choices: { csto_request: 'hold' },
  },
  {
    name: '<img src=x onerror=alert(1)>',
    team: 'Azerbaijani government and SOCAR',
    forecasts: { war: 35, truce48: 40, pipeline: 90, csto_troops: 2, armenian_deaths: 150 },
    choices: { offensive: 'halt', pipeline: 'shut' },
  },
  {
    name: 'Zoë',
    team: 'US, France and EU mediators',
    forecasts: { war: 12.5, truce48: 75, pipeline: 3, csto_troops: 3, armenian_deaths: 225 },
    choices: { mediation: 'shuttle' },
  },
];

describe.skipIf(!haveChromium)('a classroom exercise in Chromium', () => {
  let dist: string;
  let dataDir: string;
  let app: App;
  let url: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const confirmations: string[] = [];

  beforeAll(async () => {
    dist = builtWebApp();
    dataDir = mkdtempSync(join(tmpdir(), 'georisk-class-e2e-'));
    app = await buildApp({ dataDir, webDir: dist, pressure: false, pool: { threads: 1 } });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    url = `${address}/`;
    browser = await chromium.launch(CHROMIUM_LAUNCH);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** A page whose errors fail the test (`watched`), or one expected to meet a refusal, like a removed student's. */
  async function newPage(viewport = { width: 1280, height: 800 }, watched = true): Promise<Page> {
    const context = await browser.newContext({ viewport, acceptDownloads: true });
    contexts.push(context);
    // A clock the test can move on to the page's next poll (helpers/poll-clock.ts); it flows as usual otherwise.
    await context.clock.install();
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('dialog', (d) => {
      // The confirmations the teacher is meant to see are accepted and recorded; any other dialog is an error.
      if (/Reveal now and close submissions|from the class\?/.test(d.message())) {
        confirmations.push(d.message());
        void d.accept();
        return;
      }
      pageErrors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('console', (m) => {
      if (m.type() === 'error' && watched) pageErrors.push(m.text());
    });
    return page;
  }

  it('runs from setup to debrief with a teacher and three students, and the debrief shows the engine’s scores', async () => {
    // The teacher sets the 2022 exercise.
    const teacher = await newPage();
    await teacher.goto(`${url}#/teach`);
    await teacher.waitForSelector('input[name="template"][value="border-escalation-2022"]');
    await teacher.check('input[name="template"][value="border-escalation-2022"]');
    await expect.poll(() => teacher.inputValue('#ex-title')).toBe('Two days in September: the 2022 border escalation');
    await teacher.fill('#ex-minutes', '30');
    await teacher.selectOption('#ex-trials', '5000');
    await teacher.screenshot({ path: join(SCREENSHOTS, 'classroom-setup.png'), fullPage: true });
    await teacher.click('#create-exercise');
    await teacher.waitForSelector('#join-code');
    const code = (await teacher.textContent('#join-code'))?.trim() ?? '';
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    const teacherHash = await teacher.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash);
    expect(teacherHash).toMatch(/^#\/teach\/[0-9a-f-]{36}\?token=[A-Za-z0-9_-]{43}$/);
    await teacher.screenshot({ path: join(SCREENSHOTS, 'classroom-teacher-dashboard.png') });

    // Three students join in their own contexts; the last one at phone width, with the keyboard only.
    const pages: Page[] = [];
    for (const [i, s] of STUDENTS.entries()) {
      const page = await newPage(i === 2 ? { width: 390, height: 844 } : { width: 1280, height: 800 });
      await page.goto(`${url}#/join`);
      await page.waitForSelector('#join-code-input');
      if (i === 2) {
        await page.focus('#join-code-input');
        await page.keyboard.type(code.toLowerCase());
        await page.keyboard.press('Tab');
        await page.keyboard.type(s.name);
        await page.keyboard.press('Enter');
      } else {
        await page.fill('#join-code-input', code);
        await page.fill('#join-name', s.name);
        if (i === 0) await page.screenshot({ path: join(SCREENSHOTS, 'classroom-join.png') });
        await page.click('#join-button');
      }
      await page.waitForSelector('#submission-form');
      expect(await page.textContent('#whoami')).toContain(s.team);
      expect(await page.textContent('#whoami')).toContain(s.name);
      pages.push(page);
    }
    // A second join with a taken name (here differing only in case) is refused with a clear message.
    const dup = await newPage();
    await dup.goto(`${url}#/join?code=${code}`);
    await dup.fill('#join-name', 'ana');
    await dup.click('#join-button');
    await expect.poll(() => dup.textContent('#join-message [role=alert]')).toContain('already used in this class');
    // A student page's header leads back to joining, not to the teacher's setup.
    expect(await dup.getAttribute('a.class-link', 'href')).toBe('#/join');
    // A field's problem is named by the form's label, not the API's field name.
    await dup.fill('#join-code-input', 'abc');
    await dup.fill('#join-name', 'Dana');
    await dup.click('#join-button');
    await expect.poll(() => dup.textContent('#join-message [role=alert]')).toMatch(/^Join code: /);

    // This server listens on loopback only: the projected join panel says students cannot reach it, and how to fix it.
    await expect.poll(() => teacher.textContent('#join-loopback')).toContain('--host 0.0.0.0');

    // A ghost joins (a test join, a lost device); the teacher removes it after a confirmation.
    const ghost = await newPage(undefined, false);
    await ghost.goto(`${url}#/join?code=${code}`);
    await ghost.fill('#join-name', 'Ghost');
    await ghost.click('#join-button');
    await ghost.waitForSelector('#submission-form');
    const ghostRow = teacher.locator('#roster li', { hasText: 'Ghost' });
    await afterNextPoll(teacher, TEACHER_POLL_MS, () => ghostRow.isVisible(), 20_000).toBe(true);
    await ghostRow.getByRole('button', { name: 'remove Ghost' }).click();
    await expect.poll(() => teacher.locator('#roster li', { hasText: 'Ghost' }).count(), { timeout: 20_000 }).toBe(0);
    expect(confirmations.at(-1)).toContain('Remove Ghost from the class?');
    await ghost.reload();
    await expect.poll(() => ghost.textContent('[role=alert]')).toContain('the teacher may have removed you');
    await ghost.close();

    // Each student's team choice shows every team's name whole ("Azerbaijani government and SOCAR"), wide and on a phone.
    expect(await teacher.locator('#roster select').count()).toBe(3);
    expect(await cutOptions(teacher, '#roster select')).toEqual([]);
    await teacher.setViewportSize({ width: 390, height: 844 });
    expect(await cutOptions(teacher, '#roster select')).toEqual([]);
    expect(await teacher.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await teacher.setViewportSize({ width: 1280, height: 800 });

    for (const [i, s] of STUDENTS.entries()) {
      const page = pages[i]!;
      for (const [lever, option] of Object.entries(s.choices)) await page.check(`input[name="lever-${lever}"][value="${option}"]`);
      // A probability above 100% is refused with the question named, and the cursor put back in its field.
      await page.fill('#forecast-war', '120');
      for (const [q, v] of Object.entries(s.forecasts)) if (q !== 'war') await page.fill(`#forecast-${q}`, String(v));
      await clickExplained(page, '#submit-answers');
      await expect
        .poll(() => page.textContent('#student-message [role=alert]'))
        .toContain('full-scale war within 30 days": give a percentage from 0 to 100');
      expect(await page.$eval(':focus', (el) => el.id)).toBe('forecast-war');
      // Said at the field too, where a phone's user scrolled to it sees it; gone once it is right.
      expect(await page.textContent('.question:has(#forecast-war) .field-problem')).toContain('give a percentage from 0 to 100');
      if (i === 2) await page.screenshot({ path: join(SCREENSHOTS, 'classroom-student-form-error-phone.png') });
      await page.fill('#forecast-war', String(s.forecasts.war));
      await clickExplained(page, '#submit-answers');
      await expect.poll(() => page.textContent('#saved-status')).toContain('Saved at');
      expect(await page.$$('.field-problem')).toHaveLength(0);
      if (i === 0) await page.screenshot({ path: join(SCREENSHOTS, 'classroom-student-form.png'), fullPage: true });
      if (i === 2) await page.screenshot({ path: join(SCREENSHOTS, 'classroom-student-form-phone.png'), fullPage: true });
    }

    // Ana loses her tab: a new tab in the same browser, joining again under her name, resumes her with her answers.
    const again = await pages[0]!.context().newPage();
    await again.goto(`${url}#/join?code=${code}`);
    await again.fill('#join-name', 'Ana');
    await again.click('#join-button');
    await again.waitForSelector('#submission-form');
    expect(await again.inputValue('#forecast-truce48')).toBe('60');
    await again.close();

    // The teacher sees three submissions, then reveals.
    await afterNextPoll(teacher, TEACHER_POLL_MS, () => teacher.textContent('#submitted-count'), 20_000).toContain(
      '3 of 3 students have submitted',
    );
    await teacher.screenshot({ path: join(SCREENSHOTS, 'classroom-teacher-dashboard.png') });
    const started = performance.now();
    await teacher.click('#reveal');
    await teacher.waitForSelector('#leaderboard', { timeout: 120_000 });
    // Everyone had submitted, but the deadline was 30 minutes away: the teacher was asked first.
    expect(confirmations.at(-1)).toMatch(/^submissions stay open until .*\. Reveal now and close submissions for everyone\?$/);
    const revealSeconds = (performance.now() - started) / 1000;
    console.log(`reveal of the 2022 exercise (2 × 5,000 trials, 1 worker thread) took ${revealSeconds.toFixed(1)} s in the browser`);
    await chartsDrawn(teacher);
    await teacher.screenshot({ path: join(SCREENSHOTS, 'classroom-debrief-teacher.png'), fullPage: true });
    await teacher.locator('.question-grid').screenshot({ path: join(SCREENSHOTS, 'classroom-debrief-questions.png') });
    await teacher.locator('#leaderboard').screenshot({ path: join(SCREENSHOTS, 'classroom-debrief-leaderboard.png') });

    // The class's decisions were applied: the pipeline was shut in nearly every trial.
    expect(await teacher.textContent('#class-decisions tr[data-lever="pipeline"] [data-key="decision"]')).toBe(
      'Shut them while the fighting lasts',
    );
    const pipelineChange = Number(
      await teacher.getAttribute('#effects tr[data-question="pipeline"] [data-key="difference"]', 'data-value'),
    );
    expect(pipelineChange).toBeGreaterThan(0.9);

    // Each student's scores equal the engine's functions on what they typed and the answers shown.
    const answer = async (page: Page, q: string) =>
      Number(await page.getAttribute(`[data-question="${q}"] [data-key="answer"]`, 'data-value'));
    const probabilityQuestions = ['war', 'truce48', 'pipeline', 'csto_troops'] as const;
    const p = Object.fromEntries(await Promise.all(probabilityQuestions.map(async (q) => [q, await answer(teacher, q)] as const)));
    for (const q of probabilityQuestions) expect(p[q]).toBeGreaterThanOrEqual(0);
    const rows = await teacher.$$eval('#leaderboard tbody tr:not(.crowd)', (trs) =>
      trs.map((tr) => ({
        name: tr.querySelector('th')?.textContent ?? '',
        brier: Number(tr.querySelector('[data-key="brier"]')?.getAttribute('data-value')),
        log: Number(tr.querySelector('[data-key="log"]')?.getAttribute('data-value')),
        rank: Number(tr.querySelector('[data-key="rank"]')?.getAttribute('data-value')),
      })),
    );
    expect(rows).toHaveLength(3);
    for (const s of STUDENTS) {
      const row = rows.find((r) => r.name === s.name);
      expect(row, s.name).toBeDefined();
      const briers = probabilityQuestions.map((q) => expectedBrier(s.forecasts[q] / 100, p[q]!));
      const logs = probabilityQuestions.map((q) => expectedLog(s.forecasts[q] / 100, p[q]!));
      expect(row?.brier).toBeCloseTo(briers.reduce((a, b) => a + b, 0) / briers.length, 12);
      expect(row?.log).toBeCloseTo(logs.reduce((a, b) => a + b, 0) / logs.length, 12);
    }
    expect(rows.map((r) => r.rank)).toEqual([1, 2, 3]);
    // The quantity score in the CSV equals the expected absolute error over the stored outcome grid.
    const token = teacherHash.split('token=')[1] as string;
    const id = (teacherHash.match(/teach\/([0-9a-f-]{36})/) as RegExpMatchArray)[1] as string;
    const stored = (await (await fetch(`${url}api/exercises/${id}/debrief`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      debrief: { questions: { id: string; outcome: { grid?: number[] } }[] };
      receipts: { withDecisions: { seed: number; trials: number } };
    };
    expect(stored.receipts.withDecisions).toMatchObject({ seed: 2022, trials: 5000 });
    const grid = stored.debrief.questions.find((q) => q.id === 'armenian_deaths')!.outcome.grid!;
    const download = teacher.waitForEvent('download');
    await teacher.click('#download-csv');
    const csv = readFileSync((await (await download).path()) as string, 'utf8');
    const anaDeaths = csv.split('\n').find((l) => l.includes(',Ana,') && l.includes(',armenian_deaths,')) as string;
    expect(Number(anaDeaths.split(',')[9])).toBeCloseTo(expectedAbsoluteError(300, grid), 9);

    // Names are text everywhere: the would-be tag is shown, never parsed.
    for (const page of [teacher, ...pages]) expect(await page.$$('img')).toHaveLength(0);
    expect(await teacher.textContent('#leaderboard')).toContain('<img src=x onerror=alert(1)>');

    // Each student's page turns into the debrief with their own row highlighted.
    for (const [i, page] of pages.entries()) {
      await afterNextPoll(page, STUDENT_POLL_MS, async () => (await page.$('#leaderboard')) !== null).toBe(true);
      expect(await page.textContent('#leaderboard tr.me th')).toContain(STUDENTS[i]?.name);
      const own = Number(await page.getAttribute('#my-scores tr[data-question="war"] [data-key="brier"]', 'data-value'));
      expect(own).toBe(expectedBrier(STUDENTS[i]!.forecasts.war / 100, p.war!));
    }
    await chartsDrawn(pages[2]!);
    await pages[2]?.screenshot({ path: join(SCREENSHOTS, 'classroom-debrief-phone.png'), fullPage: true });
    // Nothing is wider than a phone's screen (tables scroll inside their own box).
    expect(await pages[2]?.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await teacher.emulateMedia({ media: 'print' });
    expect(await teacher.isVisible('header.top')).toBe(false);
    expect(await teacher.isVisible('#download-csv')).toBe(false);
    // The debrief itself prints (a rule for the scenario page's brief once hid the whole app).
    expect(await teacher.isVisible('#leaderboard')).toBe(true);
    await teacher.screenshot({ path: join(SCREENSHOTS, 'classroom-debrief-print.png'), fullPage: true });
    expect(pageErrors.filter((e) => !e.includes('409') && !e.includes('400'))).toEqual([]);
  });
});
