/**
 * A two-turn seminar end to end in Debian's Chromium: a teacher and three students (each in their
 * own browser context) play the shipped 2022 seminar. Turn 1 at 00:05 on 13 September, turn 2 on
 * the morning of 14 September, then the debrief with the turns, the team payoffs beside no action
 * and the questions against what happened. Screenshots of the teacher's dashboard in each turn, a
 * student's turn-2 form and the debrief, at 1280×800 and 390×844, go to docs/screenshots/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../apps/api/src/app.ts';
import { brierScore } from '../../packages/engine/src/scoring.ts';
import { seriousViolations } from '../helpers/axe.ts';
import { builtWebApp, CHROMIUM_LAUNCH, chartsDrawn, clickExplained, haveChromium, SCREENSHOTS } from '../helpers/browser.ts';
import { afterNextPoll, STUDENT_POLL_MS, TEACHER_POLL_MS } from '../helpers/poll-clock.ts';

type App = Awaited<ReturnType<typeof buildApp>>;

const WIDE = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** The students in join order: the server puts each in the smallest team, so Armenia, Azerbaijan, Russia. */
const STUDENTS = [
  {
    name: 'Ana',
    team: 'Armenia',
    t1: { war_t1: 20, truce48_t1: 60, pipeline_t1: 5, deaths_t1: 300 },
    t2: { truce48_t2: 55, csto_t2: 5, deaths_t2: 250 },
  },
  {
    name: 'Bo',
    team: 'Azerbaijan',
    t1: { war_t1: 35, truce48_t1: 40, pipeline_t1: 20, deaths_t1: 150 },
    t2: { truce48_t2: 30, csto_t2: 2, deaths_t2: 180 },
    c1: { offensive: 'press', pipeline: 'keep' },
  },
  {
    name: 'Zoë',
    team: 'Russia',
    t1: { war_t1: 10, truce48_t1: 75, pipeline_t1: 3, deaths_t1: 120 },
    t2: { truce48_t2: 80, csto_t2: 8, deaths_t2: 140 },
    c2: { russia_answer: 'troops' },
  },
];

