/** Request bodies, checked with zod in the handlers; the same schemas generate the OpenAPI document. */
import { DEFAULT_SEED, MAX_SEED } from '@georisk/engine';
import { z } from 'zod';

/** The largest scenario document accepted as text (the body limit is a little above it). */
export const MAX_DOCUMENT_CHARS = 200_000;

const ScenarioTextSchema = z
  .string()
  .min(1)
  .max(MAX_DOCUMENT_CHARS)
  .describe('A scenario document, YAML or JSON; `include` may name modules in the scenarios/ folder only');

const ScenarioIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be a scenario id such as "armenia-azerbaijan-2022"')
  .describe('Id of a library or saved scenario');

const OverridesSchema = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a parameter name'), z.number())
  .default({})
  .describe('New values for parameters, by name');

/** `{text}`: a scenario document to check or save (raw YAML bodies are accepted too). */
export const DocumentRequestSchema = z.strictObject({ text: ScenarioTextSchema });
export type DocumentRequest = z.infer<typeof DocumentRequestSchema>;

/** Exactly one of `scenarioId` and `text`. */
const scenarioSource = {
  scenarioId: ScenarioIdSchema.optional(),
  text: ScenarioTextSchema.optional(),
};

function exactlyOneSource(value: { scenarioId?: string | undefined; text?: string | undefined }, ctx: z.RefinementCtx): void {
  if ((value.scenarioId === undefined) === (value.text === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'give exactly one of "scenarioId" and "text"', path: ['scenarioId'] });
  }
}

/** A Monte Carlo run: the numbers equal `georisk run --format json` for the same inputs. */
export const RunRequestSchema = z
  .strictObject({
    ...scenarioSource,
    overrides: OverridesSchema,
    trials: z.number().int().min(1).max(100_000_000).default(10_000).describe('Number of trials'),
    seed: z.number().int().min(0).max(MAX_SEED).default(DEFAULT_SEED).describe('Random seed; the same seed gives the same numbers'),
  })
  .superRefine(exactlyOneSource);
export type RunRequest = z.infer<typeof RunRequestSchema>;

/** An exact analysis (finite Markov chain scenarios). */
export const ExactRequestSchema = z.strictObject({ ...scenarioSource, overrides: OverridesSchema }).superRefine(exactlyOneSource);
export type ExactRequest = z.infer<typeof ExactRequestSchema>;

/** Path parameter `:id`. */
export const IdParamsSchema = z.strictObject({ id: z.string().min(1).max(200) });

/** Query of `GET /api/runs`. */
export const RunListQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) });

/** The error body of every 4xx and 5xx. */
export const ErrorBodySchema = z.object({
  code: z.string().describe('Stable error code, e.g. "yaml_syntax", "budget_exceeded", "not_found", "server_busy"'),
  message: z.string(),
  path: z.string().describe('Where the problem is: a dotted path into the request or the scenario; empty for the whole'),
  issues: z
    .array(
      z.object({
        code: z.string(),
        severity: z.enum(['error', 'warning']),
        path: z.string(),
        message: z.string(),
        hint: z.string().optional(),
        file: z.string().optional(),
        line: z.number().optional(),
        column: z.number().optional(),
      }),
    )
    .optional()
    .describe('Every problem found in a scenario document, with line and column where known'),
  requestId: z.string().optional(),
});
