/**
 * Classroom exercises: a teacher's definition (levers students decide, questions they forecast),
 * checking a student's submission, turning the class's decisions into scenario overrides, and the
 * debrief that scores every forecast against the engine's outcome distribution.
 *
 * Scoring choices (docs/teaching/README.md explains them to teachers):
 * - a probability forecast f is scored by its *expected* Brier and log score under the engine's
 *   probability q of the event, q·S(f, 1) + (1 − q)·S(f, 0): still proper (minimised at f = q), and
 *   a class is not ranked by the luck of one simulated world;
 * - a quantity forecast x (a point forecast of the median) is scored by its expected absolute error
 *   E|x − Y| under the outcome distribution (the CRPS of a point forecast; minimised at the median),
 *   and by that error relative to the median's own, so questions in different units can be averaged.
 *
 * @example
 * const decided = classDecisions(exercise, submissions);
 * // run the scenario with decided.overrides and with {} (same seed), then:
 * const debrief = buildDebrief(exercise, students, outcomes, baseline);
 */
import { z } from 'zod';
import { csvCell } from './csv-cell.ts';
import { defined } from './defined.ts';
import type { Model } from './model/model.ts';
import { MAX_SEED } from './rng.ts';
import { NameSchema } from './scenario-schema.ts';
import { brierScore, logScore } from './scoring.ts';
import type { RunSummary } from './simulate/simulate.ts';
import { outcomeGrid, type QuantileName, summarizeMetric } from './summarize.ts';

/** Most levers, questions and teams one exercise may have. */
export const MAX_LEVERS = 12;
export const MAX_QUESTIONS = 12;
export const MAX_TEAMS = 8;
/** The grid of a quantity question's outcome distribution: defined with the summaries, where an update makes it too. */
export { OUTCOME_GRID_POINTS, quantileGrid } from './summarize.ts';

/** Invisible formatting characters (bidi overrides, zero-width joiners) that could make one name look like another. */
const FORMAT_CHARS = /\p{Cf}/u;

/** Whether text is plain: no control characters (newlines and tabs only where `multiline`), no formatting characters. */
export function isPlainText(text: string, multiline = false): boolean {
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    const control = code < 0x20 || (code >= 0x7f && code < 0xa0);
    if (control && !(multiline && (ch === '\n' || ch === '\t' || ch === '\r'))) return false;
  }
  return !FORMAT_CHARS.test(text);
}

const Label = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((t) => isPlainText(t), 'must be one line of plain text (no control or invisible characters)');
const Text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((t) => isPlainText(t, true), 'must be plain text (no control or invisible characters)');
const Id = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z][a-z0-9_-]*$/, 'must be lower-case letters, digits, "_" or "-", starting with a letter');

const OverridesSchema = z.record(NameSchema, z.number().refine(Number.isFinite, 'must be a finite number'));

/** One choice of a lever: the parameter values it sets (empty for "the scenario as written"). */
export const LeverOptionSchema = z.strictObject({
  id: Id,
  label: Label(120),
  overrides: OverridesSchema.default({}),
});

/** A decision students make: pick one option, or a number within a parameter's range. */
export const LeverSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('choice'),
    id: Id,
    label: Label(120),
    description: Text(1000).default(''),
    /** The team that decides this lever; every student when left out. */
    team: Id.optional(),
    options: z.array(LeverOptionSchema).min(2).max(6),
    /** The option that stands for doing nothing (the baseline run uses it); default the first. */
    noAction: Id.optional(),
  }),
  z.strictObject({
    kind: z.literal('range'),
    id: Id,
    label: Label(120),
    description: Text(1000).default(''),
    team: Id.optional(),
    parameter: NameSchema,
    min: z.number(),
    max: z.number(),
    step: z.number().positive().optional(),
  }),
]);
export type Lever = z.infer<typeof LeverSchema>;

/** What actually happened, for a historical exercise: the outcome (1 or 0 for a yes/no question) and a public source. */
export const ActualSchema = z.strictObject({
  value: z.number().refine(Number.isFinite, 'must be a finite number'),
  source: z.url({ protocol: /^https$/, error: 'must be an https address of a public source' }),
  note: Text(300).optional(),
});
export type Actual = z.infer<typeof ActualSchema>;

/** A question students forecast: the probability of a 0/1 metric, or a point forecast of a metric's median. */
export const QuestionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('probability'),
    id: Id,
    label: Label(200),
    metric: NameSchema,
    actual: ActualSchema.refine((a) => a.value === 0 || a.value === 1, {
      message: 'a yes/no question happened (1) or did not (0)',
      path: ['value'],
    }).optional(),
  }),
  z.strictObject({
    kind: z.literal('quantity'),
    id: Id,
    label: Label(200),
    metric: NameSchema,
    actual: ActualSchema.optional(),
    unit: Label(40).optional(),
    /** Bounds of an acceptable answer (a typo guard, not a hint). */
    min: z.number().default(0),
    max: z.number().default(1e9),
  }),
]);
export type Question = z.infer<typeof QuestionSchema>;

