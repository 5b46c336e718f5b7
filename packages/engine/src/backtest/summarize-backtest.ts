/** A backtest's summary: mean scores per question over the scored episodes, with skill against the base rate. */
import { skillScore } from '../scoring.ts';
import type { EpisodeFile } from './episode-schema.ts';
import type { ForecastOut } from './forecast-scores.ts';
import type { EpisodeOut, OutcomeOut } from './score-episode.ts';

/** One question's (or group's) mean score. */
export interface SummaryRow {
  question: string;
  label: string;
  score: 'brier' | 'log' | 'crps';
  scale: 'linear' | 'log1p';
  n: number;
  model: number;
  leaveOneOut: number;
  baseline: number;
  skill: number;
  skillLeaveOneOut: number;
  /** The lowest and highest model skill when any one episode is dropped: how much one case moves it. */
  skillDropOne: [number, number];
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** The summary row of one score over some outcomes; undefined when there are none. */
function summaryRow(
  episodes: readonly EpisodeOut[],
  row: Pick<SummaryRow, 'question' | 'label' | 'score' | 'scale'>,
  picks: readonly OutcomeOut[],
): SummaryRow | undefined {
  if (picks.length === 0) return undefined;
  const get = (f: ForecastOut | undefined) => f?.[row.score] ?? Number.NaN;
  const model = mean(picks.map((o) => get(o.forecasts.model)));
  const loo = mean(picks.map((o) => get(o.forecasts['leave-one-out'] ?? o.forecasts.model)));
  const baseline = mean(picks.map((o) => get(o.baseline)));
  const dropOne: number[] = [];
  for (const e of episodes) {
    const kept = picks.filter((o) => !e.outcomes.includes(o));
    if (kept.length > 0 && kept.length < picks.length) {
      dropOne.push(skillScore(mean(kept.map((o) => get(o.forecasts.model))), mean(kept.map((o) => get(o.baseline)))));
    }
  }
  return {
    question: row.question,
    label: row.label,
    score: row.score,
    scale: row.scale,
    n: picks.length,
    model,
    leaveOneOut: loo,
    baseline,
    skill: skillScore(model, baseline),
    skillLeaveOneOut: skillScore(loo, baseline),
    skillDropOne: dropOne.length > 0 ? [Math.min(...dropOne), Math.max(...dropOne)] : [Number.NaN, Number.NaN],
  };
}

/**
 * Means over the scored episodes, per question and score, then over all events and over both
 * sides' deaths; leave-one-out falls back to the model where an episode has no such run.
 */
export function summarizeBacktest(file: EpisodeFile, episodes: readonly EpisodeOut[]): SummaryRow[] {
  const rows: (SummaryRow | undefined)[] = [];
  const all = episodes.flatMap((e) => e.outcomes);
  for (const [q, question] of Object.entries(file.questions)) {
    const picks = all.filter((o) => o.question === q);
    const row = { question: q, label: question.label };
    if (question.kind === 'event') {
      rows.push(summaryRow(episodes, { ...row, score: 'brier', scale: 'linear' }, picks));
      rows.push(summaryRow(episodes, { ...row, score: 'log', scale: 'linear' }, picks));
    } else rows.push(summaryRow(episodes, { ...row, score: 'crps', scale: question.scale }, picks));
  }
  const events = all.filter((o) => o.kind === 'event');
  const allEvents = { question: 'all_events', label: 'all events', scale: 'linear' } as const;
  rows.push(summaryRow(episodes, { ...allEvents, score: 'brier' }, events));
  rows.push(summaryRow(episodes, { ...allEvents, score: 'log' }, events));
  const deaths = all.filter((o) => o.question === 'side_a_deaths' || o.question === 'side_b_deaths');
  rows.push(summaryRow(episodes, { question: 'deaths', label: 'deaths, both sides', score: 'crps', scale: 'log1p' }, deaths));
  return rows.filter((r): r is SummaryRow => r !== undefined);
}
