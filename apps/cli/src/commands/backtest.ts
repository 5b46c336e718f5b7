/**
 * `georisk backtest`: runs each historical episode's scenario from the episode's start and scores
 * its forecasts against what happened (the scoring is `@georisk/engine/backtest`'s), printed as a
 * table or JSON. Episodes are data: scenarios/backtest/episodes.yaml.
 */
import { availableParallelism } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import { buildModel, DEFAULT_SEED, GeoriskError } from '@georisk/engine';
import {
  type BacktestReport,
  backtestReport,
  type EpisodeOut,
  type EpisodeRun,
  type ForecastOut,
  formatScore as fmt,
  LOG_SCORE_CLIP,
  type LoadedEpisodes,
  type OutcomeOut,
  readEpisodes,
  runSpecs,
  scoredEpisodes,
  scoreEpisode,
} from '@georisk/engine/backtest';
import { Option } from 'commander';
import { EXIT, locateScenarioIssues, output, type RegisterCommand, UsageError, wholeNumber } from '../cli-common.ts';
import { formatCliIssues } from '../cli-issues.ts';
import { formatNumber, formatPercent, table } from '../format.ts';
import { defaultInputFile, loadScenarioFile, readInputDocument } from '../load.ts';
import { runTrials } from '../parallel.ts';

/** Where the episodes live, relative to the repository (see `defaultInputFile`), when no file is given. */
export const DEFAULT_EPISODES = 'scenarios/backtest/episodes.yaml';

interface BacktestOptions {
  trials: number;
  seed: number;
  workers: number;
  only?: string[];
}

/** Reads and checks the episode file; its problems are `GeoriskError`s located in it (exit 1, as `validate` prints them). */
function readEpisodeFile(file: string): LoadedEpisodes {
  return readEpisodes(readInputDocument(file), file);
}

/** Runs every variant of one episode's scenario on the worker threads, and scores it. */
async function backtestEpisode(loadedEpisodes: LoadedEpisodes, index: number, file: string, options: BacktestOptions) {
  const data = loadedEpisodes.episodes;
  const episode = data.episodes[index];
  if (episode?.scenario === null || episode?.scenario === undefined) throw new Error('only episodes with a scenario are scored');
  const scenarioPath = resolve(dirname(resolve(file)), episode.scenario);
  const runs: EpisodeRun[] = [];
  for (const spec of runSpecs(episode)) {
    // A variant may be a file of its own (a reconstruction fitted to the outcome), beside the episode's.
    const loaded = loadScenarioFile(resolve(dirname(resolve(file)), spec.scenario ?? episode.scenario));
    let model: ReturnType<typeof buildModel>;
    try {
      model = buildModel(loaded.scenario, spec.set);
    } catch (error) {
      if (error instanceof GeoriskError) throw new GeoriskError(locateScenarioIssues(loaded, error.issues));
      throw error;
    }
    const notes = model.warnings.filter((w) => w.code === 'bad_override');
    if (notes.length > 0) process.stderr.write(`${episode.id} (${spec.label}):\n${formatCliIssues(notes)}\n`);
    const summary = await runTrials(model, { seed: options.seed, trials: options.trials, workers: options.workers, overrides: spec.set });
    runs.push({ spec, model, summary });
  }
  try {
    return scoreEpisode(data, episode, runs, { clip: LOG_SCORE_CLIP, scenario: relative(process.cwd(), scenarioPath) });
  } catch (error) {
    if (error instanceof GeoriskError) throw new GeoriskError(loadedEpisodes.locate(error.issues));
    throw error;
  }
}

async function runBacktest(file: string, options: BacktestOptions): Promise<BacktestReport> {
  const loaded = readEpisodeFile(file);
  const data = loaded.episodes;
  const withScenario = scoredEpisodes(data);
  if (options.only !== undefined) {
    const unknown = options.only.filter((id) => !withScenario.some((e) => e.id === id));
    if (unknown.length > 0) {
      throw new UsageError(`no episode with a scenario called ${unknown.join(', ')} (known: ${withScenario.map((e) => e.id).join(', ')})`);
    }
  }
  const out: EpisodeOut[] = [];
  for (const episode of withScenario) {
    if (options.only !== undefined && !options.only.includes(episode.id)) continue;
    out.push(await backtestEpisode(loaded, data.episodes.indexOf(episode), file, options));
  }
  return backtestReport(data, out, { episodesFile: file, seed: options.seed, trials: options.trials, logScoreClip: LOG_SCORE_CLIP });
}

// --- output ---

function describeForecast(o: OutcomeOut, f: ForecastOut | undefined): string {
  if (f === undefined) return '';
  if (o.kind === 'event') return `${formatPercent(f.p ?? Number.NaN)} B ${fmt(f.brier)}`;
  return `${formatNumber(f.median ?? Number.NaN)} (${formatNumber(f.p5 ?? Number.NaN)}–${formatNumber(f.p95 ?? Number.NaN)}) C ${fmt(f.crps)}`;
}

function questionLabel(report: BacktestReport, question: string): string {
  return report.questions[question]?.label ?? question;
}