/** One term of a team's payoff: `weight` × the mean of `metric` (negative weights for what the team wants less of). */
export const PayoffTermSchema = z.strictObject({
  metric: NameSchema,
  weight: z.number().refine((w) => Number.isFinite(w) && w !== 0, 'must be a finite number other than 0'),
});

export const TeamSchema = z.strictObject({
  id: Id,
  name: Label(60),
  /** The team's stated aims, shown to its members and in the debrief. */
  aims: Text(1000).optional(),
  /** The team's payoff, a weighted sum of metric means, computed with the class's decisions and with none. */
  payoff: z.array(PayoffTermSchema).min(1).max(8).optional(),
});
export type Team = z.infer<typeof TeamSchema>;

/** Most turns a seminar exercise may have. */
export const MAX_TURNS = 4;

/**
 * A turn of a multi-turn exercise: a briefing released to the class, observations in the live-update
 * format that the turn's forecasts are conditioned on (with those of earlier turns), and the ids
 * of the questions asked and the levers decided in this turn.
 */
export const TurnSchema = z.strictObject({
  id: Id,
  title: Label(120),
  briefing: Text(6000).min(1),
  /** What became known by this turn, as observations (`georisk update`'s format); none for the first turn, usually. */
  observations: z.array(z.record(z.string(), z.unknown())).max(100).default([]),
  /** The scenario time the observations run to (default: the last observation's). */
  asOf: z.union([z.number().nonnegative(), z.string().max(20)]).optional(),
  questions: z.array(Id).max(MAX_QUESTIONS).default([]),
  levers: z.array(Id).max(MAX_LEVERS).default([]),
});
export type Turn = z.infer<typeof TurnSchema>;

/** What a teacher sets: the scenario, the briefing, the levers, the questions and the deadline. */
export const ExerciseSchema = z
  .strictObject({
    scenarioId: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be a scenario id such as "armenia-azerbaijan-2022"'),
    title: Label(120),
    briefing: Text(6000).min(1),
    teams: z.array(TeamSchema).max(MAX_TEAMS).default([]),
    levers: z.array(LeverSchema).max(MAX_LEVERS).default([]),
    questions: z.array(QuestionSchema).min(1).max(MAX_QUESTIONS),
    /** Turns, for a seminar: each releases information and asks its own questions and levers; none for a one-turn exercise. */
    turns: z.array(TurnSchema).min(2).max(MAX_TURNS).optional(),
    /** Trials of each of the two runs at the reveal. */
    trials: z.number().int().min(1000).max(200_000).default(20_000),
    seed: z.number().int().min(0).max(MAX_SEED).default(1),
    /** When submissions close: an ISO 8601 date and time with a zone (e.g. 2026-03-02T10:45:00Z). */
    deadline: z.iso.datetime({ offset: true }),
  })
  .superRefine((x, ctx) => {
    const unique = (ids: string[], path: string) => {
      const seen = new Set<string>();
      ids.forEach((id, i) => {
        if (seen.has(id))
          ctx.addIssue({ code: 'custom', path: [path, i, 'id'], message: `"${id}" is used twice; give each a different id` });
        seen.add(id);
      });
    };
    unique(
      x.teams.map((t) => t.id),
      'teams',
    );
    unique(
      x.levers.map((l) => l.id),
      'levers',
    );
    unique(
      x.questions.map((q) => q.id),
      'questions',
    );
    const teams = new Set(x.teams.map((t) => t.id));
    const setBy = new Map<string, string>();
    x.levers.forEach((lever, i) => {
      if (lever.team !== undefined && !teams.has(lever.team)) {
        ctx.addIssue({
          code: 'custom',
          path: ['levers', i, 'team'],
          message: `no team "${lever.team}"; use one of: ${[...teams].join(', ') || '(declare teams first)'}`,
        });
      }
      const params = lever.kind === 'range' ? [lever.parameter] : [...new Set(lever.options.flatMap((o) => Object.keys(o.overrides)))];
      if (lever.kind === 'range' && !(lever.min < lever.max)) {
        ctx.addIssue({ code: 'custom', path: ['levers', i, 'max'], message: 'max must be greater than min' });
      } else if (lever.kind === 'range' && lever.step !== undefined && !onStepGrid(lever.max, lever.min, lever.step)) {
        const k = Math.floor((lever.max - lever.min) / lever.step);
        ctx.addIssue({
          code: 'custom',
          path: ['levers', i, 'step'],
          message: `max ${lever.max} is not min plus a whole number of steps of ${lever.step}, so students could not pick it; make max ${gridValue(lever.min, lever.step, k)} or ${gridValue(lever.min, lever.step, k + 1)}, or change the step`,
        });
      }
      if (lever.kind === 'choice') {
        unique(
          lever.options.map((o) => o.id),
          `levers.${i}.options`,
        );
        if (lever.noAction !== undefined && !lever.options.some((o) => o.id === lever.noAction)) {
          ctx.addIssue({ code: 'custom', path: ['levers', i, 'noAction'], message: `no option "${lever.noAction}" in this lever` });
        }
      }
      for (const p of params) {
        const other = setBy.get(p);
        if (other !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['levers', i],
            message: `parameter "${p}" is already set by lever "${other}"; let one lever decide each parameter`,
          });
        }
        setBy.set(p, lever.id);
      }
    });
    x.questions.forEach((q, i) => {
      if (q.kind === 'quantity' && !(q.min < q.max)) {
        ctx.addIssue({ code: 'custom', path: ['questions', i, 'max'], message: 'max must be greater than min' });
      }
    });
    if (x.turns !== undefined) checkTurns(x as Exercise, ctx);
  });
