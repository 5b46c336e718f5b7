/** What can go wrong with a queue, as two kinds an app maps to its own exit statuses or error replies. */

/** The queue's address is wrong or nothing answers there: a setting to fix before anything runs (the CLI's exit 2). */
export class QueueAddressError extends Error {}

/** A queued run failed on the way (a worker refused or kept failing a chunk, Redis went away): one line, no stack. */
export class QueueRunError extends Error {}
