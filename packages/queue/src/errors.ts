/** What can go wrong with a queue, as two kinds an app maps to its own exit statuses or error replies. */

/** The queue's address is wrong or nothing answers there: a setting to fix before anything runs (the CLI's exit 2). */
export class QueueAddressError extends Error {}

/** A queued run failed on the way (a worker refused or kept failing a chunk, Redis went away): one line, no stack. */
export class QueueRunError extends Error {}

/**
 * What went wrong with Redis, in the user's words: the client library's own messages name its
 * options ("Reached the max retries per request limit (which is 15). Refer to "maxRetriesPerRequest"
 * option for details.") or ask to be reported ("Protocol error, got "H" as reply type byte. Please
 * report this."), which tell a user nothing to do.
 */
export function redisProblem(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const message = e?.message ?? String(error);
  if (e?.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message)) return 'connection refused';
  if (e?.code === 'ENOTFOUND' || /ENOTFOUND/.test(message)) return 'unknown host';
  if (/max retries per request|Connection is closed|ECONNRESET|Stream isn't writeable/i.test(message)) return 'Redis stopped answering';
  if (/Protocol error/i.test(message)) return 'what answers at that address is not Redis';
  return message;
}
