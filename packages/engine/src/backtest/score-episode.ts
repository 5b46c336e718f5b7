/** One episode scored: each run's forecasts of each question against what happened, beside a leave-one-out base rate. */
import { GeoriskError, issue, suggestion } from '../errors.ts';
import type { Model, Overrides } from '../model/model.ts';
import { scenarioHash } from '../results.ts';
import { baseRate } from '../scoring.ts';
import type { RunSummary } from '../simulate/simulate.ts';
import { valueCounts } from '../summarize.ts';
import type { Episode, EpisodeFile, ForecastRef, RunSpec } from './episode-schema.ts';
import { type ForecastOut, scoreCount, scoreEvent } from './forecast-scores.ts';
import { missesOf } from './misses.ts';

/** One question of one episode, scored. */
export interface OutcomeOut {
  question: string;
  kind: 'event' | 'count';
  scale: 'linear' | 'log1p';
  observed: number;
  metric: string;
  /** Keyed by run label: "model" is the scenario as it stands; the others are the episode's runs. */
  forecasts: Record<string, ForecastOut>;
  baseline: ForecastOut & { basedOn: number };
  misses: string[];
}

/** One episode, scored. */
export interface EpisodeOut {
  id: string;
  title: string;
  scenario: string | null;
  scenarioId?: string;
  scenarioHash?: string;
  runs: { label: string; scenario?: string; overrides: Overrides; note?: string }[];
  outcomes: OutcomeOut[];
}

/** A run of an episode's scenario: the variant, its model and its merged trials. */
export interface EpisodeRun {
  spec: RunSpec;
  model: Model;
  summary: RunSummary;
}

/** The variants an episode runs: the scenario as it stands ("model"), then the episode's own runs. */
export function runSpecs(episode: Episode): RunSpec[] {
  return [{ label: 'model', set: {} }, ...episode.runs];
}

/** Only the episodes with a scenario are scored; the others are in the reference class for the base rate. */
export function scoredEpisodes(file: EpisodeFile): Episode[] {
  return file.episodes.filter((e) => e.scenario !== null);
}

/** Where a forecast of `question` sits in the episode file, for issues. */
function forecastPath(file: EpisodeFile, episode: Episode, question: string): string {
  return `episodes[${file.episodes.indexOf(episode)}].forecast.${question}`;
}

/** Each question's forecast from one run, as sorted (value, count) pairs in the question's units. */
function forecastCounts(file: EpisodeFile, episode: Episode, run: EpisodeRun): Record<string, [number, number][]> {
  const byQuestion: Record<string, [number, number][]> = {};
  const metrics = run.model.metrics.map((m) => m.name);
  for (const [q, ref] of Object.entries(episode.forecast)) {
    const acc = run.summary.metrics[metrics.indexOf(ref.metric)];
    if (acc === undefined) {
      const message = `the scenario of episode ${episode.id} has no metric "${ref.metric}"`;
      throw new GeoriskError([issue('invalid_value', forecastPath(file, episode, q), message, suggestion(ref.metric, metrics, 'metrics'))]);
    }
    byQuestion[q] = valueCounts(acc).map(([v, c]) => [v / ref.divideBy, c]);
  }
  return byQuestion;
}

/** The probability of an event from a metric's (value, count) pairs: the share at 1, or at most `atMost`. */
function eventProbability(pairs: readonly [number, number][], ref: ForecastRef, where: string): number {
  const total = pairs.reduce((s, [, c]) => s + c, 0);
  let hits = 0;
  for (const [v, c] of pairs) {
    if (ref.atMost !== undefined ? v <= ref.atMost : v === 1) hits += c;
    else if (ref.atMost === undefined && v !== 0) {
      const message = `metric "${ref.metric}" is not 0 or 1`;
      throw new GeoriskError([issue('invalid_value', where, message, 'give {metric, at_most} to read an event off a count')]);
    }
  }
  return total > 0 ? hits / total : 0;
}

/** Scores one question of an episode for every run, beside the base rate of the other episodes. */
function scoreOutcome(
  file: EpisodeFile,
  episode: Episode,
  q: string,
  counts: Record<string, Record<string, [number, number][]>>,
  specs: readonly RunSpec[],
  clip: number,
): OutcomeOut | undefined {
  const question = file.questions[q];
  const ref = episode.forecast[q];
  const y = episode.observed[q];
  // The schema ties every forecast to a question; an outcome not observed (null) is not scored.
  if (question === undefined || ref === undefined || y === null || y === undefined) return undefined;
  const reference = file.episodes
    .filter((e) => e.id !== episode.id)
    .map((e) => e.observed[q])
    .filter((v): v is number => v !== null && v !== undefined);
  const forecasts: Record<string, ForecastOut> = {};
  let baseline: OutcomeOut['baseline'];
  if (question.kind === 'event') {
    for (const spec of specs) {
      const p = eventProbability(counts[spec.label]?.[q] ?? [], ref, forecastPath(file, episode, q));
      forecasts[spec.label] = scoreEvent(p, y as 0 | 1, clip);
    }
    const k = reference.filter((v) => v === 1).length;
    baseline = { ...scoreEvent(baseRate(k, reference.length), y as 0 | 1, clip), basedOn: reference.length };
  } else {
    for (const spec of specs) forecasts[spec.label] = scoreCount(counts[spec.label]?.[q] ?? [], y, question.scale);
    // The other episodes' values, each with weight 1: their empirical distribution.
    const pairs = reference.map((v) => [v, 1] as [number, number]).sort((a, b) => a[0] - b[0]);
    baseline = { ...scoreCount(pairs, y, question.scale), basedOn: reference.length };
  }
  const misses = specs.flatMap((spec) =>
    missesOf(question, y, forecasts[spec.label] ?? {}, baseline).map((m) => (spec.label === 'model' ? m : `(${spec.label}) ${m}`)),
  );
  return { question: q, kind: question.kind, scale: question.scale, observed: y, metric: ref.metric, forecasts, baseline, misses };
}

/**
 * Scores an episode from its runs (one per `runSpecs(episode)`, in that order); `scenario` is the
 * scenario file as the report names it. Throws `GeoriskError` for a forecast the scenario cannot give.
 */
export function scoreEpisode(
  file: EpisodeFile,
  episode: Episode,
  runs: readonly EpisodeRun[],
  options: { clip: number; scenario: string },
): EpisodeOut {
  const counts: Record<string, Record<string, [number, number][]>> = {};
  for (const run of runs) counts[run.spec.label] = forecastCounts(file, episode, run);
  const specs = runs.map((r) => r.spec);
  const outcomes = Object.keys(episode.forecast).flatMap((q) => scoreOutcome(file, episode, q, counts, specs, options.clip) ?? []);
  const base = runs.find((r) => r.spec.label === 'model');
  return {
    id: episode.id,
    title: episode.title,
    scenario: options.scenario,
    ...(base !== undefined ? { scenarioId: base.model.scenario.id, scenarioHash: scenarioHash(base.model) } : {}),
    runs: specs.map((s) => ({
      label: s.label,
      ...(s.scenario !== undefined ? { scenario: s.scenario } : {}),
      overrides: s.set,
      ...(s.note !== undefined ? { note: s.note } : {}),
    })),
    outcomes,
  };
}
