/** Two-level runs: the band of each metric across parameter draws from the priors, with its drivers. */
export * from './analyse-uncertainty.ts';
export * from './exact-over-priors.ts';
export * from './plan-uncertainty.ts';
export * from './run-uncertainty.ts';
