/** Conditioning forecasts on what has been observed so far (`georisk update`). */

export { type AugmentedScenario, augmentScenario, buildAugmentedModel } from './augment-scenario.ts';
export { conditionExact, type ExactUpdate, exactConditioningProblem, type ObservationProbability } from './condition-exact.ts';
export {
  checkUpdateOptions,
  conditionSample,
  ESS_WARNING_SHARE,
  finishUpdate,
  mergeWeights,
  replayTrials,
  resampleTrials,
  type SampledConditioning,
  type SampleUpdateOptions,
  systematicResample,
  type TrialWeights,
  type UpdateReceipt,
  type UpdateResult,
  weighTrials,
} from './condition-sample.ts';
export { type Observation, ObservationSchema, type ObservationsDocument, ObservationsSchema } from './observation-schema.ts';
export type { ParameterShift } from './parameter-shift.ts';
export { type CheckedObservation, type Observations, readObservations } from './read-observations.ts';
export { type PreparedUpdate, prepareUpdate, type UpdateAnswer, type UpdateOptions, updateScenario } from './update-scenario.ts';
