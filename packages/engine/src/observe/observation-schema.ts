/** The shape of an observations document: what has been seen so far in a crisis, for `georisk update`. */
import { z } from 'zod';

/** A time in the scenario's unit (a number), or with its unit: `"36h"`, `"1.5d"`. */
export const ObservationTimeSchema = z.union([
  z.number().finite().nonnegative(),
  z.string().regex(/^\d+(\.\d+)?\s*[hd]$/, 'a time is a number in the scenario\'s unit, or a number with h or d (e.g. "36h", "1.5d")'),
]);

/** Reporting error of a variable's reported value: the likelihood of the report given the true value. */
export const ReportingErrorSchema = z.strictObject({ dist: z.literal('normal'), sd: z.number().finite().positive() });

const common = { at: ObservationTimeSchema, label: z.string().max(200).optional() };

/** A track seen in a state, or in one of a set of states, at time `at`. */
export const TrackObservationSchema = z.strictObject({
  ...common,
  track: z.string(),
  state: z.union([z.string(), z.array(z.string()).min(1)]),
});

/** An event that had (`happened: true`) or had not fired by time `at`. */
export const EventObservationSchema = z.strictObject({ ...common, event: z.string(), happened: z.boolean() });

/**
 * A variable's value at time `at`: either its true value lay in `range` (likelihood 1 inside, 0
 * outside), or `reported` was reported with a stated `error` (a normal likelihood around the true value).
 */
export const RangeObservationSchema = z.strictObject({
  ...common,
  variable: z.string(),
  range: z.tuple([z.number().finite(), z.number().finite()]),
});
/** A variable's reported value with its reporting error (see `VariableObservationSchema`). */
export const ReportedObservationSchema = z.strictObject({
  ...common,
  variable: z.string(),
  reported: z.number().finite(),
  error: ReportingErrorSchema,
});
export const VariableObservationSchema = z.union([RangeObservationSchema, ReportedObservationSchema]);

/** The schema an observation is read with, chosen by its keys (so errors speak of that kind, not of a union). */
export function observationSchemaFor(
  value: unknown,
): typeof TrackObservationSchema | typeof EventObservationSchema | typeof RangeObservationSchema | typeof ReportedObservationSchema {
  const has = (key: string) => typeof value === 'object' && value !== null && key in value;
  if (has('event')) return EventObservationSchema;
  if (has('variable')) return has('range') || !has('reported') ? RangeObservationSchema : ReportedObservationSchema;
  return TrackObservationSchema;
}

/** One observation. */
export const ObservationSchema = z.union([TrackObservationSchema, EventObservationSchema, VariableObservationSchema]);

/** An observations document: the list and the time the forecast is made (default: the last observation). */
export const ObservationsSchema = z.strictObject({
  /** Marks the file as observations (so tools that read every YAML file under scenarios/ skip it). */
  kind: z.literal('observations').optional(),
  /** What the file holds, in a line (the web app labels its example buttons with it). */
  title: z.string().min(1).max(200).optional(),
  as_of: ObservationTimeSchema.optional(),
  observations: z.array(ObservationSchema).max(1000),
});

/** The outer shape only: the list's items are read one by one with `observationSchemaFor`. */
export const ObservationsOuterSchema = ObservationsSchema.extend({ observations: z.array(z.unknown()).max(1000) });

export type ObservationTime = z.infer<typeof ObservationTimeSchema>;
export type Observation = z.infer<typeof ObservationSchema>;
export type ObservationsDocument = z.infer<typeof ObservationsSchema>;