export type Exercise = z.infer<typeof ExerciseSchema>;

/** Each question and lever in exactly one turn, turn ids unique, and every turn asking something. */
function checkTurns(x: Exercise, ctx: z.RefinementCtx): void {
  const turns = x.turns ?? [];
  for (const [kind, items] of [
    ['questions', x.questions],
    ['levers', x.levers],
  ] as const) {
    const placed = new Map<string, string>();
    turns.forEach((turn, t) => {
      turn[kind].forEach((id, j) => {
        const path = ['turns', t, kind, j];
        if (!items.some((item) => item.id === id)) {
          ctx.addIssue({ code: 'custom', path, message: `no ${kind === 'questions' ? 'question' : 'lever'} "${id}" in this exercise` });
        } else if (placed.has(id)) {
          ctx.addIssue({ code: 'custom', path, message: `"${id}" is already in turn "${placed.get(id)}"; ask each in one turn` });
        }
        placed.set(id, turn.id);
      });
    });
    items.forEach((item, i) => {
      if (!placed.has(item.id)) {
        ctx.addIssue({ code: 'custom', path: [kind, i], message: `"${item.id}" is in no turn; list its id in one turn's ${kind}` });
      }
    });
  }
  const seen = new Set<string>();
  turns.forEach((turn, t) => {
    if (seen.has(turn.id)) ctx.addIssue({ code: 'custom', path: ['turns', t, 'id'], message: `"${turn.id}" is used twice` });
    seen.add(turn.id);
    if (turn.questions.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['turns', t, 'questions'], message: 'every turn asks at least one question' });
    }
  });
}

export type ExerciseInput = z.input<typeof ExerciseSchema>;

/** What one student hands in: a forecast for every question and a decision for each lever of their team. */
export const SubmissionSchema = z.strictObject({
  forecasts: z.record(z.string().max(40), z.number()),
  decisions: z.record(z.string().max(40), z.union([z.string().max(40), z.number()])).default({}),
});
export type Submission = z.infer<typeof SubmissionSchema>;

/** A problem with a submission: where, what, and what to do. */
export interface SubmissionProblem {
  path: string;
  message: string;
}

/** Whether a student of `team` decides `lever`. */
export function decides(lever: Lever, team: string | null | undefined): boolean {
  return lever.team === undefined || lever.team === team;
}

/** The levers a student of `team` decides. */
export function leversFor(exercise: Exercise, team: string | null | undefined): Lever[] {
  return exercise.levers.filter((l) => decides(l, team));
}

/**
 * Checks a submission against the exercise: every question answered within its bounds (a
 * probability in [0, 1]), a valid decision for every lever of the student's team and none other.
 */
