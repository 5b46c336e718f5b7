/** Request bodies, checked with zod in the handlers; the same schemas generate the OpenAPI document. */
import {
  DEFAULT_REPLICATES,
  DEFAULT_RESAMPLES,
  DEFAULT_SEED,
  DEFAULT_SENSITIVITY_TRIALS,
  DEFAULT_SWEEP_TRIALS,
  DEFAULT_TRIALS_PER_DRAW,
  DEFAULT_UNCERTAINTY_DRAWS,
  MAX_SEED,
  MAX_UNCERTAINTY_DRAWS,
  QUANTILES,
  SENSITIVITY_METHODS,
  SENSITIVITY_SOLVERS,
  SOBOL_SAMPLINGS,
} from '@georisk/engine';
import { z } from 'zod';

/** The largest scenario document accepted as text (the body limit is a little above it). */
export const MAX_DOCUMENT_CHARS = 200_000;

const ScenarioTextSchema = z
  .string()
  .min(1)
  .max(MAX_DOCUMENT_CHARS)
  .describe('A scenario document, YAML or JSON; `include` may name modules in the scenarios/ folder only');

/** Longest id (and URL segment) the API reads: its run and job ids are UUIDs, a saved scenario's id at most 113 characters. */
export const MAX_ID_CHARS = 200;

/** Longest request URL, path and query, the API reads; the web app keeps its state in the fragment, which is never sent. */
export const MAX_URL_CHARS = 2048;

const ScenarioIdSchema = z
  .string()
  .min(1)
  .max(MAX_ID_CHARS)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be a scenario id such as "armenia-azerbaijan-2022"')
  .describe('Id of a library or saved scenario');

const OverridesSchema = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a parameter name'), z.number())
  .default({})
  .describe('New values for parameters, by name');

/** `{text}`: a scenario document to check or save (raw YAML bodies are accepted too). */
export const DocumentRequestSchema = z.strictObject({ text: ScenarioTextSchema });
/** A document sent as the body itself (YAML or JSON text): an empty one is an empty document, for the engine to explain. */
export const DocumentBodySchema = z.string().max(MAX_DOCUMENT_CHARS);
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

const ParameterNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a parameter name');

/** The outer level of a two-level run (`georisk run --uncertainty N`). */
export const UncertaintyRequestSchema = z.strictObject({
  draws: z.number().int().min(2).max(MAX_UNCERTAINTY_DRAWS).default(DEFAULT_UNCERTAINTY_DRAWS).describe('Parameter draws from the priors'),
  design: z.enum(['lhs', 'sobol']).default('lhs').describe("Latin hypercube or scrambled Sobol' draws"),
  trialsPerDraw: z.number().int().min(1).max(10_000_000).default(DEFAULT_TRIALS_PER_DRAW).describe('Trials per sampled draw'),
  method: z.enum(['auto', 'exact', 'sample']).default('auto').describe('Solve each draw exactly (Markov chains) or sample it'),
  metrics: z
    .array(ParameterNameSchema)
    .min(1)
    .max(100)
    .optional()
    .describe('Metrics to report (all when left out), as `georisk run --uncertainty N --metrics a,b`'),
});

/** Trials of a plain run when none are given (`georisk run`'s default). */
const DEFAULT_RUN_TRIALS = 10_000;

/** Refuses `trials` beside `uncertainty`, which reads its own trials per draw, as `georisk run --uncertainty N --trials` is refused. */
function trialsOnlyForPlainRuns(value: { trials?: number | undefined; uncertainty?: object | undefined }, ctx: z.RefinementCtx): void {
  if (value.trials !== undefined && value.uncertainty !== undefined) {
    ctx.addIssue({
      code: 'custom',
      message:
        'only a plain run reads it; with "uncertainty", give the trials of each sampled draw as "uncertainty.trialsPerDraw", or leave out "uncertainty"',
      path: ['trials'],
    });
  }
}

/**
 * A Monte Carlo run: the numbers equal `georisk run --format json` for the same inputs. `trials`
 * takes its default only after the check above, which must see whether it was given, and only in a
 * plain run: a band's request (stored as parsed) carries none, so the stored request runs again as it is.
 */
