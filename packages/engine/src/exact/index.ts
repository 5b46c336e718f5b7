/** Exact analysis of scenarios whose joint track state is a Markov chain (see analyze-exact.ts). */

export { analyzeExact } from './analyze-exact.ts';
export { exactMeanAtMost } from './exact-metric.ts';
export type { ExactMetric, ExactOptions, ExactResult, ExactTrack } from './exact-result.ts';
export { exactMetricAnswers, type MetricAnswers } from './metric-answers.ts';
export { MAX_EXACT_STATES, representabilityProblems } from './representability.ts';
