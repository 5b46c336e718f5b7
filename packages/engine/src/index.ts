/**
 * @georisk/engine: probabilistic escalation scenarios in pure TypeScript.
 *
 * The root entry holds what most users need: loading scenarios, runs and their receipts, errors,
 * the exact analysis, sweeps, sensitivity and discovery. Specialised parts have entries of their
 * own: `@georisk/engine/classroom`, `@georisk/engine/backtest`, `@georisk/engine/scoring` and
 * `@georisk/engine/format`.
 *
 * @example
 * const { scenario } = loadScenarioText(yamlText, { file: 'my.yaml' });
 * const result = runScenario(scenario, { trials: 100_000, seed: 42 });
 * result.metrics.war_reached.probability; // { p, ci95 }
 */

// Discovery
export {
  analyseDiscover,
  DEFAULT_DISCOVER_SAMPLES,
  DEFAULT_DISCOVER_TRIALS,
  type DiscoverOptions,
  type DiscoverPlan,
  type DiscoverResult,
  discover,
  type Outcome,
  outcomeShare,
  type PrimBox,
  planDiscover,
  type Restriction,
} from './discover.ts';
export { SAMPLERS } from './distributions.ts';
// Errors
export {
  formatIssue,
  formatIssues,
  GeoriskError,
  ISSUE_CODES,
  type Issue,
  type IssueCode,
  issue,
  MAX_EXPANDED_CHARS,
  MAX_INCLUDES,
  MAX_ISSUES,
  MAX_NAME_LENGTH,
  MAX_NAMES,
} from './errors.ts';
// Exact analysis
export {
  analyzeExact,
  type ExactMetric,
  type ExactOptions,
  type ExactResult,
  type ExactTrack,
  MAX_EXACT_STATES,
  representabilityProblems,
} from './exact/index.ts';
export { ALLOWED_FUNCTIONS, EXPRESSION_CONSTANTS, RESERVED_NAMES } from './expression/expression.ts';
// Formatting
export { type CsvSource, formatCsv, formatNumber, formatPercent } from './format.ts';
export { canonicalJson, contentHash } from './hash.ts';
// Loading scenarios
export { type LoadedDocument, MAX_DOCUMENT_LENGTH, readDocument } from './load-document.ts';
// Running
export { buildModel, type Model, type Overrides } from './model/model.ts';
// Results and receipts
export { finalizeResult, type Receipt, type RunResult, scenarioHash, type TrackResult } from './results.ts';
export { MAX_SEED } from './rng.ts';
export {
  checkRunOptions,
  DEFAULT_SEED,
  DEFAULT_TRIAL_STEP_BUDGET,
  type RunOptions,
  runScenario,
} from './run.ts';
export { type LoadedScenario, type LoadOptions, loadScenarioText, type ModuleResolver } from './scenario/scenario.ts';
export {
  type Distribution,
  type Expression,
  type Flow,
  type Include,
  type Metric,
  type ModuleDocument,
  ModuleSchema,
  type Parameter,
  type ScenarioDocument,
  type ScenarioEvent,
  ScenarioSchema,
  scenarioJsonSchema,
  type Track,
  type Transition,
} from './scenario-schema.ts';
// Sensitivity
export {
  analyseSensitivity,
  DEFAULT_RESAMPLES,
  DEFAULT_SAMPLES,
  DEFAULT_SENSITIVITY_TRIALS,
  type MetricSensitivity,
  type MorrisEffect,
  planSensitivity,
  SENSITIVITY_METHODS,
  type SensitivityMethod,
  type SensitivityOptions,
  type SensitivityPlan,
  type SensitivityResult,
  type SobolIndex,
  sensitivity,
  type TornadoBar,
} from './sensitivity.ts';
export { emptySummary, mergeSummaries, type RunSummary, type SimulateOptions, simulate } from './simulate/simulate.ts';
export { type MetricAccumulator, type MetricSummary, QUANTILES } from './summarize.ts';
// Sweeps
export {
  DEFAULT_SWEEP_QUANTILES,
  DEFAULT_SWEEP_TRIALS,
  formatSweepHeader,
  formatSweepRow,
  type ParameterRange,
  planModel,
  planSweep,
  pointMeans,
  pointOverrides,
  type QuantileName,
  type ResolvedRange,
  runSweepPoint,
  type SweepDesign,
  type SweepFormat,
  type SweepOptions,
  type SweepPlan,
  type SweepResult,
  sweep,
  sweepRow,
  withParameterValues,
} from './sweep.ts';
export { ENGINE_VERSION } from './version.ts';