export function checkSubmission(exercise: Exercise, team: string | null | undefined, s: Submission): SubmissionProblem[] {
  const problems: SubmissionProblem[] = [];
  const questions = new Map(exercise.questions.map((q) => [q.id, q]));
  for (const id of Object.keys(s.forecasts)) {
    if (!questions.has(id)) problems.push({ path: `forecasts.${id}`, message: `no question "${id}" in this exercise; remove it` });
  }
  for (const q of exercise.questions) {
    const f = s.forecasts[q.id];
    const path = `forecasts.${q.id}`;
    if (f === undefined) problems.push({ path, message: `"${q.label}" has no forecast; give one` });
    else if (!Number.isFinite(f)) problems.push({ path, message: 'must be a finite number' });
    else if (q.kind === 'probability' && (f < 0 || f > 1)) {
      problems.push({ path, message: `a probability must be between 0 and 1 (write 30% as 0.3), got ${f}` });
    } else if (q.kind === 'quantity' && (f < q.min || f > q.max)) {
      problems.push({ path, message: `must be between ${q.min} and ${q.max}${q.unit ? ` ${q.unit}` : ''}, got ${f}` });
    }
  }
  const mine = new Map(leversFor(exercise, team).map((l) => [l.id, l]));
  for (const id of Object.keys(s.decisions)) {
    if (!mine.has(id)) {
      const exists = exercise.levers.some((l) => l.id === id);
      problems.push({
        path: `decisions.${id}`,
        message: exists ? `lever "${id}" is decided by another team; remove it` : `no lever "${id}" in this exercise; remove it`,
      });
    }
  }
  for (const lever of mine.values()) {
    const d = s.decisions[lever.id];
    const path = `decisions.${lever.id}`;
    if (d === undefined) problems.push({ path, message: `"${lever.label}" has no decision; choose one` });
    else if (lever.kind === 'choice') {
      if (typeof d !== 'string' || !lever.options.some((o) => o.id === d)) {
        problems.push({ path, message: `must be one of: ${lever.options.map((o) => `"${o.id}"`).join(', ')}` });
      }
    } else if (typeof d !== 'number' || !Number.isFinite(d) || d < lever.min || d > lever.max) {
      problems.push({ path, message: `must be a number between ${lever.min} and ${lever.max}` });
    } else if (lever.step !== undefined && !onStepGrid(d, lever.min, lever.step)) {
      const below = gridValue(lever.min, lever.step, Math.floor((d - lever.min) / lever.step));
      const above = Math.min(lever.max, gridValue(lever.min, lever.step, Math.ceil((d - lever.min) / lever.step)));
      problems.push({
        path,
        message: `must be ${lever.min} plus a whole number of steps of ${lever.step}, got ${d}; choose ${below} or ${above}`,
      });
    }
  }
  return problems;
}

/** Whether `value` is `min` plus a whole number of `step`s (to a millionth of a step, for decimal steps such as 0.1). */
export function onStepGrid(value: number, min: number, step: number): boolean {
  const steps = (value - min) / step;
  return Math.abs(steps - Math.round(steps)) < 1e-6;
}

/** The k-th value of a range lever's grid, rounded to 12 significant digits so 0.1 · 3 reads 0.3. */
function gridValue(min: number, step: number, k: number): number {
  return Number((min + k * step).toPrecision(12));
}

/** The option of a choice lever that means "no action". */
export function noActionOption(lever: Extract<Lever, { kind: 'choice' }>): string {
  return lever.noAction ?? defined(lever.options[0], 'a choice lever has options').id;
}

/** The overrides of one choice lever's option. */
function optionOverrides(lever: Extract<Lever, { kind: 'choice' }>, option: string): Record<string, number> {
  return lever.options.find((o) => o.id === option)?.overrides ?? {};
}

/**
 * The overrides of the "no action" run: every choice lever at its no-action option, which may set
 * parameters of its own (a "stand down" option that lowers a rate), and every range lever where the
 * scenario has it. The class's decisions are compared with this run, so a lever the class left at no
 * action makes no difference between the two.
 */
export function noActionOverrides(levers: readonly Lever[]): Record<string, number> {
  const overrides: Record<string, number> = {};
  for (const lever of levers) if (lever.kind === 'choice') Object.assign(overrides, optionOverrides(lever, noActionOption(lever)));
  return overrides;
}

/** How the class decided one lever. */
export interface LeverDecision {
  lever: string;
  /** The winning option (choice) or the median value (range); null when nobody voted (no action). */
  decision: string | number | null;
  /** Votes per option (choice) or every value given (range). */
  votes: Record<string, number> | number[];
  voters: number;
}

/**
 * The class's decisions and the overrides they make. A choice lever goes to the option with the
 * most votes (any tie goes to "no action", whether or not it is among the leaders: a divided
 * team does not act, and nor does one that did not vote); a range lever takes the median of the
 * values given, and one nobody voted on stays as the scenario has it.
 */
export function classDecisions(
  exercise: Exercise,
  submissions: readonly { team: string | null; decisions: Submission['decisions'] }[],
): { decisions: LeverDecision[]; overrides: Record<string, number> } {
  const overrides: Record<string, number> = {};
  const decisions = exercise.levers.map((lever): LeverDecision => {
    const given = submissions.filter((s) => decides(lever, s.team)).map((s) => s.decisions[lever.id]);
    if (lever.kind === 'range') {
      const values = given.filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
      if (values.length === 0) return { lever: lever.id, decision: null, votes: [], voters: 0 };
      // The median of an even count lies between two values; a lever with a step takes the nearest
      // value of its grid (0.05 and 0.12 gave 0.08499999999999999 on a grid of 0.01; now 0.09).
      const mid = sortedMedian(values);
      const median =
        lever.step === undefined
          ? mid
          : gridValue(lever.min, lever.step, Math.round(Number(((mid - lever.min) / lever.step).toPrecision(12))));
      overrides[lever.parameter] = median;
      return { lever: lever.id, decision: median, votes: values, voters: values.length };
    }
    const votes: Record<string, number> = Object.fromEntries(lever.options.map((o) => [o.id, 0]));
    let voters = 0;
    for (const v of given) {
      if (typeof v === 'string' && v in votes) {
        votes[v] = votes[v]! + 1;
        voters++;
      }
    }
    if (voters === 0) {
      Object.assign(overrides, optionOverrides(lever, noActionOption(lever)));
      return { lever: lever.id, decision: null, votes, voters };
    }
    const top = Math.max(...Object.values(votes));
    const leaders = lever.options.filter((o) => votes[o.id] === top).map((o) => o.id);
    // A tie between different options is a divided team, and a divided team does not act.
    const winner = leaders.length === 1 ? defined(leaders[0], 'one leader') : noActionOption(lever);
    Object.assign(overrides, optionOverrides(lever, winner));
    return { lever: lever.id, decision: winner, votes, voters };
  });
  return { decisions, overrides };
}

