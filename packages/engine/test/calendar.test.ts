/** The calendar names `month` and `day_of_year`: their values, a seasonal hazard solved exactly, and what is refused. */
import { describe, expect, it } from 'vitest';
import { calendarOf, civilFromDays, dayOfYearAt, daysFromCivil, monthAt } from '../src/expression/calendar.ts';
import { analyzeExact, loadScenarioText } from '../src/index.ts';
import { binomialSe, problems, runYaml, Z_TOL } from './helpers.ts';

/** A calm → war scenario from `start`, with the war rate `rate` and the metric `value`. */
function scenario(start: string | undefined, rate: string, metric = '0', time = '{ unit: day, dt: 1, horizon: 60 }'): string {
  return [
    'id: calendar',
    ...(start === undefined ? [] : [`start: "${start}"`]),
    `time: ${time}`,
    'tracks:',
    '  conflict:',
    '    states: [calm, war]',
    `    transitions: [{ from: calm, to: war, rate: "${rate}" }]`,
    'metrics:',
    '  war_reached: { expr: \'ever(conflict, "war")\' }',
    `  value: { expr: "${metric}" }`,
    '',
  ].join('\n');
}

const exactWar = (text: string) => analyzeExact(loadScenarioText(text).scenario).metrics.war_reached?.probability ?? Number.NaN;

describe('the calendar of a scenario', () => {
  it('converts civil dates and day counts both ways, leap days included', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1)).toBe(11017);
    for (let d = -800; d < 25_000; d += 37) {
      const c = civilFromDays(d);
      expect(daysFromCivil(c.year, c.month, c.day)).toBe(d);
    }
    expect(civilFromDays(daysFromCivil(2024, 2, 29))).toEqual({ year: 2024, month: 2, day: 29 });
  });

  it('reads the month and day of the year in the start’s own time zone, in hours or days', () => {
    const hourly = calendarOf('2022-09-13T00:05:00+04:00', 'hour');
    expect('clock' in hourly).toBe(true);
    if (!('clock' in hourly)) return;
    expect(monthAt(hourly.clock, 0)).toBe(9);
    // 18 days minus five minutes after 00:05 on 13 Sep is 23:59 on 30 Sep; one hour later is October.
    expect(monthAt(hourly.clock, 18 * 24 - 1)).toBe(9);
    expect(monthAt(hourly.clock, 18 * 24)).toBe(10);
    // 13 Sep is day 255 of 2022 counted from 0, plus five minutes.
    expect(dayOfYearAt(hourly.clock, 0)).toBeCloseTo(255 + 5 / 1440, 12);
    const daily = calendarOf('2023-12-31', 'day');
    if (!('clock' in daily)) throw new Error('no clock');
    expect([monthAt(daily.clock, 0), monthAt(daily.clock, 1), dayOfYearAt(daily.clock, 1)]).toEqual([12, 1, 0]);
    // 2024 is a leap year: 60 days after 1 Jan is 1 Mar (day 60), not 2 Mar.
    const leap = calendarOf('2024-01-01T00:00Z', 'day');
    if (!('clock' in leap)) throw new Error('no clock');
    expect(civilFromDays(daysFromCivil(2024, 1, 1) + 60)).toEqual({ year: 2024, month: 3, day: 1 });
    expect(monthAt(leap.clock, 60)).toBe(3);
    expect(dayOfYearAt(leap.clock, 365.5)).toBe(365.5);
  });

  it('gives the values to metrics, at the horizon', () => {
    const r = runYaml(scenario('2022-09-13T00:05:00+04:00', '0', 'month * 1000 + day_of_year', '{ unit: hour, dt: 1, horizon: 720 }'), 2);
    // 720 hours after 00:05 on 13 Sep is 00:05 on 13 Oct: day 285.
    expect(r.metrics.value?.mean).toBeCloseTo(10_000 + 285 + 5 / 1440, 9);
  });

  it('makes a seasonal hazard that the exact solver answers as the closed form, across a month boundary', () => {
    // From 31 Aug at noon: one step in August, 30 in September, 29 in October.
    const text = scenario('2022-08-31T12:00:00+04:00', 'month == 9 ? 0.05 : 0.001');
    const closed = 1 - Math.exp(-(0.001 * 30 + 0.05 * 30));
    expect(exactWar(text)).toBeCloseTo(closed, 12);
    // The same chain written with t (rows made afresh every step) gives the same answer.
    expect(exactWar(scenario('2022-08-31T12:00:00+04:00', '(t >= 1 and t < 31) ? 0.05 : 0.001'))).toBeCloseTo(closed, 12);
    const trials = 20_000;
    const sampled = runYaml(text, trials, 5).metrics.war_reached?.probability?.p ?? Number.NaN;
    expect(Math.abs(sampled - closed)).toBeLessThanOrEqual(Z_TOL * binomialSe(closed, trials));
  });

  it('a September start meets a September hazard that a March start does not', () => {
    const rate = 'month == 9 ? 0.02 : 0.002';
    expect(exactWar(scenario('2022-09-01', rate))).toBeGreaterThan(exactWar(scenario('2022-03-01', rate)));
  });

  it('refuses the names without a start, or with a start that is not a date, and as names of parameters', () => {
    const none = problems(scenario(undefined, 'month == 9 ? 0.1 : 0'));
    expect(none.map((i) => [i.code, i.path])).toEqual([['missing_key', 'tracks.conflict.transitions[0].rate']]);
    expect(none[0]?.message).toMatch(/"month" reads the calendar, but the scenario has no "start"/);
    expect(none[0]?.hint).toMatch(/start: "2022-09-13T00:05:00\+04:00"/);
    const bad = problems(scenario('13 September 2022', 'day_of_year > 200 ? 0.1 : 0'));
    expect(bad[0]?.message).toMatch(/is not an ISO 8601 date/);
    expect(problems(scenario('2022-02-30', 'month == 2 ? 0.1 : 0'))[0]?.message).toMatch(/not a real calendar time/);
    const reserved = problems(scenario('2022-09-01', '0.1').replace('tracks:', 'parameters: { month: { default: 9 } }\ntracks:'));
    expect(reserved.map((i) => i.code)).toEqual(['invalid_name']);
  });
});
