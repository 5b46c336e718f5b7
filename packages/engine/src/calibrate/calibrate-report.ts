/**
 * `georisk calibrate`'s work: fits the generic clash model to the reference class, then scores it
 * out of sample inside every fold (leave-one-out: refit without the episode; time split: fit on
 * the episodes before a year, score those from it on), beside the fold's base rate and climatology.
 */
import type { Clash, ReferenceClass } from '../backtest/reference-class.ts';
import { GeoriskError } from '../errors.ts';
import type { ScenarioDocument } from '../scenario-schema.ts';
import { bootstrapSkill, type ReliabilityBin, reliability, type Skill } from './calibration-scores.ts';
import { clashForecasts } from './clash-forecast.ts';
import { type ClashFit, fitClashModel } from './fit-clash-model.ts';
import { foldBaseline, type HeldOut, heldOutScores } from './held-out-scores.ts';

/** Which folds to run. */
export type FoldKind = 'loo' | 'time';

/** Settings of `calibrateReport`. */
export interface CalibrateSettings {
  folds: readonly FoldKind[];
  splitYear: number;
  bootstrap: number;
  seed: number;
  /** Evaluation budget of the whole-class fit (default 300) and of each leave-one-out refit, warm-started from it (default 120). */
  maxEvaluations?: number;
  looMaxEvaluations?: number;
}

/** One question's score in one fold. */
export interface QuestionScore {
  question: 'war' | 'truce_within_7_days' | 'days_of_fighting';
  label: string;
  score: 'brier' | 'log' | 'crps';
  baselineKind: 'base rate' | 'climatology';
  n: number;
  skill: Skill;
}

/** The scores of one fold. */
export interface FoldReport {
  fold: FoldKind;
  description: string;
  heldOut: HeldOut[];
  questions: QuestionScore[];
  reliability: { war: { bins: ReliabilityBin[]; sharpness: number }; truce7: { bins: ReliabilityBin[]; sharpness: number } };
}

/** Everything calibrate reports. */
export interface CalibrateReport {
  episodes: number;
  /** Counts in the whole class: wars and truces within 7 days. */
  counts: { war: number; truce7: number };
  settings: CalibrateSettings;
  /** The fit to the whole class (what the scenario's `fitted` parameters would be set to); never scored. */
  fit: ClashFit;
  folds: FoldReport[];
  method: string;
}

const year = (e: Clash) => Number(e.onset.slice(0, 4));

type Key = keyof HeldOut['model'];
const ROWS: readonly [QuestionScore['question'], string, QuestionScore['score'], Key][] = [
  ['war', 'war (≥ 1,000 battle deaths)', 'brier', 'warBrier'],
  ['war', 'war (≥ 1,000 battle deaths)', 'log', 'warLog'],
  ['truce_within_7_days', 'truce within 7 days', 'brier', 'truceBrier'],
  ['truce_within_7_days', 'truce within 7 days', 'log', 'truceLog'],
  ['days_of_fighting', 'days of fighting', 'crps', 'daysCrps'],
];

function foldReport(fold: FoldKind, description: string, heldOut: HeldOut[], settings: CalibrateSettings): FoldReport {
  const questions = ROWS.map(([question, label, score, key], i) => ({
    question,
    label,
    score,
    baselineKind: score === 'crps' ? ('climatology' as const) : ('base rate' as const),
    n: heldOut.length,
    skill: bootstrapSkill(
      heldOut.map((h) => h.model[key]),
      heldOut.map((h) => h.baseline[key]),
      settings.bootstrap,
      settings.seed + i,
    ),
  }));
  return {
    fold,
    description,
    heldOut,
    questions,
    reliability: {
      war: reliability(
        heldOut.map((h) => h.forecast.war),
        heldOut.map((h) => h.observed.war),
      ),
      truce7: reliability(
        heldOut.map((h) => h.forecast.truce7),
        heldOut.map((h) => h.observed.truce7),
      ),
    },
  };
}

function scoreOn(scenario: ScenarioDocument, fit: ClashFit, train: readonly Clash[], test: readonly Clash[]): HeldOut[] {
  const forecasts = clashForecasts(scenario, fit.params, test);
  return test.map((e, i) => heldOutScores(e, forecasts[i]!, foldBaseline(train, forecasts[i]!.cumulative.length - 1)));
}

function timeSplit(all: readonly Clash[], splitYear: number): { train: Clash[]; test: Clash[] } {
  const train = all.filter((e) => year(e) < splitYear);
  const test = all.filter((e) => year(e) >= splitYear);
  if (train.length < 2 || test.length < 1) {
    throw new GeoriskError([
      {
        code: 'invalid_value',
        severity: 'error',
        path: 'split-year',
        message: `split year ${splitYear} leaves ${train.length} episodes to fit and ${test.length} to score`,
        hint: `choose a year between ${year(all[1] ?? all[0]!) + 1} and ${year(all[all.length - 1]!)}`,
      },
    ]);
  }
  return { train, test };
}

/**
 * Fits and scores the generic clash model on a reference class.
 * @example calibrateReport(scenario, referenceClass, { folds: ['loo', 'time'], splitYear: 2015, bootstrap: 1000, seed: 1 })
 */
export function calibrateReport(scenario: ScenarioDocument, file: ReferenceClass, settings: CalibrateSettings): CalibrateReport {
  const all = file.episodes;
  if (settings.folds.includes('time')) timeSplit(all, settings.splitYear); // a bad split year is refused before any fitting
  const fit = fitClashModel(scenario, all, { maxEvaluations: settings.maxEvaluations ?? 300 });
  const folds: FoldReport[] = [];
  if (settings.folds.includes('loo')) {
    const heldOut = all.flatMap((e) => {
      const train = all.filter((o) => o !== e);
      const refit = fitClashModel(scenario, train, { start: fit.params, maxEvaluations: settings.looMaxEvaluations ?? 120 });
      return scoreOn(scenario, refit, train, [e]);
    });
    folds.push(foldReport('loo', `leave-one-out: ${all.length} refits, each without the episode it scores`, heldOut, settings));
  }
  if (settings.folds.includes('time')) {
    const { train, test } = timeSplit(all, settings.splitYear);
    const timeFit = fitClashModel(scenario, train, { maxEvaluations: settings.maxEvaluations ?? 300 });
    folds.push(
      foldReport(
        'time',
        `time split: fitted on ${train.length} episodes before ${settings.splitYear}, scored on ${test.length} from ${settings.splitYear} on`,
        scoreOn(scenario, timeFit, train, test),
        settings,
      ),
    );
  }
  return {
    episodes: all.length,
    counts: { war: all.filter((e) => e.outcomes.war).length, truce7: all.filter((e) => e.outcomes.truce_within_7_days).length },
    settings,
    fit,
    folds,
    method:
      'maximum likelihood with the exact solver (war outcome × interval likelihood P(low ≤ days ≤ high), a composite likelihood), Nelder–Mead on log rates and log-rate shifts, weak normal priors as penalties (sd 3 on each log rate, 2 on each shift); events scored against the fold base rate (k + ½)/(n + 1), days against the fold climatology, CRPS the best over each range',
  };
}