/** The engine's answer to one question, from one run; `n`: the trials it rests on (a conditioned turn's: their effective sample size). */
export type QuestionOutcome =
  | { kind: 'probability'; p: number; ci95: [number, number]; n: number }
  | {
      kind: 'quantity';
      mean: number;
      se: number;
      median: number;
      quantiles: Record<QuantileName, number>;
      histogram: { edges: number[]; counts: number[] };
      /** The distribution as OUTCOME_GRID_POINTS equally likely values, each the mean of its slice (`quantileGrid`). */
      grid: number[];
      n: number;
    };

/**
 * The engine's answer to every question from a merged run summary. A probability question needs a
 * metric whose every value is 0 or 1; anything else is an error naming the question.
 */
export function questionOutcomes(exercise: Exercise, model: Model, summary: RunSummary): Record<string, QuestionOutcome> {
  const out: Record<string, QuestionOutcome> = {};
  exercise.questions.forEach((q, i) => {
    const index = model.metrics.findIndex((m) => m.name === q.metric);
    const acc = summary.metrics[index];
    if (index < 0 || !acc) throw new RangeError(`questions[${i}].metric: the scenario has no metric "${q.metric}"`);
    const m = summarizeMetric(acc, model.metrics[index]?.expr.firstOf !== undefined);
    if (q.kind === 'probability') {
      if (!m.probability)
        throw new RangeError(`questions[${i}].metric: "${q.metric}" is not a yes/no (0 or 1) metric; ask for a quantity instead`);
      out[q.id] = { kind: 'probability', p: m.probability.p, ci95: m.probability.ci95, n: m.n };
    } else {
      out[q.id] = {
        kind: 'quantity',
        mean: m.mean,
        se: m.se,
        median: m.quantiles.p50,
        quantiles: { ...m.quantiles },
        histogram: m.histogram,
        grid: outcomeGrid(acc),
        n: m.n,
      };
    }
  });
  return out;
}

/** Expected Brier score of forecast f when the event has probability q. */
export function expectedBrier(f: number, q: number): number {
  return q * brierScore(f, 1) + (1 - q) * brierScore(f, 0);
}

/** Expected log score (bits) of forecast f when the event has probability q (clipped as `logScore`). */
export function expectedLog(f: number, q: number): number {
  return q * logScore(f, 1) + (1 - q) * logScore(f, 0);
}

/** Expected absolute error E|x − Y| of a point forecast x over equally likely outcome values. */
export function expectedAbsoluteError(x: number, grid: readonly number[]): number {
  if (grid.length === 0) return Number.NaN;
  let sum = 0;
  for (const y of grid) sum += Math.abs(x - y);
  return sum / grid.length;
}

/** The median of equally likely values (the point forecast with the least expected absolute error). */
function gridMedian(grid: readonly number[]): number {
  return sortedMedian([...grid].sort((a, b) => a - b));
}

/** The median of sorted values (the mean of the middle two for an even count); NaN for none. */
function sortedMedian(sorted: readonly number[]): number {
  const half = Math.floor(sorted.length / 2);
  const upper = sorted[half];
  const lower = sorted.length % 2 ? upper : sorted[half - 1];
  if (upper === undefined || lower === undefined) return Number.NaN;
  return sorted.length % 2 ? upper : (lower + upper) / 2;
}

/** One forecast, scored. */
export interface ScoredForecast {
  question: string;
  forecast: number;
  /** The engine's probability (probability questions) or median (quantity questions). */
  outcome: number;
  brier?: number;
  log?: number;
  absoluteError?: number;
  /**
   * Expected absolute error divided by the median's own (1 is the best possible). Where the engine
   * is certain (every trial gives one value, so the best error is 0), 1 plus the error in units of
   * that value's size (at least 1): off by 5 from a certain 0 is 6, not an infinite ratio.
   */
  relativeError?: number;
  /** For a historical question: what happened, and the forecast's Brier score or absolute error against it. */
  actual?: number;
  actualBrier?: number;
  actualAbsoluteError?: number;
}

