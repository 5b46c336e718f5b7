/** The reference class of interstate clashes: the library file reads clean, bad input is located at line:column, base rates are counted in code. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readReferenceClass, referenceClassParagraph, referenceClassSummary } from '../src/backtest/index.ts';
import { GeoriskError, type Issue } from '../src/errors.ts';

const CLASHES = new URL('../../../scenarios/reference-class/clashes.yaml', import.meta.url);
const README = new URL('../../../scenarios/README.md', import.meta.url);

function problems(text: string): Issue[] {
  try {
    readReferenceClass(text, 'clashes.yaml');
  } catch (error) {
    if (error instanceof GeoriskError) return error.issues;
    throw error;
  }
  throw new Error('the file was accepted');
}

/** A valid one-episode file; each test breaks one line of it. Line numbers below refer to this text. */
const VALID = [
  'kind: reference-class', // 1
  'coding: CODING.md', // 2
  'war_threshold_battle_deaths: 1000', // 3
  'truce_window_days: 7', // 4
  'episodes:', // 5
  '  - id: demo-2020', // 6
  '    name: Demo clash', // 7
  '    states: [A, B]', // 8
  '    initiator: contested', // 9
  '    onset: 2020-09-27', // 10
  '    covariates:', // 11
  '      power_ratio: parity', // 12
  '      power_basis: judgement', // 13
  '      defence_ally: none', // 14
  '      patron_mediator: true', // 15
  '      terrain: mountain', // 16
  '      prior_clash_5y: false', // 17
  '      territorial_dispute: true', // 18
  '      nuclear_dyad: false', // 19
  '      initial_scale: limited', // 20
  '    outcomes:', // 21
  '      battle_deaths: { low: 10, best: 20, high: 30 }', // 22
  '      days_of_fighting: { low: 1, best: 2, high: 3 }', // 23
  '      war: false', // 24
  '      truce_within_7_days: true', // 25
  '      ended_by: de_facto_halt', // 26
  '    sources:', // 27
  '      - { title: A page, url: "https://example.org/page" }', // 28
];

/** VALID with line `n` (1-based) replaced. */
function withLine(n: number, text: string): string {
  return VALID.map((line, i) => (i === n - 1 ? text : line)).join('\n');
}

describe('readReferenceClass: the library file', () => {
  const { referenceClass } = readReferenceClass(readFileSync(CLASHES, 'utf8'), 'clashes.yaml');

  it('reads clean, with at least 40 episodes since 1990 and every case the issue names', () => {
    expect(referenceClass.episodes.length).toBeGreaterThanOrEqual(40);
    const ids = referenceClass.episodes.map((e) => e.id);
    for (const id of [
      'cenepa-1995',
      'eritrea-ethiopia-1998',
      'kargil-1999',
      'djibouti-eritrea-2008',
      'russia-georgia-2008',
      'thai-cambodia-2008',
      'thai-cambodia-2011-02',
      'thai-cambodia-2025-07',
      'heglig-2012',
      'doklam-2017',
      'galwan-2020',
      'india-pakistan-2019',
      'india-pakistan-2025',
      'fashaga-2020',
      'kyrgyz-tajik-2021',
      'kyrgyz-tajik-2022',
      'arm-az-2014',
      'arm-az-2016',
      'tovuz-2020',
      'karabakh-2020',
      'arm-az-2021-11',
      'arm-az-2022-09',
      'arm-az-2023-09',
    ]) {
      expect(ids).toContain(id);
    }
    expect(referenceClass.episodes.every((e) => e.onset >= '1990-01-01')).toBe(true);
  });

  it('is chosen by onset: it holds wars and clashes that fizzled in a day', () => {
    const wars = referenceClass.episodes.filter((e) => e.outcomes.war).length;
    const oneDay = referenceClass.episodes.filter((e) => e.outcomes.days_of_fighting.high === 1).length;
    expect(wars).toBeGreaterThanOrEqual(3);
    expect(oneDay).toBeGreaterThanOrEqual(5);
  });

  it('lists its episodes in onset order, so that time-split folds read it as it stands', () => {
    const onsets = referenceClass.episodes.map((e) => e.onset);
    expect(onsets).toEqual([...onsets].sort());
  });
});

