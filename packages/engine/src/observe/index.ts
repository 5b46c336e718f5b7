/** Conditioning forecasts on what has been observed so far (`georisk update`). */

export { conditionExact, type ExactUpdate, exactConditioningProblem, type ObservationProbability } from './condition-exact.ts';
export { type Observation, ObservationSchema, type ObservationsDocument, ObservationsSchema } from './observation-schema.ts';
export { type CheckedObservation, type Observations, readObservations } from './read-observations.ts';