/**
 * A question a student left unanswered (a seminar turn they skipped), with the score it counts for:
 * a probability as the uninformed 50% forecast (Brier 0.25, log 1 bit), a quantity as the class's
 * largest relative error on that question, so that skipping a question never beats answering it.
 */
export interface MissingAnswer {
  question: string;
  brier?: number;
  log?: number;
  relativeError?: number;
}

/** A student's scores; means are over the questions of each kind, missing answers included (null when there are none). */
export interface StudentScore {
  id: string;
  name: string;
  team: string | null;
  forecasts: ScoredForecast[];
  /** The questions this student did not answer, scored as `MissingAnswer` says (absent in debriefs made before it). */
  missing?: MissingAnswer[];
  /**
   * The questions of seminar turns that closed before this student joined: neither answered nor scored,
   * so their means rest on fewer questions than their classmates' (absent when none).
   */
  excused?: string[];
  brier: number | null;
  log: number | null;
  relativeError: number | null;
  rank: number;
}

export interface TeamScore {
  team: string;
  name: string;
  members: number;
  brier: number | null;
  log: number | null;
  relativeError: number | null;
}

/** Forecasts in a probability bin, against the engine's probabilities for the same questions. */
export interface CalibrationBin {
  lo: number;
  hi: number;
  count: number;
  meanForecast: number | null;
  /** Mean of the engine's probabilities for the forecasts in this bin (what a calibrated forecaster would have said). */
  meanOutcome: number | null;
}

/** How the class's decisions moved one question's answer, against no action with the same seed. */
export interface DecisionEffect {
  question: string;
  withDecisions: number;
  noAction: number;
  difference: number;
  /**
   * 95% interval of the difference, treating the runs as independent. Both runs use the same
   * seed (common random numbers), which makes the true interval narrower: this one is conservative.
   */
  ci95: [number, number];
  /** Means for quantity questions (medians shown elsewhere); probabilities otherwise. */
  measure: 'probability' | 'mean';
  /**
   * The two runs gave this question the very same answer (the decisions did not reach it, and the
   * same seed drew the same trials): the difference is exactly 0 and its interval [0, 0], not an
   * interval of sampling noise that did not occur.
   */
  unchanged?: true;
}

export interface Debrief {
  questions: {
    id: string;
    label: string;
    kind: Question['kind'];
    metric: string;
    unit?: string;
    outcome: QuestionOutcome;
    noAction: QuestionOutcome;
  }[];
  students: StudentScore[];
  teams: TeamScore[];
  calibration: CalibrationBin[];
  effects: DecisionEffect[];
  /** The class median forecast per question, scored like a student (not ranked). */
  crowd: ScoredForecast[];
}

/** Scores one forecast against one outcome. */
export function scoreForecast(question: Question, forecast: number, outcome: QuestionOutcome): ScoredForecast {
  return { ...scoreAgainstEngine(question, forecast, outcome), ...scoreAgainstHistory(question, forecast) };
}

/** Scores a forecast against what happened, for a question that records it (nothing otherwise). */
export function scoreAgainstHistory(question: Question, forecast: number): Partial<ScoredForecast> {
  if (question.actual === undefined) return {};
  const actual = question.actual.value;
  return question.kind === 'probability'
    ? { actual, actualBrier: brierScore(forecast, actual as 0 | 1) }
    : { actual, actualAbsoluteError: Math.abs(forecast - actual) };
}

function scoreAgainstEngine(question: Question, forecast: number, outcome: QuestionOutcome): ScoredForecast {
  if (outcome.kind === 'probability') {
    return {
      question: question.id,
      forecast,
      outcome: outcome.p,
      brier: expectedBrier(forecast, outcome.p),
      log: expectedLog(forecast, outcome.p),
    };
  }
  const error = expectedAbsoluteError(forecast, outcome.grid);
  const best = expectedAbsoluteError(gridMedian(outcome.grid), outcome.grid);
  return {
    question: question.id,
    forecast,
    outcome: outcome.median,
    absoluteError: error,
    relativeError: best > 0 ? error / best : 1 + error / Math.max(1, Math.abs(outcome.median)),
  };
}

