/** How large a band the page computes after each run (free of the DOM, so Node tests read it too). */

/** Parameter draws in the page (the CLI's default: enough to settle a 5–95% band). */
export const PAGE_BAND_DRAWS = 200;
/**
 * The draws an analyst may ask for (the run panel's "Band draws", `draws=` in a link): fewer than
 * 20 cannot place a 5–95% range (its ends fall between draws); 2,000 at 500 trials each is a
 * million trials, minutes on a laptop.
 */
export const MIN_BAND_DRAWS = 20;
export const MAX_BAND_DRAWS = 2000;
/** Trials per sampled draw in the page: half the CLI's, so the band shows in seconds on two cores. */
export const PAGE_TRIALS_PER_DRAW = 500;
