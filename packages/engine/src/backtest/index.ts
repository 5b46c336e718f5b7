/**
 * `@georisk/engine/backtest`: scores scenarios against historical episodes (Brier and log scores
 * for events, CRPS for counts) beside a leave-one-out base rate. Running the trials is the
 * caller's: each episode's runs are `runSpecs(episode)`, and `scoreEpisode` reads their summaries.
 *
 * @example
 * const { episodes: file } = readEpisodes(text, 'episodes.yaml');
 * const scored = scoredEpisodes(file).map((episode) =>
 *   scoreEpisode(file, episode, runSpecs(episode).map((spec) => runOf(episode, spec)), { clip: LOG_SCORE_CLIP, scenario: episode.scenario ?? '' }),
 * );
 * backtestReport(file, scored, { episodesFile: 'episodes.yaml', seed, trials, logScoreClip: LOG_SCORE_CLIP }).summary;
 */

export * from '../calibrate/index.ts';
export { LOG_SCORE_CLIP } from '../scoring.ts';
export { type BacktestReport, type BacktestSettings, backtestReport } from './backtest-report.ts';
export {
  type Episode,
  type EpisodeFile,
  EpisodeFileSchema,
  EpisodeSchema,
  type ForecastRef,
  ForecastRefSchema,
  type Question,
  QuestionSchema,
  type RunSpec,
  RunSpecSchema,
} from './episode-schema.ts';
export { type ForecastOut, scoreCount, scoreEvent } from './forecast-scores.ts';
export { formatScore, missesOf, ordinal } from './misses.ts';
export { type LoadedEpisodes, readEpisodes } from './read-episodes.ts';
export {
  type Clash,
  ClashSchema,
  type LoadedReferenceClass,
  type Range,
  RangeSchema,
  type ReferenceClass,
  ReferenceClassSchema,
  readReferenceClass,
} from './reference-class.ts';
export { type BaseRate, type ReferenceClassSummary, referenceClassParagraph, referenceClassSummary } from './reference-class-summary.ts';
export { type EpisodeOut, type EpisodeRun, type OutcomeOut, runSpecs, scoredEpisodes, scoreEpisode } from './score-episode.ts';
export { type SummaryRow, summarizeBacktest } from './summarize-backtest.ts';
