/**
 * Issue 18 in Chromium: the state diagram of each track ("How the model works"), the parameters
 * grouped in folds, and histogram bins at round numbers; with screenshots at 1280×800 and 390×844.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, chartsDrawn, haveChromium, SCREENSHOTS, setEditorText } from '../helpers/browser.ts';
import { libraryScenario } from '../helpers/library-scenarios.ts';

const SCENARIO = 'armenia-azerbaijan-2022';

describe.skipIf(!haveChromium)('how the model works, grouped parameters and round bins in Chromium', () => {
  const { open } = browserSuite();

  /** The list item of track `track`'s arrow from `from` to `to`. */
  function arrow(page: Page, track: string, from: string, to: string) {
    return page.locator(`.track-diagram[data-track="${track}"] ol.diagram-arrows li`, { hasText: `${from} → ${to}:` });
  }

  it('draws each track from the model, with rates at the current values, guards in words and the exact occupancy', async () => {
    const page = await open(`/scenario/${SCENARIO}?seed=1`);
    await expect.poll(() => page.textContent('#exact-status'), { timeout: 60_000 }).toContain('Exact answer');
    await page.click('#how-it-works > summary');
    const conflict = page.locator('.track-diagram[data-track="conflict"]');
    await conflict.locator('svg.state-diagram').waitFor();
    // One diagram per track, the modules' tracks included.
    const tracks = Object.keys(libraryScenario(`scenarios/${SCENARIO}.yaml`).tracks);
    expect(await page.locator('.track-diagram').count()).toBe(tracks.length);
    expect(tracks).toEqual(expect.arrayContaining(['conflict', 'mediation', 'alliance', 'btc', 'scp']));
    // Every state is a focusable box; the occupancies of a track are the exact final distribution (they sum to 1).
    for (const track of ['conflict', 'mediation', 'alliance', 'btc', 'scp']) {
      const shares = await page.$$eval(`.track-diagram[data-track="${track}"] .diagram-state`, (gs) =>
        gs.map((g) => Number(g.getAttribute('data-occupancy'))),
      );
      expect(shares.length).toBeGreaterThan(1);
      expect(Math.abs(shares.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9);
    }
    const war = conflict.locator('[data-state="war"]');
    expect(await war.getAttribute('tabindex')).toBe('0');
    const share = Number(await war.getAttribute('data-occupancy'));
    const label = (await war.getAttribute('aria-label')) ?? '';
    expect(label).toContain(`war: ${(share * 100).toFixed(1)}% chance of being here at the horizon (720 hours, exact)`);
    await war.focus();
    expect(await conflict.locator('.diagram-focus').textContent()).toBe(label);
    expect(await war.locator('title').textContent()).toBe(label);

    // A rate at the current value, with its unit; a guard on another track in words.
    const culminates = arrow(page, 'conflict', 'offensive', 'clash');
    const before = await culminates.textContent();
    expect(before).toMatch(/rate [\d.]+ per hour \(the push culminates\)/);
    expect(await arrow(page, 'mediation', 'none', 'russia').textContent()).toMatch(
      /rate [\d.e-]+ per hour while conflict is clash, offensive or war; 0 per hour otherwise/,
    );
    // The calendar truce's probability is per step, and the diagram says that an event changes it.
    expect(await arrow(page, 'conflict', 'war', 'ceasefire').textContent()).toContain(
      'probability 0 per step of 1 hour; truce_call is changed by an event during the run',
    );

    // The diagram follows a slider: the arrow's label and words take the new value, and the occupancy the new exact answer.
    const drawn = Number(await page.getAttribute('#how-it-works', 'data-drawn'));
    await page.click('.param-fold:has([data-param="offensive_culmination_rate"]) > summary');
    await page.fill('#p-offensive_culmination_rate-num', '0.08');
    await page.dispatchEvent('#p-offensive_culmination_rate-num', 'change');
    await expect.poll(() => culminates.textContent(), { timeout: 30_000 }).toContain('rate 0.08 per hour');
    const svgLabel = await conflict.locator(`.diagram-edge[data-edge="${await culminates.getAttribute('data-edge')}"] text`).textContent();
    // The edge also carries the attacker-objectives module's stop once the aims are taken ("+ ≤ 0.25/h").
    expect(svgLabel).toMatch(/^0\.08\/h( \+ |$)/);
    expect(Number(await page.getAttribute('#how-it-works', 'data-drawn'))).toBeGreaterThan(drawn);
    await expect.poll(() => war.getAttribute('data-occupancy'), { timeout: 30_000 }).not.toBe(String(share));

    await page.$eval('#how-it-works', (d) => d.scrollIntoView());
    await page.screenshot({ path: join(SCREENSHOTS, 'model-diagram-1280x800.png') });
    await page.close();
  });

  it('reads at phone width: the diagram scrolls in its own box, the page does not', async () => {
    const page = await open(`/scenario/${SCENARIO}?seed=1`, { width: 390, height: 844 });
    await expect.poll(() => page.textContent('#exact-status'), { timeout: 60_000 }).toContain('Exact answer');
    await page.click('#how-it-works > summary');
    await page.locator('.track-diagram[data-track="conflict"] svg').waitFor();
    expect(await page.$eval('html', (e) => e.scrollWidth)).toBeLessThanOrEqual(390);
    const box = await page.$eval('.track-diagram[data-track="conflict"] .diagram-scroll', (b) => ({
      tabindex: b.getAttribute('tabindex'),
      inside: b.getBoundingClientRect().right <= 390,
    }));
    expect(box).toEqual({ tabindex: '0', inside: true });
    await page.$eval('.track-diagram[data-track="conflict"]', (d) => d.scrollIntoView());
    await page.screenshot({ path: join(SCREENSHOTS, 'model-diagram-390x844.png') });
    await page.close();
  });

  /** Each fold's title, size, whether open, and its "changed" note. */
  function folds(page: Page) {
    return page.$$eval('.param-fold', (ds) =>
      ds.map((d) => ({
        title: d.querySelector('.fold-title')?.textContent ?? '',
        rows: d.querySelectorAll('[data-param]').length,
        count: d.querySelector('.fold-count')?.textContent ?? '',
        open: (d as unknown as { open: boolean }).open,
        changed: d.querySelector('.fold-changed')?.textContent ?? '',
      })),
    );
  }

  it('folds the parameters by what reads them, by module or by declared group; a fold says what in it is changed', async () => {
    const page = await open(`/scenario/${SCENARIO}?seed=1&set.p_hold_clash=0.5`);
    await page.waitForSelector('.param-fold', { timeout: 60_000 });
    const shown = await folds(page);
    // Every parameter is in exactly one fold, each fold counts its rows, and large folds start closed.
    expect(shown.reduce((n, f) => n + f.rows, 0)).toBe(await page.locator('[data-param]').count());
    expect(shown.length).toBeGreaterThan(2);
    for (const f of shown) {
      expect(f.count).toBe(` (${f.rows})`);
      // Small folds start open, and so does the one holding the value the link changed.
      expect(f.open).toBe(f.rows <= 6 || f.title === 'How conflict moves');
    }
    const conflict = shown.find((f) => f.title === 'How conflict moves');
    expect(conflict?.changed).toBe(' · 1 changed');
    expect(shown.filter((f) => f.changed !== '').length).toBe(1);
    expect(await page.locator('.param-fold[data-fold="How conflict moves"] [data-param="p_hold_clash"]').count()).toBe(1);
    await page.click('#reset-all');
    expect((await folds(page)).every((f) => f.changed === '')).toBe(true);
    // A value typed inside a fold marks it.

    await page.fill('#p-p_hold_war-num', '0.45');
    await page.dispatchEvent('#p-p_hold_war-num', 'change');
    await expect.poll(async () => (await folds(page)).find((f) => f.title === 'How conflict moves')?.changed).toBe(' · 1 changed');
    await page.$eval('.params', (p) => p.scrollTo(0, 0));
    await page.screenshot({ path: join(SCREENSHOTS, 'parameter-folds-1280x800.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.$eval('.params', (p) => p.scrollIntoView());
    await page.screenshot({ path: join(SCREENSHOTS, 'parameter-folds-390x844.png') });
    await page.close();

    // A scenario built from modules folds by module.
    const modular = await open('/scenario/nagorno-karabakh-2020?seed=1');
    await modular.waitForSelector('.param-fold', { timeout: 60_000 });
    const titles = (await folds(modular)).map((f) => f.title);
    expect(titles).toEqual(expect.arrayContaining(['Module border-clash', 'Module ceasefire', 'Module pipeline-disruption']));
    await modular.close();

    // A group the scenario declares is a fold of its own, open when small.
    const editor = await open(`/edit/${SCENARIO}`);
    await expect.poll(() => editor.textContent('#editor-status'), { timeout: 60_000 }).toContain('valid');
    const original = await editor.inputValue('#editor-text');
    const declared = original.replace(
      /^parameters:\n/m,
      'parameters:\n  spare_a:\n    default: 1\n    range: [0, 2]\n    group: Spare knobs\n    provenance: { kind: setting }\n  spare_b:\n    default: 2\n    range: [0, 4]\n    group: Spare knobs\n    provenance: { kind: setting }\n',
    );
    // An empty group is a problem at its path; naming it makes the document valid again.
    await setEditorText(editor, declared.replace('group: Spare knobs', 'group: ""'));
    await expect.poll(() => editor.textContent('#editor-status'), { timeout: 30_000 }).toBe('1 problem to fix.');
    expect(await editor.textContent('#editor-issues')).toContain('"group" must not be empty (parameters.spare_a.group)');
    await setEditorText(editor, declared);
    await expect.poll(() => editor.textContent('#editor-status'), { timeout: 30_000 }).toContain('valid');
    await editor.click('#editor-run');
    await editor.waitForSelector('.param-fold[data-fold="Spare knobs"]', { timeout: 60_000 });
    expect((await folds(editor)).find((f) => f.title === 'Spare knobs')).toEqual({
      title: 'Spare knobs',
      rows: 2,
      count: ' (2)',
      open: true,
      changed: '',
    });
    await editor.close();
  });

  it('labels histogram bins at round numbers', async () => {
    const page = await open(`/scenario/${SCENARIO}?seed=3&trials=4000&draws=20&run=1`);
    await page.waitForSelector('#output-hash', { timeout: 120_000 });
    await chartsDrawn(page);
    const labels = async (metric: string) => {
      await page.selectOption('#metric-select', metric);
      await page.waitForSelector(`#chart-hist-${metric}`);
      return page.$$eval(`#chart-hist-${metric} table tbody tr`, (rows) => rows.map((r) => r.firstElementChild?.textContent ?? ''));
    };
    const round = (w: number) => /^(1|2|2\.5|5)$/.test(String(Number.parseFloat((w / 10 ** Math.floor(Math.log10(w))).toPrecision(6))));
    const num = (s: string) => Number(s.replace(/,/g, ''));
    // A continuous metric: "lo–hi" with hi − lo a round width and lo a multiple of it.
    const territory = await labels('territory_km2');
    expect(territory.length).toBeGreaterThan(3);
    for (const label of territory) {
      const m = /^([\d.,]+)–([\d.,]+)$/.exec(label);
      expect(m, label).not.toBeNull();
      const [lo, hi] = [num(m?.[1] ?? ''), num(m?.[2] ?? '')];
      expect(round(hi - lo), label).toBe(true);
      expect(Math.abs(lo / (hi - lo) - Math.round(lo / (hi - lo))), label).toBeLessThan(1e-6);
    }
    // A count: whole numbers, "a–b" holding a round number of them.
    const deaths = await labels('armenian_fatalities');
    for (const label of deaths) {
      const m = /^([\d,]+)(?:–([\d,]+))?$/.exec(label);
      expect(m, label).not.toBeNull();
      const lo = num(m?.[1] ?? '');
      const width = (m?.[2] === undefined ? lo : num(m[2])) - lo + 1;
      expect(round(width), label).toBe(true);
      expect(lo % width, label).toBe(0);
    }
    // The title speaks the metric's label, not its snake_case name, and does not say its unit twice.
    expect(await page.textContent('#chart-hist-armenian_fatalities figcaption span')).toBe('Distribution: Armenian military deaths');
    await page.$eval('#chart-hist-armenian_fatalities', (f) => f.scrollIntoView());
    await page.screenshot({ path: join(SCREENSHOTS, 'histogram-round-bins-1280x800.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await chartsDrawn(page);
    await page.$eval('#chart-hist-armenian_fatalities', (f) => f.scrollIntoView());
    await page.screenshot({ path: join(SCREENSHOTS, 'histogram-round-bins-390x844.png') });
    await page.close();
  });
});
