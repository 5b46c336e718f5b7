// Types of start.mjs, for `georisk serve`.

/** Builds what changed (server and web app) and starts the server; resolves with 0 once it listens, 2 for a bad setting, 1 when it cannot start. */
export function startServer(argv: string[]): Promise<number>;
