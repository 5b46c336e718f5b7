/** Reads the reference class of interstate clashes (scenarios/reference-class/clashes.yaml) strictly, every problem located by line and column. */
import { z } from 'zod';
import { GeoriskError, type Issue, nearest } from '../errors.ts';
import { locateIssues, readDocument } from '../load-document.ts';
import { zodIssues } from '../scenario/scenario.ts';
import type { DocumentKind } from '../scenario/zod-issues.ts';

/** Non-empty text. */
const TextSchema = z.string().min(1);

/** Why a date is refused, or undefined for a real YYYY-MM-DD date. */
function dateProblem(s: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return `"${s}" is not a date in the form YYYY-MM-DD`;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return `"${s}" is not a real date`;
  return undefined;
}

/** A calendar date written YYYY-MM-DD (YAML reads an unquoted 2020-09-27 as text). */
export const DateSchema = z.string().superRefine((s, ctx) => {
  const problem = dateProblem(s);
  if (problem !== undefined) {
    ctx.addIssue({ code: 'custom', message: problem, params: { hint: 'write the date as YYYY-MM-DD, e.g. 2020-09-27' } });
  }
});

const Count = z.number().nonnegative({ error: 'must not be negative' });

/** A contested number: the lowest and highest figure a cited source gives, and the best estimate between them. */
export const RangeSchema = z
  .object({ low: Count, best: Count, high: Count, note: TextSchema.optional() })
  .strict()
  .superRefine((r, ctx) => {
    const hint = 'a range is written low ≤ best ≤ high: swap the numbers or correct the one that is wrong';
    if (r.low > r.best) ctx.addIssue({ code: 'custom', path: ['low'], message: `low ${r.low} is above best ${r.best}`, params: { hint } });
    else if (r.best > r.high) {
      ctx.addIssue({ code: 'custom', path: ['high'], message: `high ${r.high} is below best ${r.best}`, params: { hint } });
    }
  });

/** What a forecaster could know on the onset day (CODING.md §4). */
export const CovariatesSchema = z
  .object({
    power_ratio: z.enum(['parity', 'advantage', 'preponderance']),
    power_basis: z.enum(['judgement', 'source']),
    defence_ally: z.enum(['none', 'one_side', 'both']),
    patron_mediator: z.boolean(),
    terrain: z.enum(['mountain', 'highland', 'desert', 'jungle', 'plain', 'riverine', 'maritime', 'air', 'mixed']),
    prior_clash_5y: z.boolean(),
    territorial_dispute: z.boolean(),
    nuclear_dyad: z.boolean(),
    initial_scale: z.enum(['incident', 'limited', 'offensive']),
  })
  .strict();

/** What happened, by thresholds (CODING.md §3). */
export const OutcomesSchema = z
  .object({
    battle_deaths: RangeSchema,
    days_of_fighting: RangeSchema,
    war: z.boolean(),
    truce_within_7_days: z.boolean(),
    ended_by: z.enum(['mediated_truce', 'bilateral_truce', 'de_facto_halt', 'military_decision', 'ongoing']),
    mediator: TextSchema.optional(),
  })
  .strict();

/** A page that was read to code an episode. */
export const SourceSchema = z
  .object({
    title: TextSchema,
    url: z.string().regex(/^https?:\/\/\S+$/, { error: 'must be a web address starting with http:// or https://' }),
    note: TextSchema.optional(),
  })
  .strict();

/** One clash, entered on the day the fighting started. */
export const ClashSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'must be lower-case letters, digits and "-"' }),
    name: TextSchema,
    states: z.tuple([TextSchema, TextSchema]),
    initiator: TextSchema,
    onset: DateSchema,
    covariates: CovariatesSchema,
    outcomes: OutcomesSchema,
    sources: z.array(SourceSchema).min(1),
    notes: TextSchema.optional(),
  })
  .strict();

/** A case considered and left out, with the rule that left it out. */
export const ExcludedSchema = z.object({ case: TextSchema, reason: TextSchema }).strict();