describe.skipIf(!haveChromium)('a two-turn seminar in Chromium', () => {
  let dataDir: string;
  let app: App;
  let url: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const dist = builtWebApp();
    dataDir = mkdtempSync(join(tmpdir(), 'georisk-seminar-e2e-'));
    app = await buildApp({ dataDir, webDir: dist, pressure: false, pool: { threads: 1 } });
    url = `${await app.listen({ port: 0, host: '127.0.0.1' })}/`;
    browser = await chromium.launch(CHROMIUM_LAUNCH);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function newPage(viewport = WIDE): Promise<Page> {
    // bypassCSP lets axe-core be injected; the app itself runs under its CSP in the other browser tests.
    const context = await browser.newContext({ viewport, bypassCSP: true });
    contexts.push(context);
    // A clock the test can move on to the page's next poll (helpers/poll-clock.ts); it flows as usual otherwise.
    await context.clock.install();
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    // The teacher confirms the early reveal (the deadline is still ahead); any other dialog is an error.
    page.on('dialog', (d) => {
      if (/Reveal now and close submissions/.test(d.message())) void d.accept();
      else {
        pageErrors.push(`dialog: ${d.message()}`);
        void d.dismiss();
      }
    });
    return page;
  }

  /** axe-core's serious and critical findings on each screen shot, by screen and width. */
  const violations: Record<string, string[]> = {};

  /** Screenshots a page at both widths, full page, checking each with axe-core; back at its own width after. */
  async function shoot(page: Page, name: string, back = WIDE): Promise<void> {
    for (const [size, viewport] of [
      ['1280', WIDE],
      ['390', PHONE],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: join(SCREENSHOTS, `seminar-${name}-${size}.png`), fullPage: true });
      const found = await seriousViolations(page);
      if (found.length > 0) violations[`${name} at ${size}`] = found;
    }
    await page.setViewportSize(back);
  }

  async function answer(page: Page, forecasts: Record<string, number>, choices: Record<string, string> = {}): Promise<void> {
    for (const [lever, option] of Object.entries(choices)) await page.check(`input[name="lever-${lever}"][value="${option}"]`);
    for (const [q, v] of Object.entries(forecasts)) await page.fill(`#forecast-${q}`, String(v));
    await clickExplained(page, '#submit-answers');
    await expect.poll(() => page.textContent('#saved-status')).toContain('Saved at');
  }

  it('plays two turns with a teacher and three students, and the debrief scores both turns against the engine and history', async () => {
    const teacher = await newPage();
    await teacher.goto(`${url}#/teach`);
    await teacher.waitForSelector('input[name="template"][value="seminar-2022"]');
    await teacher.check('input[name="template"][value="seminar-2022"]');
    await expect.poll(() => teacher.inputValue('#ex-title')).toBe('Seminar: the two-day war of September 2022');
    await teacher.selectOption('#ex-trials', '5000');
    await teacher.click('#create-exercise');
    await teacher.waitForSelector('#join-code');
    const code = (await teacher.textContent('#join-code'))?.trim() ?? '';
    expect(await teacher.textContent('#turn-title')).toBe('Turn 1 of 2: 00:05, Tuesday 13 September 2022');

    const pages: Page[] = [];
    for (const [i, s] of STUDENTS.entries()) {
      const page = await newPage(i === 2 ? PHONE : WIDE);
      await page.goto(`${url}#/join?code=${code}`);
      await page.fill('#join-name', s.name);
      await page.click('#join-button');
      await page.waitForSelector('#submission-form');
      expect(await page.textContent('#whoami')).toContain(s.team);
      expect(await page.textContent('#team-aims')).toContain("Your team's aims:");
      expect(await page.textContent('#turn-heading')).toBe('Turn 1 of 2: 00:05, Tuesday 13 September 2022');
      // Turn 2's briefing is not released yet.
      expect(await page.textContent('body')).not.toContain('Thirty-two hours');
      await answer(page, s.t1, s.c1);
      pages.push(page);
    }
    await afterNextPoll(teacher, TEACHER_POLL_MS, () => teacher.textContent('#submitted-count'), 20_000).toContain(
      '3 of 3 students have submitted',
    );
    await shoot(teacher, 'teacher-turn1');

    await teacher.click('#advance');
    await expect
      .poll(() => teacher.textContent('#turn-title'), { timeout: 120_000 })
      .toBe('Turn 2 of 2: 08:05, Wednesday 14 September 2022');
    expect(await teacher.textContent('#closed-turns')).toContain('Press on toward further objectives');
    await expect.poll(() => teacher.textContent('#submitted-count'), { timeout: 20_000 }).toContain('0 of 3 students have submitted');
    await shoot(teacher, 'teacher-turn2');

    for (const [i, s] of STUDENTS.entries()) {
      const page = pages[i] as Page;
      await afterNextPoll(page, STUDENT_POLL_MS, () => page.textContent('#turn-heading').catch(() => '')).toContain('Turn 2 of 2');
      expect(await page.textContent('#turn-briefing')).toContain('Thirty-two hours');
      // Turn 1's questions are gone from the form; turn 2's are empty.
      expect(await page.$('#forecast-war_t1')).toBeNull();
      expect(await page.inputValue('#forecast-truce48_t2')).toBe('');
      await answer(page, s.t2, s.c2);
      if (i === 2) await shoot(page, 'student-turn2', PHONE);
    }

    await afterNextPoll(teacher, TEACHER_POLL_MS, () => teacher.textContent('#submitted-count'), 20_000).toContain(
      '3 of 3 students have submitted',
    );
    await teacher.click('#reveal');
    await teacher.waitForSelector('#leaderboard', { timeout: 180_000 });
    await chartsDrawn(teacher);

    expect(await teacher.locator('#debrief-turns li').count()).toBe(2);
    expect(await teacher.textContent('#debrief-turns li[data-turn="morning"]')).toContain('4 facts released so far');
    expect(await teacher.textContent('#class-decisions tr[data-lever="russia_answer"] [data-key="decision"]')).toBe(
      'Push the CSTO to send troops',
    );
    expect(await teacher.locator('#team-payoffs tbody tr').count()).toBe(7);
    // Each history row's engine score is the Brier score of the engine's answer against what happened.
    const history = await teacher.$$eval('#history tbody tr', (trs) =>
      trs.map((tr) => ({
        q: tr.getAttribute('data-question') ?? '',
        engine: Number(tr.querySelector('[data-key="engine"]')?.getAttribute('data-value')),
        score: Number(tr.querySelector('[data-key="engine-score"]')?.getAttribute('data-value')),
      })),
    );
    expect(history.map((r) => r.q)).toEqual(['war_t1', 'truce48_t1', 'deaths_t1', 'truce48_t2', 'csto_t2', 'deaths_t2']);
    const war = history.find((r) => r.q === 'war_t1');
    expect(war?.score).toBeCloseTo(brierScore(war?.engine ?? Number.NaN, 0), 12);
    await shoot(teacher, 'debrief');

    // Every student is scored on both turns' questions.
    const phone = pages[2] as Page;
    await afterNextPoll(phone, STUDENT_POLL_MS, async () => (await phone.$('#my-scores')) !== null).toBe(true);
    expect(await phone.locator('#my-scores tbody tr').count()).toBe(7);
    await chartsDrawn(phone);
    await phone.screenshot({ path: join(SCREENSHOTS, 'seminar-debrief-student-390.png'), fullPage: true });
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    // Its tables stack into cards: none is wider than its box, where a column would be cut at the screen's edge.
    const wide = await phone.$$eval('#debrief .table-scroll', (boxes) =>
      boxes
        .map((b) => b as unknown as { scrollWidth: number; clientWidth: number; firstElementChild: { id: string } | null })
        .filter((b) => b.scrollWidth > b.clientWidth)
        .map((b) => b.firstElementChild?.id),
    );
    expect(wide).toEqual([]);
    // The decisions chart's question names stay on its canvas, every line of them.
    const effects = await phone.$eval('#chart-effects canvas', (c) => ({
      width: (c as unknown as { clientWidth: number }).clientWidth,
      names: JSON.parse(c.getAttribute('data-name-labels') ?? '[]') as number[][],
    }));
    expect(effects.names.length).toBeGreaterThan(3);
    expect(effects.names.filter(([left = -1, right = Infinity]) => left < 0 || right > effects.width)).toEqual([]);
    expect(violations).toEqual({});
    expect(pageErrors).toEqual([]);
  });
});
