/** How often the classroom pages ask the server for news (the browser tests move the page's clock by these). */

/** A student's page while submissions are open (sooner when the deadline is nearer). */
export const STUDENT_POLL_MS = 10_000;
/** The teacher's dashboard while the exercise is open. */
export const TEACHER_POLL_MS = 4000;
