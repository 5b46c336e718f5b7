/**
 * @georisk/engine: probabilistic escalation scenarios in pure TypeScript.
 *
 * @example
 * const { scenario } = loadScenarioText(yamlText, { file: 'my.yaml' });
 * const result = runScenario(scenario, { trials: 100_000, seed: 42 });
 * result.metrics.war_reached.probability; // { p, ci95 }
 */

export * from './classroom.ts';
export * from './discover.ts';
export { SAMPLERS } from './distributions.ts';
export * from './errors.ts';
export {
  analyzeExact,
  type ExactMetric,
  type ExactOptions,
  type ExactResult,
  type ExactTrack,
  MAX_EXACT_STATES,
  representabilityProblems,
} from './exact/index.ts';
export { ALLOWED_FUNCTIONS, compileExpression, RESERVED_NAMES } from './expression.ts';
export { type CsvSource, formatCsv, formatNumber, formatPercent } from './format.ts';
export { canonicalJson, contentHash } from './hash.ts';
export { formatPath, type LoadedDocument, readDocument } from './load-document.ts';
export * from './model.ts';
export * from './results.ts';
export { MAX_SEED, type Rng, TrialStream, trialSeed } from './rng.ts';
export * from './run.ts';
export * from './sampling.ts';
export * from './scenario.ts';
export * from './scenario-schema.ts';
export * from './scoring.ts';
export * from './sensitivity.ts';
export { emptySummary, mergeSummaries, type RunSummary, type SimulateOptions, simulate } from './simulate.ts';
export { type MetricAccumulator, type MetricSummary, QUANTILES, valueCounts, wilson } from './summarize.ts';
export * from './sweep.ts';
export { ENGINE_VERSION } from './version.ts';
