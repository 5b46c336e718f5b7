/** Base rates of the reference class, counted from the episodes with Wilson intervals, and the paragraph that reports them. */
import { wilson } from '../summarize.ts';
import type { Clash, ReferenceClass } from './reference-class.ts';

/** A share of the episodes: how many, of how many, and its 95% Wilson interval. */
export interface BaseRate {
  k: number;
  n: number;
  p: number;
  ci95: [number, number];
}

/** What the reference class says before any model: counts and base rates. */
export interface ReferenceClassSummary {
  episodes: number;
  firstYear: number;
  lastYear: number;
  /** Wars by the best estimate of battle deaths. */
  war: BaseRate;
  /** Wars counted on every episode's low and on its high figure: the spread that contested counts allow. */
  warsIfLow: number;
  warsIfHigh: number;
  /** War among clashes that opened as a multi-sector offensive, and among all others. */
  warGivenOffensive: BaseRate;
  warGivenNotOffensive: BaseRate;
  truceWithin7Days: BaseRate;
  /** Median of the best days of fighting. */
  medianDaysOfFighting: number;
  /** Truces a third state or organisation brokered. */
  mediated: BaseRate;
}

function rate(k: number, n: number): BaseRate {
  return { k, n, p: n === 0 ? 0 : k / n, ci95: wilson(k, n) };
}

function count(episodes: readonly Clash[], test: (e: Clash) => boolean): number {
  return episodes.filter(test).length;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * Counts the base rates of a reference class.
 * @example referenceClassSummary(readReferenceClass(text).referenceClass).war.p
 */
export function referenceClassSummary(file: ReferenceClass): ReferenceClassSummary {
  const all = file.episodes;
  const threshold = file.war_threshold_battle_deaths;
  const years = all.map((e) => Number(e.onset.slice(0, 4)));
  const offensive = all.filter((e) => e.covariates.initial_scale === 'offensive');
  const other = all.filter((e) => e.covariates.initial_scale !== 'offensive');
  const isWar = (e: Clash) => e.outcomes.war;
  return {
    episodes: all.length,
    firstYear: Math.min(...years),
    lastYear: Math.max(...years),
    war: rate(count(all, isWar), all.length),
    warsIfLow: count(all, (e) => e.outcomes.battle_deaths.low >= threshold),
    warsIfHigh: count(all, (e) => e.outcomes.battle_deaths.high >= threshold),
    warGivenOffensive: rate(count(offensive, isWar), offensive.length),
    warGivenNotOffensive: rate(count(other, isWar), other.length),
    truceWithin7Days: rate(
      count(all, (e) => e.outcomes.truce_within_7_days),
      all.length,
    ),
    medianDaysOfFighting: median(all.map((e) => e.outcomes.days_of_fighting.best)),
    mediated: rate(
      count(all, (e) => e.outcomes.ended_by === 'mediated_truce'),
      all.length,
    ),
  };
}

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function shown(r: BaseRate): string {
  return `${r.k} of ${r.n} (${percent(r.p)}, 95% interval ${percent(r.ci95[0])}–${percent(r.ci95[1])})`;
}

/** The "Reference class" paragraph of scenarios/README.md, written from the counts so that the text cannot drift from the file. */
export function referenceClassParagraph(s: ReferenceClassSummary, thresholdDeaths: number): string {
  return [
    `The reference class (\`scenarios/reference-class/clashes.yaml\`, coded by the rules in \`CODING.md\`) holds`,
    `${s.episodes} interstate armed clashes from ${s.firstYear} to ${s.lastYear}, each entered on the day the fighting`,
    `started, whatever came after. By the threshold of ${String(thresholdDeaths).replace(/\B(?=(\d{3})+$)/g, ',')} battle deaths (best estimate),`,
    `${shown(s.war)} became wars; counted on every episode's low figure ${s.warsIfLow}, on its high figure ${s.warsIfHigh}.`,
    `Clashes that opened as a multi-sector offensive became wars in ${shown(s.warGivenOffensive)}; all others in`,
    `${shown(s.warGivenNotOffensive)}. The fighting stopped within 7 days and stayed stopped for 30 in`,
    `${shown(s.truceWithin7Days)}; a third party brokered the end in ${shown(s.mediated)}; the median clash was`,
    `fought on ${s.medianDaysOfFighting} days. Intervals are Wilson 95% intervals on the counts and leave out the coding`,
    `uncertainty of each episode, which the low and high figures show.`,
  ].join('\n');
}