describe('readReferenceClass: bad input is refused at file:line:column with a fix', () => {
  it('accepts the valid fixture', () => {
    expect(readReferenceClass(VALID.join('\n')).referenceClass.episodes[0]?.id).toBe('demo-2020');
  });

  it('an unknown field', () => {
    const issues = problems(withLine(24, '      wars: false'));
    expect(issues.find((i) => i.code === 'unknown_key')).toMatchObject({
      code: 'unknown_key',
      path: 'episodes[0].outcomes.wars',
      file: 'clashes.yaml',
      line: 24,
      column: 7,
      hint: 'did you mean "war"?',
    });
    expect(issues.map((r) => r.path).sort()).toEqual(['episodes[0].outcomes.war', 'episodes[0].outcomes.wars']);
  });

  it('a range with low above high', () => {
    const [i, ...rest] = problems(withLine(22, '      battle_deaths: { low: 300, best: 20, high: 30 }'));
    expect(rest).toEqual([]);
    expect(i).toMatchObject({
      code: 'invalid_value',
      path: 'episodes[0].outcomes.battle_deaths.low',
      message: 'low 300 is above best 20',
      line: 22,
      column: 29,
    });
    expect(i?.hint).toMatch(/low ≤ best ≤ high/);
  });

  it('a best above high', () => {
    const [i] = problems(withLine(23, '      days_of_fighting: { low: 1, best: 5, high: 3 }'));
    expect(i).toMatchObject({
      path: 'episodes[0].outcomes.days_of_fighting.high',
      message: 'high 3 is below best 5',
      line: 23,
      column: 50,
    });
  });

  it('a date in the wrong form, and a date that does not exist', () => {
    const [wrong] = problems(withLine(10, '    onset: 27/09/2020'));
    expect(wrong).toMatchObject({
      path: 'episodes[0].onset',
      message: '"27/09/2020" is not a date in the form YYYY-MM-DD',
      hint: 'write the date as YYYY-MM-DD, e.g. 2020-09-27',
      line: 10,
      column: 12,
    });
    const [unreal] = problems(withLine(10, '    onset: 2021-02-30'));
    expect(unreal).toMatchObject({ message: '"2021-02-30" is not a real date', line: 10, column: 12 });
  });

  it('a source missing: an empty list, and no sources key at all', () => {
    const [empty] = problems(withLine(28, '      []').replace('    sources:\n      []', '    sources: []'));
    expect(empty).toMatchObject({ path: 'episodes[0].sources', line: 27, column: 14 });
    expect(empty?.message).toMatch(/at least one/);
    expect(empty?.hint).toMatch(/cite at least one page you read/);
    const [absent] = problems(VALID.slice(0, 26).join('\n'));
    expect(absent).toMatchObject({ code: 'missing_key', path: 'episodes[0].sources', line: 6, column: 5 });
    expect(absent?.hint).toMatch(/cite at least one page you read/);
  });

  it('a war flag that contradicts the threshold, and a truce that contradicts the days', () => {
    const [war] = problems(withLine(24, '      war: true'));
    expect(war).toMatchObject({ path: 'episodes[0].outcomes.war', line: 24, column: 12 });
    expect(war?.message).toBe('war is true but the best battle_deaths, 20, is below the threshold 1000');
    const [truce] = problems(withLine(23, '      days_of_fighting: { low: 9, best: 10, high: 12 }'));
    expect(truce).toMatchObject({ path: 'episodes[0].outcomes.truce_within_7_days', line: 25, column: 28 });
  });

  it('an initiator that is neither state, and the same state twice', () => {
    const [who] = problems(withLine(9, '    initiator: C'));
    expect(who).toMatchObject({
      path: 'episodes[0].initiator',
      message: '"C" is neither of the states',
      hint: 'write A, B or contested',
      line: 9,
    });
    const [same] = problems(withLine(8, '    states: [A, A]').replace('initiator: contested', 'initiator: A'));
    expect(same).toMatchObject({ path: 'episodes[0].states', line: 8, column: 13 });
  });

  it('a duplicate id', () => {
    const twice = [...VALID, ...VALID.slice(5)].join('\n');
    const [dup] = problems(twice);
    expect(dup).toMatchObject({ path: 'episodes[1].id', message: '"demo-2020" is used twice', line: 29 });
  });

  it('reports every problem at once, nothing half-read', () => {
    const text = withLine(10, '    onset: 2020-9-27').replace('low: 10, best: 20', 'low: 25, best: 20').replace('nuclear_dyad', 'nuclear');
    expect(
      problems(text)
        .map((i) => i.path)
        .sort(),
    ).toEqual([
      'episodes[0].covariates.nuclear',
      'episodes[0].covariates.nuclear_dyad',
      'episodes[0].onset',
      'episodes[0].outcomes.battle_deaths.low',
    ]);
  });
});

