/** The report of a backtest (`georisk backtest --format json`): its inputs, the reference class, each episode scored, the summary. */
import { ENGINE_VERSION } from '../version.ts';
import type { EpisodeFile, Question } from './episode-schema.ts';
import type { EpisodeOut } from './score-episode.ts';
import { type SummaryRow, summarizeBacktest } from './summarize-backtest.ts';

/** The plain-data result of a backtest. */
export interface BacktestReport {
  episodesFile: string;
  engine: { version: string };
  seed: number;
  trials: number;
  logScoreClip: number;
  questions: Record<string, Question>;
  /** Every episode, with or without a scenario: the base rate is drawn from them. */
  referenceClass: { id: string; title: string; scenario: string | null; observed: Record<string, number | null> }[];
  episodes: EpisodeOut[];
  summary: SummaryRow[];
}

/** How a backtest ran: the episode file as named, and the seed, trials and log-score clip of every run. */
export interface BacktestSettings {
  episodesFile: string;
  seed: number;
  trials: number;
  logScoreClip: number;
}

/** Assembles the report from the scored episodes, adding the summary. */
export function backtestReport(file: EpisodeFile, episodes: EpisodeOut[], settings: BacktestSettings): BacktestReport {
  return {
    episodesFile: settings.episodesFile,
    engine: { version: ENGINE_VERSION },
    seed: settings.seed,
    trials: settings.trials,
    logScoreClip: settings.logScoreClip,
    questions: file.questions,
    referenceClass: file.episodes.map((e) => ({ id: e.id, title: e.title, scenario: e.scenario, observed: e.observed })),
    episodes,
    summary: summarizeBacktest(file, episodes),
  };
}
