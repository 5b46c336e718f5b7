/** The episode file of a backtest (scenarios/backtest/episodes.yaml) as zod schemas, and the plain data it is read into. */
import { z } from 'zod';
import type { Overrides } from '../model/model.ts';

/** Non-empty text. */
const TextSchema = z.string().min(1);

/** An outcome that the backtest scores: an event (Brier and log scores) or a count (CRPS on its `scale`). */
export const QuestionSchema = z.object({
  kind: z.enum(['event', 'count']),
  label: TextSchema.optional(),
  scale: z.enum(['linear', 'log1p']).optional(),
  unit: TextSchema.optional(),
  description: TextSchema.optional(),
});

/** Which metric forecasts a question: a name, or `{metric, divide_by, at_most}` to convert units or read an event off a count. */
export const ForecastRefSchema = z.union([
  z.string(),
  z.object({
    metric: TextSchema,
    divide_by: z.number().positive({ error: 'must be positive' }).optional(),
    at_most: z.number().optional(),
  }),
]);

/** A scenario variant scored besides the scenario as it stands: overrides of it, or another file (a fitted variant). */
export const RunSpecSchema = z.object({
  label: TextSchema,
  scenario: TextSchema.optional(),
  set: z.record(z.string(), z.number()).optional(),
  note: TextSchema.optional(),
});

/** One historical episode: what happened, and (with a scenario) which metrics forecast it. Other keys are notes for readers. */
export const EpisodeSchema = z.object({
  id: TextSchema,
  title: TextSchema.optional(),
  scenario: TextSchema.nullable().optional(),
  start: TextSchema.optional(),
  end: TextSchema.optional(),
  observed: z.record(z.string(), z.number().nullable()),
  forecast: z.record(z.string(), ForecastRefSchema).optional(),
  runs: z.array(RunSpecSchema).optional(),
  sources: z.array(z.unknown()).optional(),
});

/** The whole episode file, with the checks that tie its parts together. */
export const EpisodeFileSchema = z
  .object({
    kind: z.literal('backtest-episodes'),
    questions: z.record(z.string(), QuestionSchema),
    episodes: z.array(EpisodeSchema).min(1),
  })
  .superRefine((doc, ctx) => {
    const ids = new Set<string>();
    doc.episodes.forEach((e, i) => {
      const add = (path: (string | number)[], message: string, hint: string) =>
        ctx.addIssue({ code: 'custom', path: ['episodes', i, ...path], message, params: { hint } });
      if (ids.has(e.id)) add(['id'], `"${e.id}" is used twice`, 'give each episode its own id');
      ids.add(e.id);
      const known = `known questions: ${Object.keys(doc.questions).join(', ')}`;
      for (const [q, v] of Object.entries(e.observed)) {
        const question = doc.questions[q];
        if (question === undefined) add(['observed', q], 'unknown question', known);
        else if (question.kind === 'event' && v !== null && v !== 0 && v !== 1) {
          add(['observed', q], 'an event is 0, 1 or null', 'write 1 if it happened, 0 if not, null where the question does not apply');
        }
      }
      for (const [q, f] of Object.entries(e.forecast ?? {})) {
        const question = doc.questions[q];
        if (question === undefined) add(['forecast', q], 'unknown question', known);
        else if (typeof f !== 'string' && f.at_most !== undefined && question.kind !== 'event') {
          add(['forecast', q, 'at_most'], 'only an event question reads a threshold', 'leave out at_most for a count');
        }
      }
      if (e.scenario !== null && e.scenario !== undefined && Object.keys(e.forecast ?? {}).length === 0) {
        add(['forecast'], 'an episode with a scenario needs forecasts', 'map each question to a metric of the scenario');
      }
    });
  });

/** A question, with its defaults filled in. */
export interface Question {
  kind: 'event' | 'count';
  label: string;
  unit?: string;
  scale: 'linear' | 'log1p';
  description?: string;
}

/** Which metric forecasts a question, and how to read it. */
export interface ForecastRef {
  metric: string;
  divideBy: number;
  atMost?: number;
}

/** A scenario variant: its label, its scenario file where not the episode's (relative to the episode file), and its overrides. */
export interface RunSpec {
  label: string;
  scenario?: string;
  set: Overrides;
  note?: string;
}

/** An episode, with its defaults filled in. */
export interface Episode {
  id: string;
  title: string;
  scenario: string | null;
  start?: string;
  end?: string;
  observed: Record<string, number | null>;
  forecast: Record<string, ForecastRef>;
  runs: RunSpec[];
  sources: string[];
}

/** The questions and episodes of a backtest. */
export interface EpisodeFile {
  questions: Record<string, Question>;
  episodes: Episode[];
}

/** Fills in the defaults of a checked episode file (label = the question's name, title = the id, scale linear). */
export function episodeFileOf(doc: z.infer<typeof EpisodeFileSchema>): EpisodeFile {
  const questions: Record<string, Question> = {};
  for (const [name, q] of Object.entries(doc.questions)) {
    questions[name] = {
      kind: q.kind,
      label: q.label ?? name,
      scale: q.scale ?? 'linear',
      ...(q.unit !== undefined ? { unit: q.unit } : {}),
      ...(q.description !== undefined ? { description: q.description } : {}),
    };
  }
  return { questions, episodes: doc.episodes.map(episodeOf) };
}

function episodeOf(e: z.infer<typeof EpisodeSchema>): Episode {
  const forecast: Record<string, ForecastRef> = {};
  for (const [q, f] of Object.entries(e.forecast ?? {})) {
    forecast[q] =
      typeof f === 'string'
        ? { metric: f, divideBy: 1 }
        : { metric: f.metric, divideBy: f.divide_by ?? 1, ...(f.at_most !== undefined ? { atMost: f.at_most } : {}) };
  }
  const runs = (e.runs ?? []).map(
    (r): RunSpec => ({
      label: r.label,
      set: { ...r.set },
      ...(r.scenario !== undefined ? { scenario: r.scenario } : {}),
      ...(r.note !== undefined ? { note: r.note.trim() } : {}),
    }),
  );
  return {
    id: e.id,
    title: (e.title ?? e.id).trim(),
    scenario: e.scenario ?? null,
    observed: e.observed,
    forecast,
    runs,
    sources: (e.sources ?? []).map((s) => String(s)),
    ...(e.start !== undefined ? { start: e.start } : {}),
    ...(e.end !== undefined ? { end: e.end } : {}),
  };
}
