// Types of build.mjs, for the tests.

/** Builds the web app into a new folder and switches it in with renames; dist/ is untouched when the build fails. */
export function buildAtomically(options?: { dist?: string; build?: (folder: string) => void }): void;
