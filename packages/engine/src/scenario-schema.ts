/**
 * The shape of a scenario document: one zod schema for the CLI, the API and the web form, exported
 * as JSON Schema for editors. Cross-references (states, names, expressions) are checked later by
 * `buildModel` (model.ts), which knows the whole document.
 */
import { z } from 'zod';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Names that results would key objects by and that objects already have: a state called
 * `__proto__` set the prototype of every per-state map instead of a share (its probability vanished
 * from the results). Keys of these names are refused where the document is read (`forbidden_key`).
 */
const OBJECT_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A declared name: an ASCII letter or underscore, then ASCII letters, digits or underscores. */
export const NameSchema = z
  .string()
  .regex(IDENTIFIER, 'must start with an ASCII letter (a–z, A–Z) or "_" and contain only ASCII letters, digits and "_"')
  .refine(
    (name) => !OBJECT_NAMES.has(name),
    'a name may not be __proto__, constructor or prototype (every JavaScript object has them): choose another name',
  );

/** The message of `FiniteNumberSchema`'s magnitude check; validation maps it to `bad_number`. */
export const FINITE_NUMBER_MESSAGE = 'must be a finite number with |x| <= 1e15';

/** A finite number of sane magnitude. */
export const FiniteNumberSchema = z.number().refine((n) => Number.isFinite(n) && Math.abs(n) <= 1e15, FINITE_NUMBER_MESSAGE);

/** An expression in mathjs syntax (see docs/scenario-language.md), or a plain number. */
export const ExpressionSchema = z
  .union([z.string().min(1), FiniteNumberSchema])
  .describe('An expression in mathjs syntax, e.g. `conflict == "war" ? 0.1 : 0`, or a number');
export type Expression = z.infer<typeof ExpressionSchema>;

/** A source given as a mapping (a title, and where to find it). */
export const SourceObjectSchema = z.strictObject({
  title: z.string().min(1),
  url: z.string().optional(),
  note: z.string().optional(),
});

const SourceSchema = z.union([z.string().min(1), SourceObjectSchema]).describe('A citation: free text, or {title, url, note}');

/** A short plain-words name shown instead of the snake_case one: one line, a few words. */
export const LabelSchema = z
  .string()
  .trim()
  .min(1, 'a label needs some words')
  .max(80, 'a label is a few plain words (at most 80 characters): put the rest in "description"')
  .refine((s) => !/[\r\n]/.test(s), 'a label is one line: put the rest in "description"')
  .describe('Plain words shown instead of the name, e.g. "War within 30 days"');

const positive = FiniteNumberSchema.refine((n) => n > 0, 'must be > 0');

/** Uncertainty about a parameter, drawn once per trial. */
export const DistributionSchema = z
  .discriminatedUnion('dist', [
    z.strictObject({ dist: z.literal('uniform'), min: FiniteNumberSchema, max: FiniteNumberSchema }),
    z.strictObject({
      dist: z.literal('triangular'),
      min: FiniteNumberSchema,
      mode: FiniteNumberSchema,
      max: FiniteNumberSchema,
    }),
    z.strictObject({ dist: z.literal('normal'), mean: FiniteNumberSchema, sd: FiniteNumberSchema }),
    z.strictObject({ dist: z.literal('lognormal'), mu: FiniteNumberSchema, sigma: FiniteNumberSchema }),
    z.strictObject({ dist: z.literal('beta'), alpha: positive, beta: positive }),
    z.strictObject({ dist: z.literal('gamma'), shape: positive, scale: positive }),
  ])
  .describe('An uncertainty distribution, drawn once per trial');
export type Distribution = z.infer<typeof DistributionSchema>;

/**
 * Where a parameter's value comes from: read off a source, computed from sourced figures, assumed by
 * the author, or fitted to an outcome; or a `setting` of the scenario (a switch, not a fact about the
 * world, so it has no prior). `sourced` needs sources (here or in the parameter's `sources`).
 */
export const ProvenanceSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('sourced'),
      sources: z.array(SourceSchema).min(1).optional().describe("Citations (or use the parameter's `sources`)"),
      note: z.string().optional(),
    }),
    z.strictObject({ kind: z.literal('derived'), from: z.string().min(1).describe('The arithmetic, and what it starts from') }),
    z.strictObject({ kind: z.literal('assumed'), note: z.string().optional().describe("Why (or use the parameter's `assumption`)") }),
    z.strictObject({ kind: z.literal('fitted'), to: z.string().min(1).describe('The outcome or data it was fitted to') }),
    z.strictObject({ kind: z.literal('setting'), note: z.string().optional().describe('What the switch or control does') }),
  ])
  .describe('Where the value comes from: sourced, derived, assumed or fitted; or a setting (a switch, no prior)');
export type Provenance = z.infer<typeof ProvenanceSchema>;

