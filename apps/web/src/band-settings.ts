/** How large a band the page computes after each run (free of the DOM, so Node tests read it too). */

/** Parameter draws in the page (the CLI's default: enough to settle a 5–95% band). */
export const PAGE_BAND_DRAWS = 200;
/** Trials per sampled draw in the page: half the CLI's, so the band shows in seconds on two cores. */
export const PAGE_TRIALS_PER_DRAW = 500;
