/** The per-address limit on exercises created an hour (kept in memory only: a restart forgives). */
import { ApiError } from '../../errors.ts';

const HOUR_MS = 3_600_000;

/** Creation times per client address in the last hour. */
export class CreationRate {
  private readonly recent = new Map<string, number[]>();

  constructor(readonly perHour: number) {}

  /** Counts one exercise created by `client` at `t`; 429 `exercise_rate_limited` (nothing created) when the hour's share is used. */
  take(client: string, t: number): void {
    const times = (this.recent.get(client) ?? []).filter((x) => x > t - HOUR_MS);
    if (times.length >= this.perHour) {
      const wait = Math.max(1, Math.ceil(((times[0] ?? t) + HOUR_MS - t) / 1000));
      throw new ApiError(
        429,
        'exercise_rate_limited',
        `at most ${this.perHour} exercises an hour from one address; try again in ${Math.ceil(wait / 60)} min`,
        '',
        wait,
      );
    }
    times.push(t);
    this.recent.set(client, times);
    // Addresses with nothing in the last hour are forgotten, so the map cannot grow without bound.
    if (this.recent.size > 1000) {
      for (const [c, ts] of this.recent) if (ts.every((x) => x <= t - HOUR_MS)) this.recent.delete(c);
    }
  }
}