function formatEpisode(report: BacktestReport, e: EpisodeOut): string[] {
  const lines = ['', `${e.id}: ${e.title} (${e.scenario})`];
  const labels = e.runs.map((r) => r.label);
  const rows: string[][] = [['  question', 'observed', ...labels, 'base rate']];
  for (const o of e.outcomes) {
    const observed = o.kind === 'event' ? (o.observed === 1 ? 'yes' : 'no') : formatNumber(o.observed);
    const base =
      o.kind === 'event'
        ? `${formatPercent(o.baseline.p ?? Number.NaN)} B ${fmt(o.baseline.brier)}`
        : `${formatNumber(o.baseline.median ?? Number.NaN)} C ${fmt(o.baseline.crps)}`;
    rows.push([`  ${questionLabel(report, o.question)}`, observed, ...labels.map((l) => describeForecast(o, o.forecasts[l])), base]);
  }
  lines.push(table(rows, [false, true, ...labels.map(() => true), true]));
  for (const r of e.runs) if (r.note) lines.push(`  ${r.label}: ${r.note.replace(/\s+/g, ' ')}`);
  const misses = e.outcomes.flatMap((o) => o.misses.map((m) => `  miss · ${questionLabel(report, o.question)}: ${m}`));
  lines.push(...(misses.length > 0 ? misses : ['  no misses flagged']));
  return lines;
}

function formatSummary(report: BacktestReport): string {
  const rows: string[][] = [
    ['  question', 'score', 'n', 'model', 'leave-one-out', 'base rate', 'skill', 'skill (loo)', 'skill, one episode dropped'],
  ];
  for (const r of report.summary) {
    const score = r.score === 'crps' ? (r.scale === 'log1p' ? 'CRPS log1p' : 'CRPS') : r.score === 'log' ? 'log (bits)' : 'Brier';
    const [lo, hi] = r.skillDropOne;
    const range = Number.isFinite(lo) && Number.isFinite(hi) ? `${fmt(lo)} to ${fmt(hi)}` : '';
    rows.push([
      `  ${r.label}`,
      score,
      String(r.n),
      fmt(r.model),
      fmt(r.leaveOneOut),
      fmt(r.baseline),
      fmt(r.skill),
      fmt(r.skillLeaveOneOut),
      range,
    ]);
  }
  return table(rows, [false, false, true, true, true, true, true, true, true]);
}

function formatBacktestTable(report: BacktestReport): string {
  const n = report.episodes.length;
  const lines = [
    `georisk backtest · ${n} episode${n === 1 ? '' : 's'} with scenarios, ${report.referenceClass.length} in the reference class · ${report.trials.toLocaleString('en-US')} trials per run · seed ${report.seed} · ${report.episodesFile}`,
    'Events: forecast probability and Brier score (B); counts: median (90% interval) and CRPS (C), on log(1 + x) for deaths. Lower scores are better.',
    'Base rate: leave-one-out over the other episodes (events (k + 0.5)/(n + 1); counts their empirical distribution, median shown).',
  ];
  for (const e of report.episodes) lines.push(...formatEpisode(report, e));
  lines.push(
    '',
    'summary: mean score over the scored episodes (skill = 1 − score / base rate; leave-one-out uses the model where an episode has none)',
    formatSummary(report),
    '',
    `Small sample: ${n} scored episodes, so one case can swing a mean (see the last column). "leave-one-out" refits by hand only the parameters each episode's note names; the base rate is leave-one-out by construction. Log scores clip forecasts to [${report.logScoreClip}, ${1 - report.logScoreClip}].`,
  );
  return `${lines.join('\n')}\n`;
}

interface BacktestFlags {
  trials: number;
  seed: number;
  workers: number;
  format: 'table' | 'json';
  out?: string;
  episode?: string[];
}

/** Registers `backtest`. */
export const registerBacktest: RegisterCommand = (program, setExit) => {
  program
    .command('backtest')
    .description('score the scenario library against historical episodes (Brier, log, CRPS) beside a base-rate baseline')
    .argument('[episodes]', `episode file (YAML; default: the repository's ${DEFAULT_EPISODES})`)
    .option('-n, --trials <n>', 'trials per scenario run', wholeNumber('--trials', 1), 20_000)
    .option('-s, --seed <seed>', 'random seed (same seed, same numbers)', wholeNumber('--seed', 0), DEFAULT_SEED)
    .option('-w, --workers <n>', 'worker threads (never changes the numbers)', wholeNumber('--workers', 1), availableParallelism())
    .option('-e, --episode <id...>', 'score only these episodes')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --out <file>', 'write the output to a file (atomically) instead of stdout')
    .action(async (file: string | undefined, flags: BacktestFlags) => {
      const report = await runBacktest(file ?? defaultInputFile(DEFAULT_EPISODES), {
        trials: flags.trials,
        seed: flags.seed,
        workers: flags.workers,
        ...(flags.episode ? { only: flags.episode } : {}),
      });
      output(flags.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatBacktestTable(report), flags.out);
      setExit(EXIT.ok);
    });
};
