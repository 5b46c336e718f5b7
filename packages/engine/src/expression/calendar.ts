/** The calendar names of expressions (`month`, `day_of_year`): the scenario's `start` plus `t`, read in whole minutes. */

/** The names expressions may read from the calendar. */
export const CALENDAR_NAMES = ['month', 'day_of_year'] as const;

/** Where t = 0 lies on the calendar: minutes since 1970-01-01 00:00 in the start's own UTC offset, and minutes per time unit. */
export interface CalendarClock {
  startMinutes: number;
  minutesPerUnit: number;
}

/** A clock, or why the scenario has none (no `start`, or one that is not an ISO 8601 date). */
export type CalendarOrReason = { clock: CalendarClock } | { reason: string };

// YYYY-MM-DD, optionally THH:MM[:SS[.fff]] and Z or ±HH:MM; the offset is kept, not converted.
const ISO_START = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Days from 1970-01-01 to the given civil date (proleptic Gregorian; Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day count from 1970-01-01 (Hinnant's civil_from_days). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/**
 * The clock of a scenario's `start` and time unit. The calendar is the start's local one: its UTC
 * offset is kept for the whole run (no daylight-saving changes), which is what a border's seasons need.
 * @example calendarOf('2022-09-13T00:05:00+04:00', 'hour') // { clock: { startMinutes: 27714245, minutesPerUnit: 60 } }
 */
export function calendarOf(start: string | undefined, unit: 'day' | 'hour'): CalendarOrReason {
  if (start === undefined) return { reason: 'the scenario has no "start"' };
  const m = ISO_START.exec(start.trim());
  if (m === null) return { reason: `its "start" (${JSON.stringify(start)}) is not an ISO 8601 date such as 2022-09-13T00:05:00+04:00` };
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const civil = civilFromDays(daysFromCivil(year, month, day));
  if (civil.month !== month || civil.day !== day || hour > 23 || minute > 59 || second > 59) {
    return { reason: `its "start" (${JSON.stringify(start)}) is not a real calendar time` };
  }
  const startMinutes = daysFromCivil(year, month, day) * 1440 + hour * 60 + minute + second / 60;
  return { clock: { startMinutes, minutesPerUnit: unit === 'day' ? 1440 : 60 } };
}

/** The calendar month (1 = January … 12 = December) at time t. */
export function monthAt(clock: CalendarClock, t: number): number {
  return civilFromDays(Math.floor((clock.startMinutes + t * clock.minutesPerUnit) / 1440)).month;
}

/** Days since 1 January 00:00 of the current year at time t (0 up to 365 or 366, with the time of day as a fraction). */
export function dayOfYearAt(clock: CalendarClock, t: number): number {
  const minutes = clock.startMinutes + t * clock.minutesPerUnit;
  const days = Math.floor(minutes / 1440);
  return days - daysFromCivil(civilFromDays(days).year, 1, 1) + (minutes - days * 1440) / 1440;
}