const mean = (xs: number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

function summarize(
  forecasts: readonly Pick<ScoredForecast, 'brier' | 'log' | 'relativeError'>[],
): Pick<StudentScore, 'brier' | 'log' | 'relativeError'> {
  return {
    brier: mean(forecasts.flatMap((f) => (f.brier === undefined ? [] : [f.brier]))),
    log: mean(forecasts.flatMap((f) => (f.log === undefined ? [] : [f.log]))),
    relativeError: mean(forecasts.flatMap((f) => (f.relativeError === undefined ? [] : [f.relativeError]))),
  };
}

/** Orders by mean Brier score (lower first), then log score, then relative error; nulls last. */
function compareScores(a: Pick<StudentScore, 'brier' | 'log' | 'relativeError'>, b: typeof a): number {
  for (const key of ['brier', 'log', 'relativeError'] as const) {
    const x = a[key] ?? Number.POSITIVE_INFINITY;
    const y = b[key] ?? Number.POSITIVE_INFINITY;
    if (x !== y) return x - y;
  }
  return 0;
}

/** Calibration bins of width 0.1 over every probability forecast of the class. */
export function calibrationBins(pairs: readonly { forecast: number; outcome: number }[], bins = 10): CalibrationBin[] {
  return Array.from({ length: bins }, (_, i) => {
    const lo = i / bins;
    const hi = (i + 1) / bins;
    const inside = pairs.filter((p) => p.forecast >= lo && (p.forecast < hi || (i === bins - 1 && p.forecast <= hi)));
    return {
      lo,
      hi,
      count: inside.length,
      meanForecast: mean(inside.map((p) => p.forecast)),
      meanOutcome: mean(inside.map((p) => p.outcome)),
    };
  });
}

function effectOf(question: Question, withDecisions: QuestionOutcome, noAction: QuestionOutcome): DecisionEffect {
  if (JSON.stringify(withDecisions) === JSON.stringify(noAction)) {
    const value = withDecisions.kind === 'probability' ? withDecisions.p : withDecisions.mean;
    return {
      question: question.id,
      withDecisions: value,
      noAction: value,
      difference: 0,
      ci95: [0, 0],
      measure: withDecisions.kind === 'probability' ? 'probability' : 'mean',
      unchanged: true,
    };
  }
  if (withDecisions.kind === 'probability' && noAction.kind === 'probability') {
    const se = (o: typeof withDecisions) => Math.sqrt((o.p * (1 - o.p)) / Math.max(1, o.n));
    const half = 1.959963984540054 * Math.hypot(se(withDecisions), se(noAction));
    const d = withDecisions.p - noAction.p;
    return {
      question: question.id,
      withDecisions: withDecisions.p,
      noAction: noAction.p,
      difference: d,
      ci95: [d - half, d + half],
      measure: 'probability',
    };
  }
  if (withDecisions.kind === 'quantity' && noAction.kind === 'quantity') {
    const half = 1.959963984540054 * Math.hypot(withDecisions.se, noAction.se);
    const d = withDecisions.mean - noAction.mean;
    return {
      question: question.id,
      withDecisions: withDecisions.mean,
      noAction: noAction.mean,
      difference: d,
      ci95: [d - half, d + half],
      measure: 'mean',
    };
  }
  throw new Error(`question "${question.id}": the two runs disagree on its kind`);
}

/** The score an unanswered question counts for (see `MissingAnswer`), given every forecast the class made. */
function missingAnswerScores(scored: readonly ScoredForecast[]): (q: Question) => MissingAnswer {
  const worst = new Map<string, number>();
  for (const f of scored) {
    if (f.relativeError !== undefined) worst.set(f.question, Math.max(worst.get(f.question) ?? 1, f.relativeError));
  }
  return (q) => {
    // 50% scores the same whatever happens: Brier 0.25, log 1 bit.
    if (q.kind === 'probability') return { question: q.id, brier: brierScore(0.5, 1), log: logScore(0.5, 1) };
    const relativeError = worst.get(q.id);
    return relativeError === undefined ? { question: q.id } : { question: q.id, relativeError };
  };
}

/**
 * The debrief: every student's forecasts scored against the run with the class's decisions, team
 * means, a leaderboard order, calibration bins, the class median as a "crowd" forecaster, and how
 * the decisions moved each answer compared with no action.
 */
export function buildDebrief(
  exercise: Exercise,
  /** `excused`: questions the student could not answer (a seminar turn closed before they joined), not scored as skipped. */
  students: readonly { id: string; name: string; team: string | null; forecasts: Record<string, number>; excused?: readonly string[] }[],
  outcomes: Record<string, QuestionOutcome>,
  noAction: Record<string, QuestionOutcome>,
): Debrief {
  const outcomeOf = (q: Question, from: Record<string, QuestionOutcome>): QuestionOutcome => {
    const o = from[q.id];
    if (!o) throw new Error(`no outcome for question "${q.id}"`);
    return o;
  };
  const given = students.map((s) =>
    exercise.questions.flatMap((q) => {
      const f = s.forecasts[q.id];
      return f === undefined ? [] : [scoreForecast(q, f, outcomeOf(q, outcomes))];
    }),
  );
  const missingScore = missingAnswerScores(given.flat());
  const scored: StudentScore[] = students.map((s, i) => {
    const forecasts = given[i] ?? [];
    // An unanswered question is scored as skipped, unless its turn closed before the student joined.
    const unanswered = exercise.questions.filter((q) => s.forecasts[q.id] === undefined);
    const isExcused = (q: Question) => (s.excused ?? []).includes(q.id);
    const missing = unanswered.filter((q) => !isExcused(q)).map(missingScore);
    const excused = unanswered.filter(isExcused).map((q) => q.id);
    return {
      id: s.id,
      name: s.name,
      team: s.team,
      forecasts,
      missing,
      ...(excused.length > 0 ? { excused } : {}),
      ...summarize([...forecasts, ...missing]),
      rank: 0,
    };
  });
  scored.sort((a, b) => compareScores(a, b) || a.name.localeCompare(b.name));
  // Equal scores share a rank (1, 2, 2, 4).
  scored.forEach((s, i) => {
    const prev = scored[i - 1];
    s.rank = prev && compareScores(prev, s) === 0 ? prev.rank : i + 1;
  });
  const teams: TeamScore[] = exercise.teams.map((t) => {
    const members = scored.filter((s) => s.team === t.id);
    return {
      team: t.id,
      name: t.name,
      members: members.length,
      brier: mean(members.flatMap((m) => (m.brier === null ? [] : [m.brier]))),
      log: mean(members.flatMap((m) => (m.log === null ? [] : [m.log]))),
      relativeError: mean(members.flatMap((m) => (m.relativeError === null ? [] : [m.relativeError]))),
    };
  });
  const pairs = scored.flatMap((s) =>
    s.forecasts.filter((f) => f.brier !== undefined).map((f) => ({ forecast: f.forecast, outcome: f.outcome })),
  );
  const crowd = exercise.questions.flatMap((q) => {
    const given = students.flatMap((s) => {
      const forecast = s.forecasts[q.id];
      return forecast === undefined ? [] : [forecast];
    });
    return given.length === 0 ? [] : [scoreForecast(q, gridMedian(given), outcomeOf(q, outcomes))];
  });
  return {
    questions: exercise.questions.map((q) => ({
      id: q.id,
      label: q.label,
      kind: q.kind,
      metric: q.metric,
      ...(q.kind === 'quantity' && q.unit !== undefined ? { unit: q.unit } : {}),
      outcome: outcomeOf(q, outcomes),
      noAction: outcomeOf(q, noAction),
    })),
    students: scored,
    teams,
    calibration: calibrationBins(pairs),
    effects: exercise.questions.map((q) => effectOf(q, outcomeOf(q, outcomes), outcomeOf(q, noAction))),
    crowd,
  };
}

/** The debrief as CSV: one row per student and question, then the class median and the decision effects. */
export function debriefCsv(exercise: Exercise, debrief: Debrief): string {
  const teamName = new Map(exercise.teams.map((t) => [t.id, t.name]));
  // Columns for what happened only when some question records it, so other exercises' CSV is unchanged.
  const history = exercise.questions.some((q) => q.actual !== undefined);
  // A note column only when someone left a question unanswered, likewise.
  const missing = debrief.students.some((s) => (s.missing ?? []).length > 0);
  const lines = [
    [
      'rank',
      'student',
      'team',
      'question',
      'kind',
      'forecast',
      'engine_answer',
      'brier',
      'log_bits',
      'abs_error',
      'relative_error',
      ...(history ? ['actual', 'actual_brier', 'actual_abs_error'] : []),
      ...(missing ? ['note'] : []),
    ].join(','),
  ];
  const kind = new Map(exercise.questions.map((q) => [q.id, q.kind]));
  const row = (
    rank: unknown,
    name: string,
    team: string,
    f: Omit<ScoredForecast, 'forecast' | 'outcome'> & { forecast?: number | undefined; outcome?: number | undefined },
    note = '',
  ) =>
    [
      rank,
      name,
      team,
      f.question,
      kind.get(f.question),
      f.forecast,
      f.outcome,
      f.brier,
      f.log,
      f.absoluteError,
      f.relativeError,
      ...(history ? [f.actual, f.actualBrier, f.actualAbsoluteError] : []),
      ...(missing ? [note] : []),
    ]
      .map(csvCell)
      .join(',');
  const engineAnswer = new Map(debrief.questions.map((q) => [q.id, q.outcome.kind === 'probability' ? q.outcome.p : q.outcome.median]));
  for (const s of debrief.students) {
    const team = s.team === null ? '' : (teamName.get(s.team) ?? s.team);
    for (const f of s.forecasts) lines.push(row(s.rank, s.name, team, f));
    for (const m of s.missing ?? []) {
      const note = m.brier !== undefined ? 'no answer: scored as a 50% forecast' : "no answer: scored as the class's largest error";
      lines.push(row(s.rank, s.name, team, { ...m, forecast: undefined, outcome: engineAnswer.get(m.question) }, note));
    }
  }
  for (const f of debrief.crowd) lines.push(row('', 'class median', '', f));
  lines.push('');
  lines.push(['question', 'measure', 'with_decisions', 'no_action', 'difference', 'ci95_lo', 'ci95_hi'].join(','));
  for (const e of debrief.effects) {
    lines.push([e.question, e.measure, e.withDecisions, e.noAction, e.difference, e.ci95[0], e.ci95[1]].map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}