describe('referenceClassSummary', () => {
  it('counts exact base rates on a small file', () => {
    const episode = (id: string, deaths: number, days: number, truce: boolean, scale: string) =>
      VALID.slice(5)
        .join('\n')
        .replace('demo-2020', id)
        .replace('low: 10, best: 20, high: 30', `low: ${deaths}, best: ${deaths}, high: ${deaths * 2}`)
        .replace('low: 1, best: 2, high: 3', `low: ${days}, best: ${days}, high: ${days}`)
        .replace('war: false', `war: ${deaths >= 1000}`)
        .replace('truce_within_7_days: true', `truce_within_7_days: ${truce}`)
        .replace('initial_scale: limited', `initial_scale: ${scale}`);
    const text = [
      ...VALID.slice(0, 5),
      episode('a', 5, 1, true, 'incident'),
      episode('b', 600, 10, false, 'offensive'),
      episode('c', 5000, 40, false, 'offensive'),
    ].join('\n');
    const s = referenceClassSummary(readReferenceClass(text).referenceClass);
    expect(s).toMatchObject({ episodes: 3, firstYear: 2020, lastYear: 2020, warsIfLow: 1, warsIfHigh: 2, medianDaysOfFighting: 10 });
    expect(s.war).toMatchObject({ k: 1, n: 3 });
    expect(s.warGivenOffensive).toMatchObject({ k: 1, n: 2, p: 0.5 });
    expect(s.warGivenNotOffensive).toMatchObject({ k: 0, n: 1, p: 0 });
    expect(s.truceWithin7Days).toMatchObject({ k: 1, n: 3 });
    // Wilson 95% for 1 of 3: 0.0615–0.7923.
    expect(s.war.ci95[0]).toBeCloseTo(0.0615, 3);
    expect(s.war.ci95[1]).toBeCloseTo(0.7923, 3);
  });

  it('on the library file: the ranges bracket the best count, and the README paragraph is the computed one', () => {
    const { referenceClass } = readReferenceClass(readFileSync(CLASHES, 'utf8'), 'clashes.yaml');
    const s = referenceClassSummary(referenceClass);
    expect(s.warsIfLow).toBeLessThanOrEqual(s.war.k);
    expect(s.war.k).toBeLessThanOrEqual(s.warsIfHigh);
    expect(s.war.ci95[0]).toBeLessThan(s.war.p);
    expect(s.war.ci95[1]).toBeGreaterThan(s.war.p);
    const readme = readFileSync(README, 'utf8').replace(/\s+/g, ' ');
    const paragraph = referenceClassParagraph(s, referenceClass.war_threshold_battle_deaths).replace(/\s+/g, ' ');
    // A boolean, so that a stale README fails with the paragraph it should hold rather than the whole README.
    expect(readme.includes(paragraph), `scenarios/README.md should hold:\n${paragraph}`).toBe(true);
  });
});
