/** The per-student limit on submissions a minute (kept in memory only: a restart forgives). */
import { ApiError } from '../../errors.ts';

/** Submission times per student in the last minute. */
export class SubmissionRate {
  private readonly recent = new Map<string, number[]>();

  constructor(readonly perMinute: number) {}

  /** The student's submission times in the minute before `t`; 429 `submission_rate_limited` when they have used the minute's share. */
  check(studentId: string, t: number): number[] {
    const times = (this.recent.get(studentId) ?? []).filter((x) => x > t - 60_000);
    if (times.length >= this.perMinute) {
      const wait = Math.max(1, Math.ceil((times[0] ?? Number.NaN) + 60_000 - t) / 1000);
      throw new ApiError(
        429,
        'submission_rate_limited',
        `at most ${this.perMinute} submissions a minute; your last one is saved, try again in ${Math.ceil(wait)} s`,
        '',
        Math.ceil(wait),
      );
    }
    return times;
  }

  /** Counts a submission accepted at `t`, with the times `check` returned. */
  record(studentId: string, times: number[], t: number): void {
    times.push(t);
    this.recent.set(studentId, times);
  }
}