export const RunRequestSchema = z
  .strictObject({
    ...scenarioSource,
    overrides: OverridesSchema,
    trials: z
      .number()
      .int()
      .min(1)
      .max(100_000_000)
      .optional()
      .meta({ default: DEFAULT_RUN_TRIALS })
      .describe('Number of trials of a plain run (not with `uncertainty`, which takes `uncertainty.trialsPerDraw`)'),
    seed: z.number().int().min(0).max(MAX_SEED).default(DEFAULT_SEED).describe('Random seed; the same seed gives the same numbers'),
    uncertainty: UncertaintyRequestSchema.optional().describe(
      'A two-level run: parameter draws from the priors, each with its own trials (`trialsPerDraw`; then `trials` is refused)',
    ),
  })
  .superRefine(exactlyOneSource)
  .superRefine(trialsOnlyForPlainRuns)
  // The key left undefined tells the two kinds apart in TypeScript; JSON (the stored request) omits it.
  .transform(({ trials, uncertainty, ...rest }) =>
    uncertainty === undefined
      ? { ...rest, trials: trials ?? DEFAULT_RUN_TRIALS, uncertainty: undefined }
      : { ...rest, uncertainty, trials: undefined },
  );
export type RunRequest = z.infer<typeof RunRequestSchema>;
/** A plain run's request: its `trials`, no `uncertainty`. */
export type PlainRunRequest = Extract<RunRequest, { trials: number }>;
/** A band's request: its `uncertainty`, no `trials`. */
export type BandRunRequest = Extract<RunRequest, { uncertainty: object }>;

/** An exact analysis (finite Markov chain scenarios). */
export const ExactRequestSchema = z.strictObject({ ...scenarioSource, overrides: OverridesSchema }).superRefine(exactlyOneSource);
export type ExactRequest = z.infer<typeof ExactRequestSchema>;

/** A forecast conditioned on observations: the numbers equal `georisk update --format json` for the same inputs. */
export const UpdateRequestSchema = z
  .strictObject({
    ...scenarioSource,
    overrides: OverridesSchema,
    observations: z.string().max(262_144).describe('The observations document (YAML or JSON text), as for `georisk update --observed`'),
    trials: z.number().int().min(1).max(100_000_000).default(10_000).describe('Number of trials (weighted, then resampled)'),
    seed: z.number().int().min(0).max(MAX_SEED).default(DEFAULT_SEED).describe('Random seed; the same seed gives the same numbers'),
    method: z
      .enum(['auto', 'exact', 'smc'])
      .default('auto')
      .describe('auto adds the exact conditional where the chain is Markov; exact requires it; smc samples only'),
  })
  .superRefine(exactlyOneSource);
export type UpdateRequest = z.infer<typeof UpdateRequestSchema>;

/** Most points one sweep request may have. */
export const MAX_SWEEP_POINTS = 10_000;

const VarySchema = z.strictObject({
  name: ParameterNameSchema,
  lo: z.number().optional().describe("Lower bound (default: the parameter's declared range)"),
  hi: z.number().optional().describe("Upper bound (default: the parameter's declared range)"),
  n: z.number().int().min(2).max(1000).optional().describe('Grid levels (grids only)'),
});

/** A parameter sweep: a grid, Latin hypercube or Sobol' design; rows equal `georisk sweep --format jsonl`. */
export const SweepRequestSchema = z
  .strictObject({
    ...scenarioSource,
    design: z.discriminatedUnion('method', [
      z.strictObject({ method: z.literal('grid'), vary: z.array(VarySchema).min(1).max(20) }),
      z.strictObject({
        method: z.enum(['lhs', 'sobol']),
        samples: z.number().int().min(2).max(MAX_SWEEP_POINTS),
        vary: z.array(VarySchema).max(50).optional(),
      }),
    ]),
    trials: z.number().int().min(1).max(1_000_000).default(DEFAULT_SWEEP_TRIALS).describe('Trials per point'),
    seed: z.number().int().min(0).max(MAX_SEED).default(DEFAULT_SEED),
    metrics: z.array(ParameterNameSchema).min(1).max(100).optional().describe('Metrics to report (all when left out)'),
    quantiles: z
      .array(z.enum(Object.keys(QUANTILES) as [keyof typeof QUANTILES, ...(keyof typeof QUANTILES)[]]))
      .max(9)
      .optional(),
  })
  .superRefine(exactlyOneSource)
  .superRefine((value, ctx) => {
    if (value.design.method !== 'grid') return;
    const points = value.design.vary.reduce((product, v) => product * (v.n ?? 2), 1);
    if (points > MAX_SWEEP_POINTS) {
      ctx.addIssue({ code: 'custom', message: `the grid has ${points} points, more than ${MAX_SWEEP_POINTS}`, path: ['design', 'vary'] });
    }
  });