/** The whole file, with the checks that tie episodes to the file's thresholds. */
export const ReferenceClassSchema = z
  .object({
    kind: z.literal('reference-class'),
    coding: TextSchema,
    war_threshold_battle_deaths: z.number().positive({ error: 'must be positive' }),
    truce_window_days: z.number().positive({ error: 'must be positive' }),
    episodes: z.array(ClashSchema).min(1),
    excluded: z.array(ExcludedSchema).optional(),
  })
  .strict()
  .superRefine((doc, ctx) => {
    const ids = new Set<string>();
    doc.episodes.forEach((e, i) => {
      const add = (path: (string | number)[], message: string, hint: string) =>
        ctx.addIssue({ code: 'custom', path: ['episodes', i, ...path], message, params: { hint } });
      if (ids.has(e.id)) add(['id'], `"${e.id}" is used twice`, 'give each episode its own id');
      ids.add(e.id);
      if (e.states[0] === e.states[1]) add(['states'], 'a clash is between two different states', 'name both states');
      if (!e.states.includes(e.initiator) && e.initiator !== 'contested') {
        add(['initiator'], `"${e.initiator}" is neither of the states`, `write ${e.states[0]}, ${e.states[1]} or contested`);
      }
      const best = e.outcomes.battle_deaths.best;
      const threshold = doc.war_threshold_battle_deaths;
      if (e.outcomes.war !== best >= threshold) {
        add(
          ['outcomes', 'war'],
          `war is ${e.outcomes.war} but the best battle_deaths, ${best}, is ${best >= threshold ? 'at or above' : 'below'} the threshold ${threshold}`,
          'war is set by the threshold, not by a label: correct war or battle_deaths.best',
        );
      }
      const shortest = e.outcomes.days_of_fighting.low;
      if (e.outcomes.truce_within_7_days && shortest > doc.truce_window_days) {
        add(
          ['outcomes', 'truce_within_7_days'],
          `truce_within_7_days is true but days_of_fighting.low is ${shortest}`,
          'fighting that lasted longer than the window did not stop within it: write false, or correct days_of_fighting',
        );
      }
    });
  });

/** One clash of the reference class, as read. */
export type Clash = z.infer<typeof ClashSchema>;
/** A contested number. */
export type Range = z.infer<typeof RangeSchema>;
/** The reference class file, as read. */
export type ReferenceClass = z.infer<typeof ReferenceClassSchema>;

/** The keys each part of the file allows, for "did you mean" hints on unknown keys. */
const KEYS: Record<string, readonly string[]> = {
  root: Object.keys(ReferenceClassSchema.shape),
  episode: Object.keys(ClashSchema.shape),
  covariates: Object.keys(CovariatesSchema.shape),
  outcomes: Object.keys(OutcomesSchema.shape),
  range: ['low', 'best', 'high', 'note'],
  source: Object.keys(SourceSchema.shape),
  excluded: Object.keys(ExcludedSchema.shape),
};

/** Which part of the file a path (to the mapping holding a key) is in. */
function partAt(path: readonly (string | number)[]): string {
  const [top, , section, sub] = path;
  if (path.length === 0) return 'root';
  if (top === 'excluded') return 'excluded';
  if (path.length === 2) return 'episode';
  if (section === 'sources') return 'source';
  if (section === 'outcomes') return sub === undefined ? 'outcomes' : 'range';
  return section === 'covariates' ? 'covariates' : 'root';
}

/** What messages about a whole reference class file call it, and the example they point to. */
const REFERENCE_CLASS_KIND: DocumentKind = {
  name: 'reference class file',
  what: 'a reference class file',
  keys: 'kind, coding and episodes',
  start: 'write kind: reference-class, then coding: and episodes:; see scenarios/reference-class/clashes.yaml',
};

const SOURCE_HINT = 'cite at least one page you read: sources: [{ title: …, url: https://… }]';

/** Our issues for zod's: a refinement's fix from `params.hint`, and hints of this file for unknown keys and missing sources. */
function referenceIssues(error: z.ZodError, input: unknown): Issue[] {
  return error.issues.flatMap((zi) => {
    const hint = zi.code === 'custom' ? (zi.params as { hint?: unknown } | undefined)?.hint : undefined;
    return zodIssues(new z.ZodError([zi]), input, ReferenceClassSchema, REFERENCE_CLASS_KIND).map((i): Issue => {
      // A refinement's message already names the value: keep it as written, with its fix.
      if (typeof hint === 'string') return { ...i, message: zi.message, hint };
      if (i.code === 'unknown_key' && zi.code === 'unrecognized_keys' && !i.hint?.startsWith('YAML split')) {
        const key = i.path.slice(i.path.lastIndexOf('.') + 1);
        const allowed = KEYS[partAt(zi.path.filter((p): p is string | number => typeof p !== 'symbol'))] ?? [];
        const near = nearest(key, allowed);
        return { ...i, hint: near === undefined ? `remove it; allowed keys: ${allowed.join(', ')}` : `did you mean "${near}"?` };
      }
      if (/\.sources$/.test(i.path)) return { ...i, hint: SOURCE_HINT };
      return i;
    });
  });
}

/** A checked reference class and a way to locate later problems in its file. */
export interface LoadedReferenceClass {
  referenceClass: ReferenceClass;
  /** Adds the file, line and column to issues whose path points into the file. */
  locate(issues: Issue[]): Issue[];
}

/**
 * Reads and checks a reference class file; throws `GeoriskError` with every problem found, each at file:line:column.
 * @example readReferenceClass(fs.readFileSync('scenarios/reference-class/clashes.yaml', 'utf8'), 'clashes.yaml').referenceClass.episodes.length
 */
export function readReferenceClass(text: string, file?: string): LoadedReferenceClass {
  const doc = readDocument(text, file);
  const parsed = ReferenceClassSchema.safeParse(doc.value);
  if (!parsed.success) throw new GeoriskError(locateIssues(doc, referenceIssues(parsed.error, doc.value)));
  return { referenceClass: parsed.data, locate: (issues) => locateIssues(doc, issues) };
}
