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
  FEW_DISCOVER_TRIALS,
  type Outcome,
  outcomeShare,
  type PrimBox,
  planDiscover,
  type Restriction,
} from './discover.ts';
export { betaCdf, distributionQuantile, gammaCdf } from './distribution-quantile.ts';
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
  nearest,
} from './errors.ts';
// Loading scenarios
export { checkResultSize, DEFAULT_MAX_RESULT_VALUES, estimateResultSize, type ResultSize } from './estimate-result-size.ts';
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
export {
  bandEndNumber,
  bandEndPercent,
  type CsvSource,
  errorPlaces,
  estimateText,
  formatAtPlaces,
  formatBeside,
  formatCsv,
  formatEstimate,
  formatInterval,
  formatNumber,
  formatPercent,
  toSignificant,
} from './format.ts';
export { canonicalJson, contentHash } from './hash.ts';
export {
  CONTROL_CHARACTERS,
  escapeControl,
  type LoadedDocument,
  locateIssues,
  MAX_DOCUMENT_LENGTH,
  readDocument,
} from './load-document.ts';
// Running
export { buildModel, type Model, type Overrides } from './model/model.ts';
export { type DiagramCase, type DiagramEdge, type DiagramTerm, type TrackDiagram, trackDiagrams } from './model/track-diagrams.ts';
// Conditioning on observations
export * from './observe/index.ts';
// Priors and provenance
export { describeLevels, levelAt, parameterLevels } from './parameter-levels.ts';
export { type ParameterPrior, parameterPrior, priorRangeIssue } from './parameter-prior.ts';
export { parameterProvenance, parameterWarnings } from './parameter-warnings.ts';
// Results and receipts
export { finalizeResult, type Receipt, type RunResult, scenarioHash, type TrackResult } from './results.ts';
export { MAX_SEED } from './rng.ts';
export {
  checkRunOptions,
  DEFAULT_SEED,
  DEFAULT_TRIAL_STEP_BUDGET,
  RAISE_BUDGET,
  type RunOptions,
  runScenario,
} from './run.ts';
export { type HindsightWords, hindsightWords } from './scenario/hindsight.ts';
export { type LoadedScenario, type LoadOptions, loadScenarioText, type ModuleResolver } from './scenario/scenario.ts';
export { type DocumentKind, keysAt, zodIssues } from './scenario/zod-issues.ts';
export {
  type Distribution,
  type Expression,
  type Flow,
  type Hindsight,
  HindsightSchema,
  type Include,
  type Metric,
  type ModuleDocument,
  ModuleSchema,
  type Parameter,
  type Provenance,
  ProvenanceSchema,
  type ScenarioDocument,
  type ScenarioEvent,
  ScenarioSchema,
  scenarioJsonSchema,
  type Track,
  type Transition,
} from './scenario-schema.ts';
export { ExactPoints } from './sensitivity/exact-points.ts';
export { moduleGroups, parameterGroupNames } from './sensitivity/parameter-groups.ts';
// Sensitivity
export { paramsReaching } from './sensitivity/parameter-reach.ts';
export { exactOutputs, exactPlanOutputs, exactPointOutputs, type PointOutputs, summaryOutputs } from './sensitivity/point-solver.ts';
export {
  analyseSensitivity,
  continueSensitivity,
  DEFAULT_REPLICATES,
  DEFAULT_RESAMPLES,
  DEFAULT_SAMPLES,
  DEFAULT_SENSITIVITY_TRIALS,
  MAX_SOBOL_PARAMETERS,
  type MetricSensitivity,
  type MorrisEffect,
  planSensitivity,
  type ScreeningSummary,
  SENSITIVITY_METHODS,
  SENSITIVITY_SOLVERS,
  type SensitivityMethod,
  type SensitivityOptions,
  type SensitivityPlan,
  type SensitivityResult,
  type SensitivitySolverChoice,
  SOBOL_SAMPLINGS,
  type SobolIndex,
  type SobolSampling,
  screenOnly,
  sensitivity,
  type TornadoBar,
  withScreening,
} from './sensitivity.ts';
export { emptySummary, mergeSummaries, type RunSummary, type SimulateOptions, simulate } from './simulate/simulate.ts';
export { type MetricAccumulator, type MetricSummary, QUANTILES, valueCounts } from './summarize.ts';
// Sweeps
export {
  DEFAULT_SWEEP_QUANTILES,
  DEFAULT_SWEEP_TRIALS,
  formatSweepHeader,
  formatSweepRow,
  type ParameterRange,
  type PointEstimate,
  planModel,
  planSweep,
  pointEstimates,
  pointMeans,
  pointOverrides,
  pointSes,
  type QuantileName,
  type ResolvedRange,
  runSweepPoint,
  type SweepDesign,
  type SweepFormat,
  type SweepOptions,
  type SweepPlan,
  type SweepResult,
  type SweepRowFacts,
  sweep,
  sweepRow,
  sweepRowFacts,
  withParameterValues,
} from './sweep.ts';
// Two-level runs: the band across what we do not know
export {
  type BandDriver,
  clearDrivers,
  DEFAULT_TRIALS_PER_DRAW,
  DEFAULT_UNCERTAINTY_DRAWS,
  DRIVER_FALSE_ALARM,
  type DrawMoments,
  drawOverrides,
  type ExactOverPriors,
  type ExactOverPriorsRuntime,
  exactOverPriors,
  FEW_DRAWS,
  MAX_EXACT_DRAWS,
  MAX_UNCERTAINTY_DRAWS,
  type MetricBand,
  noisyBand,
  planUncertainty,
  runUncertainty,
  runUncertaintyPlan,
  sampledDrawMoments,
  type UncertainParameter,
  type UncertaintyMethod,
  type UncertaintyOptions,
  type UncertaintyPlan,
  type UncertaintyResult,
  type UncertaintyRuntime,
  uncertainParameters,
  uncertaintyResult,
} from './uncertainty/index.ts';
export { ENGINE_VERSION } from './version.ts';