export type SweepRequest = z.infer<typeof SweepRequestSchema>;

/** A sensitivity analysis (tornado, Morris or Sobol'/Jansen) as a job; its result equals `georisk sensitivity --format json`. */
export const SensitivityRequestSchema = z
  .strictObject({
    ...scenarioSource,
    method: z.enum(SENSITIVITY_METHODS).default('sobol'),
    vary: z.array(VarySchema).min(1).max(50).optional().describe('Parameters to include (default: every parameter with a range)'),
    metrics: z.array(ParameterNameSchema).min(1).max(100).optional(),
    samples: z.number().int().min(2).max(4096).optional().describe("Sobol': base samples N (a power of two); Morris: trajectories"),
    trials: z.number().int().min(1).max(1_000_000).default(DEFAULT_SENSITIVITY_TRIALS).describe('Trials per point'),
    seed: z.number().int().min(0).max(MAX_SEED).default(DEFAULT_SEED),
    resamples: z.number().int().min(10).max(2000).default(DEFAULT_RESAMPLES).describe('Morris: bootstrap resamples for the intervals'),
    percentiles: z.tuple([z.number().min(0).max(100), z.number().min(0).max(100)]).optional(),
    sampling: z
      .enum(SOBOL_SAMPLINGS)
      .default('prior')
      .describe(
        "Sobol': draw each parameter from its prior (declared uncertainty, else uniform over its range) or uniformly over its range",
      ),
    replicates: z
      .number()
      .int()
      .min(2)
      .max(64)
      .default(DEFAULT_REPLICATES)
      .describe("Sobol': independently randomized replicates (a power of two); the intervals come from their spread"),
    groups: z
      .record(ParameterNameSchema, z.array(ParameterNameSchema).max(100))
      .optional()
      .describe("Sobol': parameters analysed as one factor each (group name → parameters); the others stand alone"),
    solver: z
      .enum(SENSITIVITY_SOLVERS)
      .default('auto')
      .describe('auto: the exact solver whenever the scenario is a Markov chain (noise-free); exact; or monte-carlo'),
  })
  .superRefine(exactlyOneSource);
export type SensitivityRequest = z.infer<typeof SensitivityRequestSchema>;

/** Path parameter `:id`. */
export const IdParamsSchema = z.strictObject({ id: z.string().min(1).max(MAX_ID_CHARS) });

/** Query of `GET /api/runs`. */
export const RunListQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) });

/** A problem or warning about a scenario document or a request, as the engine reports it. */
const IssueSchema = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning']),
  path: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  file: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
});

/** The answer of `POST /api/runs` (201). */
export const RunAnswerSchema = z.object({
  id: z.string(),
  status: z.literal('done'),
  warnings: z
    .array(IssueSchema)
    .describe(
      "What is wrong with the request yet does not stop the run, as `georisk run` prints on stderr: an override outside its parameter's range (`bad_override`, path `overrides.NAME`); empty when nothing is",
    ),
  result: z.record(z.string(), z.unknown()).describe('The result, equal to `georisk run --format json` (timing aside)'),
});

/** The answer of `POST /api/scenarios/validate` (200): what a valid document defines, or its issues. */
export const ValidationAnswerSchema = z.object({
  valid: z.boolean(),
  id: z.string().optional(),
  title: z.string().nullable().optional(),
  hash: z.string().optional(),
  steps: z.number().optional(),
  tracks: z.array(z.string()).optional(),
  parameters: z.array(z.string()).optional(),
  metrics: z.array(z.string()).optional(),
  warnings: z
    .array(IssueSchema)
    .describe(
      "What `georisk validate` warns of, located: the model's warnings, then each parameter without provenance (`missing_provenance`); a prior outside its range (`bad_prior`) is an issue, not a warning",
    ),
  issues: z.array(IssueSchema).describe("An invalid document's problems, each with line, column and hint; empty when valid"),
});

/** The error body of every 4xx and 5xx. */
export const ErrorBodySchema = z.object({
  code: z.string().describe('Stable error code, e.g. "yaml_syntax", "budget_exceeded", "not_found", "server_busy"'),
  message: z.string(),
  path: z.string().describe('Where the problem is: a dotted path into the request or the scenario; empty for the whole'),
  hint: z
    .string()
    .optional()
    .describe("How to fix the request, where the API or the engine can tell (e.g. a misspelt key; a scenario problem's first hint)"),
  issues: z.array(IssueSchema).optional().describe('Every problem found in a scenario document, with line and column where known'),
  requestId: z.string().optional(),
});
