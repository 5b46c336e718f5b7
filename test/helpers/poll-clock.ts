/**
 * The classroom's pages poll the server on a timer: a student's page every 10 s while submissions are
 * open, the teacher's dashboard every 4 s. A test waiting for what the next poll brings (a new student
 * on the roster, the next turn, the debrief) waited up to that long for nothing, several times a test.
 * With the page's clock installed (`context.clock.install()` before the page loads; time then flows
 * as usual), the test moves the page's clock on by one poll interval instead, so the page's own poll
 * timer fires at once. The page still fetches and shows the change itself: nothing is reloaded or
 * fetched on its behalf, and a page that stopped polling would still fail the wait.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** The pages' poll intervals, as the app defines them. */
export { STUDENT_POLL_MS, TEACHER_POLL_MS } from '../../apps/web/src/classroom/poll-intervals.ts';

/**
 * `expect.poll(read)`, moving `page`'s clock on by `step` after each read, so a poll timer of at most
 * `step` fires before the next read. Reads are half a second apart, so a long wait moves the page's
 * clock on by at most a few minutes (the classroom deadlines are half an hour away).
 */
export function afterNextPoll<T>(page: Page, step: number, read: () => Promise<T>, timeout = 30_000) {
  return expect.poll(
    async () => {
      const value = await read();
      await page.clock.fastForward(step);
      return value;
    },
    { timeout, interval: 500 },
  );
}