/** The fields of a switch or choice parameter that must agree: default among the values, range spanning them, no continuous prior. */
function checkDiscreteParameter(
  p: {
    default: number;
    range?: [number, number] | undefined;
    uncertainty?: unknown;
    kind?: 'switch' | undefined;
    choices?: number[] | undefined;
    choice_labels?: string[] | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  const add = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (p.kind === 'switch' && p.choices !== undefined)
    add(['choices'], 'a switch takes 0 and 1: drop `choices`, or drop `kind: switch` for a choice');
  if (p.choice_labels !== undefined && p.choices === undefined)
    add(['choice_labels'], 'labels name the values of `choices`: add `choices`, or drop `choice_labels`');
  if (p.choice_labels !== undefined && p.choices !== undefined && p.choice_labels.length !== p.choices.length)
    add(['choice_labels'], `give one label per choice: ${p.choices.length} choices, ${p.choice_labels.length} labels`);
  const levels = p.choices ?? (p.kind === 'switch' ? [0, 1] : undefined);
  if (levels === undefined) return;
  const what = p.kind === 'switch' ? 'a switch' : 'a choice';
  const list = `${levels.slice(0, -1).join(', ')} or ${levels.at(-1)}`;
  if (new Set(levels).size !== levels.length) add(['choices'], 'each choice is listed once: remove the repeated values');
  if (!levels.includes(p.default)) add(['default'], `the default of ${what} must be one of its values, ${list}`);
  const lo = Math.min(...levels);
  const hi = Math.max(...levels);
  if (p.range !== undefined && (p.range[0] !== lo || p.range[1] !== hi))
    add(
      ['range'],
      `the range [${p.range.join(', ')}] of ${what} contradicts its values ${list}: write range: [${lo}, ${hi}] or leave it out`,
    );
  if (p.uncertainty !== undefined)
    add(
      ['uncertainty'],
      `${what} is a setting, not an uncertain fact: it takes no \`uncertainty\`; drop it (sweep or compare its values instead)`,
    );
}

/** A named number a user can change. */
export const ParameterSchema = z
  .strictObject({
    default: FiniteNumberSchema.describe('The value used unless overridden'),
    range: z
      .tuple([FiniteNumberSchema, FiniteNumberSchema])
      .optional()
      .describe('Plausible [min, max]; sliders and sensitivity analysis use it'),
    label: LabelSchema.optional(),
    unit: z.string().optional(),
    description: z.string().optional(),
    sources: z.array(SourceSchema).optional().describe('Where the default comes from'),
    assumption: z.string().optional().describe('Why the value was chosen, when no source gives it'),
    uncertainty: DistributionSchema.optional().describe(
      'Its prior: a distribution drawn once per trial (without one, a parameter with a range gets the default prior)',
    ),
    provenance: ProvenanceSchema.optional(),
    kind: z.literal('switch').optional().describe('`switch`: the parameter is off (0) or on (1), shown as a toggle'),
    choices: z
      .array(FiniteNumberSchema)
      .min(2, 'a choice needs at least 2 values')
      .optional()
      .describe('The only values the parameter may take, in order (shown as a select; designs sample only these)'),
    choice_labels: z.array(z.string().min(1)).optional().describe('Plain words for each of `choices`, in the same order'),
    group: z
      .string()
      .min(1, 'a group needs a name')
      .max(80, 'a group is named in a few plain words (at most 80 characters)')
      .optional()
      .describe(
        "The group it belongs to, in a few plain words: the web app folds parameters by group, and Sobol' grouped by module takes it as its group",
      ),
  })
  .refine((p) => p.provenance?.kind !== 'sourced' || p.provenance.sources !== undefined || p.sources !== undefined, {
    message: "a sourced parameter needs its sources: list them under provenance.sources or the parameter's sources",
    path: ['provenance', 'sources'],
  })
  .superRefine(checkDiscreteParameter);
export type Parameter = z.infer<typeof ParameterSchema>;

const AssignmentsSchema = z.record(NameSchema, ExpressionSchema);

/** A move from one state to another, at a rate (hazard per time unit) or with a per-step probability. */
export const TransitionSchema = z
  .strictObject({
    from: z.union([z.string(), z.array(z.string()).min(1)]).describe('State, or list of states, left'),
    to: z.string().describe('State entered'),
    rate: ExpressionSchema.optional().describe('Hazard per time unit (competing risks)'),
    probability: ExpressionSchema.optional().describe('Probability per step'),
    set: AssignmentsSchema.optional().describe('Variables set when the transition happens'),
    add: AssignmentsSchema.optional().describe('Amounts added to variables when the transition happens'),
    description: z.string().optional(),
  })
  .refine((t) => (t.rate === undefined) !== (t.probability === undefined), {
    message: 'give exactly one of "rate" or "probability"',
  });
export type Transition = z.infer<typeof TransitionSchema>;

/** A concurrent state machine; without `states` it extends a track declared elsewhere (a module). */
export const TrackSchema = z.strictObject({
  states: z.array(NameSchema).min(1).optional(),
  initial: z.string().optional(),
  description: z.string().optional(),
  transitions: z.array(TransitionSchema).default([]),
});
export type Track = z.infer<typeof TrackSchema>;

/** Numeric state that flows and events change. */
export const VariableSchema = z.strictObject({
  initial: FiniteNumberSchema.default(0),
  unit: z.string().optional(),
  description: z.string().optional(),
});

/** Adds `amount` to a variable every step while `when` holds. */
export const FlowSchema = z.strictObject({
  to: NameSchema,
  amount: ExpressionSchema,
  when: ExpressionSchema.optional(),
  description: z.string().optional(),
});
export type Flow = z.infer<typeof FlowSchema>;

/** Something that happens at a time, or the first time a condition holds. */
export const EventSchema = z
  .strictObject({
    id: z.string().optional(),
    at: FiniteNumberSchema.optional().describe('Time at which it applies (a multiple of dt)'),
    when: ExpressionSchema.optional().describe('Applies the first time this holds'),
    set: AssignmentsSchema.optional().describe('Parameters or variables to set'),
    add: AssignmentsSchema.optional().describe('Amounts added to variables'),
    force: z.record(NameSchema, z.string()).optional().describe('Tracks forced into a state'),
    description: z.string().optional(),
  })
  .refine((e) => (e.at === undefined) !== (e.when === undefined), {
    message: 'give exactly one of "at" or "when"',
  });
export type ScenarioEvent = z.infer<typeof EventSchema>;

/** A named outcome computed at the end of every trial. */
export const MetricSchema = z.strictObject({
  expr: ExpressionSchema.describe('e.g. ever(conflict, "war"), first(conflict, "ceasefire"), fatalities'),
  label: LabelSchema.optional(),
  unit: z.string().optional(),
  description: z.string().optional(),
});
export type Metric = z.infer<typeof MetricSchema>;

/** A module included with its own bindings. */
export const IncludeSchema = z.strictObject({
  module: z.string().min(1).describe('Path of the module file, relative to the including file'),
  with: z.record(NameSchema, FiniteNumberSchema).optional().describe('New defaults for its parameters'),
  rename: z.record(NameSchema, NameSchema).optional().describe("Its names mapped to this scenario's names"),
});
export type Include = z.infer<typeof IncludeSchema>;

export const TimeSchema = z.strictObject({
  unit: z.enum(['day', 'hour']),
  dt: positive.describe('Step length in time units'),
  horizon: positive.describe('Simulated time in time units; a whole number of steps'),
});

const documentFields = {
  $schema: z.string().optional(),
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lower-case letters, digits, ".", "_" and "-"')
    .max(100),
  title: z.string().optional(),
  question: z.string().optional(),
  description: z.string().optional(),
  tags: z.array(z.string()).optional(),
  start: z.string().optional().describe('Calendar time of t = 0, ISO 8601: labels, and the calendar that month and day_of_year read'),
  sources: z.array(SourceSchema).optional(),
  include: z.array(IncludeSchema).optional(),
  parameters: z.record(NameSchema, ParameterSchema).default({}),
  tracks: z.record(NameSchema, TrackSchema).default({}),
  variables: z.record(NameSchema, VariableSchema).default({}),
  flows: z.array(FlowSchema).default([]),
  events: z.array(EventSchema).default([]),
  metrics: z.record(NameSchema, MetricSchema).default({}),
};

/** What a scenario about a past episode knew of how it ended: the reader's guard against hindsight. */
export const HindsightSchema = z
  .strictObject({
    kind: z
      .enum(['none', 'pooled', 'fitted'])
      .describe(
        'none: a forecast from what was knowable at `start`; pooled: some defaults count later episodes or its own (not a forecast from its start); fitted: a reconstruction fitted to the outcome',
      ),
    note: z.string().min(1).optional().describe('What in particular: which parameters know what, and where the forecast test is'),
  })
  .describe('What the scenario knows of how its episode ended (shown beside its results)');
export type Hindsight = z.infer<typeof HindsightSchema>;

/** A complete scenario document. */
export const ScenarioSchema = z.strictObject({
  kind: z.literal('scenario').optional(),
  ...documentFields,
  hindsight: HindsightSchema.optional(),
  time: TimeSchema,
});
/** A scenario as written (modules not yet expanded). */
export type ScenarioDocument = z.infer<typeof ScenarioSchema>;

/** A reusable fragment: a scenario without a time block. */
export const ModuleSchema = z.strictObject({
  kind: z.literal('module'),
  ...documentFields,
});
export type ModuleDocument = z.infer<typeof ModuleSchema>;

/** JSON Schema of scenario documents, for editors (`$schema` at the top of a file). */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(z.union([ScenarioSchema, ModuleSchema]), {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://georisk.dev/schema/scenario.schema.json',
    title: 'georisk scenario',
  };
}
