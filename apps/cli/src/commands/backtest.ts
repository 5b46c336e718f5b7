/**
 * `georisk backtest`: runs each historical episode's scenario from the episode's start and scores
 * its forecasts against what happened (Brier and log scores for events, CRPS for counts), beside
 * a leave-one-out base-rate baseline. Episodes are data: scenarios/backtest/episodes.yaml.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import {
  baseRate,
  brierScore,
  buildModel,
  crps,
  DEFAULT_SEED,
  ENGINE_VERSION,
  formatIssues,
  GeoriskError,
  LOG_SCORE_CLIP,
  logScore,
  type Overrides,
  readDocument,
  scenarioHash,
  skillScore,
  valueCounts,
} from '@georisk/engine';
import { Option } from 'commander';
import { EXIT, locateScenarioIssues, output, type RegisterCommand, UsageError, wholeNumber } from '../cli-common.ts';
import { formatNumber, formatPercent } from '../format.ts';
import { loadScenarioFile } from '../load.ts';
import { runTrials } from '../parallel.ts';

/** Where the episodes live, relative to the working directory, when no file is given. */
export const DEFAULT_EPISODES = 'scenarios/backtest/episodes.yaml';

interface Question {
  kind: 'event' | 'count';
  label: string;
  unit?: string;
  scale: 'linear' | 'log1p';
  description?: string;
}

interface ForecastRef {
  metric: string;
  divideBy: number;
  atMost?: number;
}

interface RunSpec {
  label: string;
  set: Overrides;
  note?: string;
}

interface Episode {
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

interface EpisodeFile {
  questions: Record<string, Question>;
  episodes: Episode[];
}

// --- reading the episode file (hand-checked: every problem names its place) ---

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(file: string, path: string, message: string): never {
  throw new UsageError(`${file}: ${path}: ${message}`);
}

function text(file: string, path: string, v: unknown, optional = false): string | undefined {
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v === '') fail(file, path, 'must be text');
  return v;
}

function finite(file: string, path: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(file, path, 'must be a finite number');
  return v;
}

function parseEpisodes(file: string): EpisodeFile {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read "${file}": ${code === 'ENOENT' ? 'no such file' : String(code ?? error)}`);
  }
  const doc = readDocument(raw, file).value;
  if (!isObj(doc) || doc.kind !== 'backtest-episodes') fail(file, '(top)', 'expected a document with "kind: backtest-episodes"');
  if (!isObj(doc.questions)) fail(file, 'questions', 'must be a mapping of question names');
  const questions: Record<string, Question> = {};
  for (const [name, q] of Object.entries(doc.questions)) {
    const at = `questions.${name}`;
    if (!isObj(q)) fail(file, at, 'must be a mapping');
    if (q.kind !== 'event' && q.kind !== 'count') fail(file, `${at}.kind`, 'must be "event" or "count"');
    const scale = q.scale ?? 'linear';
    if (scale !== 'linear' && scale !== 'log1p') fail(file, `${at}.scale`, 'must be "linear" or "log1p"');
    const unit = text(file, `${at}.unit`, q.unit, true);
    const description = text(file, `${at}.description`, q.description, true);
    questions[name] = {
      kind: q.kind,
      label: text(file, `${at}.label`, q.label, true) ?? name,
      scale,
      ...(unit !== undefined ? { unit } : {}),
      ...(description !== undefined ? { description } : {}),
    };
  }
  if (!Array.isArray(doc.episodes) || doc.episodes.length === 0) fail(file, 'episodes', 'must be a non-empty list');
  const ids = new Set<string>();
  const episodes = doc.episodes.map((e: unknown, i: number): Episode => {
    const at = `episodes[${i}]`;
    if (!isObj(e)) fail(file, at, 'must be a mapping');
    const id = text(file, `${at}.id`, e.id) as string;
    if (ids.has(id)) fail(file, `${at}.id`, `"${id}" is used twice`);
    ids.add(id);
    const scenario = e.scenario === null || e.scenario === undefined ? null : (text(file, `${at}.scenario`, e.scenario) as string);
    if (!isObj(e.observed)) fail(file, `${at}.observed`, 'must map questions to observed values');
    const observed: Record<string, number | null> = {};
    for (const [q, v] of Object.entries(e.observed)) {
      const question = questions[q];
      if (question === undefined) fail(file, `${at}.observed.${q}`, `unknown question (known: ${Object.keys(questions).join(', ')})`);
      if (v === null) observed[q] = null;
      else if (question.kind === 'event' && v !== 0 && v !== 1) fail(file, `${at}.observed.${q}`, 'an event is 0, 1 or null');
      else observed[q] = finite(file, `${at}.observed.${q}`, v);
    }
    const forecast: Record<string, ForecastRef> = {};
    if (e.forecast !== undefined) {
      if (!isObj(e.forecast)) fail(file, `${at}.forecast`, 'must map questions to metrics');
      for (const [q, f] of Object.entries(e.forecast)) {
        const fat = `${at}.forecast.${q}`;
        if (questions[q] === undefined) fail(file, fat, 'unknown question');
        if (typeof f === 'string') forecast[q] = { metric: f, divideBy: 1 };
        else if (isObj(f)) {
          const divideBy = f.divide_by === undefined ? 1 : finite(file, `${fat}.divide_by`, f.divide_by);
          if (divideBy <= 0) fail(file, `${fat}.divide_by`, 'must be positive');
          const atMost = f.at_most === undefined ? undefined : finite(file, `${fat}.at_most`, f.at_most);
          if (atMost !== undefined && questions[q]?.kind !== 'event')
            fail(file, `${fat}.at_most`, 'only an event question reads a threshold');
          forecast[q] = { metric: text(file, `${fat}.metric`, f.metric) as string, divideBy, ...(atMost !== undefined ? { atMost } : {}) };
        } else fail(file, fat, 'must be a metric name or {metric, divide_by, at_most}');
      }
    }
    if (scenario !== null && Object.keys(forecast).length === 0) fail(file, `${at}.forecast`, 'an episode with a scenario needs forecasts');
    const runs: RunSpec[] = [];
    if (e.runs !== undefined) {
      if (!Array.isArray(e.runs)) fail(file, `${at}.runs`, 'must be a list');
      e.runs.forEach((r: unknown, j: number) => {
        const rat = `${at}.runs[${j}]`;
        if (!isObj(r)) fail(file, rat, 'must be a mapping');
        const set: Overrides = {};
        if (r.set !== undefined) {
          if (!isObj(r.set)) fail(file, `${rat}.set`, 'must map parameters to numbers');
          for (const [k, v] of Object.entries(r.set)) set[k] = finite(file, `${rat}.set.${k}`, v);
        }
        const note = text(file, `${rat}.note`, r.note, true);
        runs.push({ label: text(file, `${rat}.label`, r.label) as string, set, ...(note !== undefined ? { note: note.trim() } : {}) });
      });
    }
    const sources = Array.isArray(e.sources) ? e.sources.map((s: unknown) => String(s)) : [];
    const start = text(file, `${at}.start`, e.start, true);
    const end = text(file, `${at}.end`, e.end, true);
    return {
      id,
      title: (text(file, `${at}.title`, e.title, true) ?? id).trim(),
      scenario,
      observed,
      forecast,
      runs,
      sources,
      ...(start !== undefined ? { start } : {}),
      ...(end !== undefined ? { end } : {}),
    };
  });
  return { questions, episodes };
}

// --- scoring ---

/** One question's forecast from one run, in the question's units. */
interface ForecastOut {
  /** Event: the probability of the event. */
  p?: number;
  /** Count: median and 90% interval, and where the observation fell (mid-PIT: P(X < y) + P(X = y)/2). */
  median?: number;
  p5?: number;
  p95?: number;
  pit?: number;
  brier?: number;
  log?: number;
  crps?: number;
}

interface OutcomeOut {
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

interface EpisodeOut {
  id: string;
  title: string;
  scenario: string | null;
  scenarioId?: string;
  scenarioHash?: string;
  runs: { label: string; overrides: Overrides; note?: string }[];
  outcomes: OutcomeOut[];
}

function quantile(pairs: readonly (readonly [number, number])[], q: number): number {
  const total = pairs.reduce((s, [, c]) => s + c, 0);
  const need = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [v, c] of pairs) {
    seen += c;
    if (seen >= need) return v;
  }
  return pairs[pairs.length - 1]?.[0] ?? Number.NaN;
}

function transform(scale: Question['scale'], x: number): number {
  return scale === 'log1p' ? Math.log1p(Math.max(0, x)) : x;
}

function scoreEvent(p: number, y: 0 | 1, clip: number): ForecastOut {
  return { p, brier: brierScore(p, y), log: logScore(p, y, clip) };
}

function scoreCount(pairs: [number, number][], y: number, scale: Question['scale']): ForecastOut {
  const total = pairs.reduce((s, [, c]) => s + c, 0);
  let below = 0;
  let equal = 0;
  for (const [v, c] of pairs) {
    if (v < y) below += c;
    else if (v === y) equal += c;
  }
  return {
    median: quantile(pairs, 0.5),
    p5: quantile(pairs, 0.05),
    p95: quantile(pairs, 0.95),
    pit: (below + equal / 2) / total,
    crps: crps(
      pairs.map(([v, c]) => [transform(scale, v), c] as [number, number]),
      transform(scale, y),
    ),
  };
}

interface BacktestOptions {
  trials: number;
  seed: number;
  workers: number;
  clip: number;
  only?: string[];
}

async function runBacktest(file: string, options: BacktestOptions) {
  const data = parseEpisodes(file);
  const base = dirname(resolve(file));
  const selected = data.episodes.filter((e) => e.scenario !== null && (options.only === undefined || options.only.includes(e.id)));
  if (options.only !== undefined) {
    const unknown = options.only.filter((id) => !data.episodes.some((e) => e.id === id && e.scenario !== null));
    if (unknown.length > 0) {
      const known = data.episodes.filter((e) => e.scenario !== null).map((e) => e.id);
      throw new UsageError(`no episode with a scenario called ${unknown.join(', ')} (known: ${known.join(', ')})`);
    }
  }
  const out: EpisodeOut[] = [];
  for (const episode of selected) {
    const scenarioPath = resolve(base, episode.scenario as string);
    const loaded = loadScenarioFile(scenarioPath);
    const specs: RunSpec[] = [{ label: 'model', set: {} }, ...episode.runs];
    const counts: Record<string, Record<string, [number, number][]>> = {};
    let hash: string | undefined;
    for (const spec of specs) {
      let model: ReturnType<typeof buildModel>;
      try {
        model = buildModel(loaded.scenario, spec.set);
      } catch (error) {
        if (error instanceof GeoriskError) throw new GeoriskError(locateScenarioIssues(loaded, error.issues));
        throw error;
      }
      const notes = model.warnings.filter((w) => w.code === 'bad_override');
      if (notes.length > 0) process.stderr.write(`${episode.id} (${spec.label}):\n${formatIssues(notes)}\n`);
      if (spec.label === 'model') hash = scenarioHash(model);
      const summary = await runTrials(model, { seed: options.seed, trials: options.trials, workers: options.workers, overrides: spec.set });
      const byQuestion: Record<string, [number, number][]> = {};
      for (const [q, ref] of Object.entries(episode.forecast)) {
        const index = model.metrics.findIndex((m) => m.name === ref.metric);
        if (index < 0) {
          throw new UsageError(
            `${file}: episode ${episode.id}: the scenario has no metric "${ref.metric}" (it has ${model.metrics.map((m) => m.name).join(', ')})`,
          );
        }
        const acc = summary.metrics[index];
        if (acc === undefined) throw new Error(`no summary for metric ${ref.metric}`);
        byQuestion[q] = valueCounts(acc).map(([v, c]) => [v / ref.divideBy, c]);
      }
      counts[spec.label] = byQuestion;
    }
    const outcomes: OutcomeOut[] = [];
    for (const [q, ref] of Object.entries(episode.forecast)) {
      const question = data.questions[q] as Question;
      const y = episode.observed[q];
      if (y === null || y === undefined) continue;
      const others = data.episodes.filter((e) => e.id !== episode.id).map((e) => e.observed[q]);
      const reference = others.filter((v): v is number => v !== null && v !== undefined);
      const forecasts: Record<string, ForecastOut> = {};
      let baseline: OutcomeOut['baseline'];
      if (question.kind === 'event') {
        for (const spec of specs) {
          const pairs = counts[spec.label]?.[q] ?? [];
          const total = pairs.reduce((s, [, c]) => s + c, 0);
          let hits = 0;
          for (const [v, c] of pairs) {
            if (ref.atMost !== undefined ? v <= ref.atMost : v === 1) hits += c;
            else if (ref.atMost === undefined && v !== 0) {
              throw new UsageError(
                `${file}: episode ${episode.id}: metric "${ref.metric}" is not 0 or 1; give {metric, at_most} for an event`,
              );
            }
          }
          forecasts[spec.label] = scoreEvent(total > 0 ? hits / total : 0, y as 0 | 1, options.clip);
        }
        const k = reference.filter((v) => v === 1).length;
        baseline = { ...scoreEvent(baseRate(k, reference.length), y as 0 | 1, options.clip), basedOn: reference.length };
      } else {
        for (const spec of specs) forecasts[spec.label] = scoreCount(counts[spec.label]?.[q] ?? [], y, question.scale);
        // The other episodes' values, each with weight 1: their empirical distribution.
        const pairs = reference.map((v) => [v, 1] as [number, number]).sort((a, b) => a[0] - b[0]);
        baseline = { ...scoreCount(pairs, y, question.scale), basedOn: reference.length };
      }
      outcomes.push({
        question: q,
        kind: question.kind,
        scale: question.scale,
        observed: y,
        metric: ref.metric,
        forecasts,
        baseline,
        misses: specs.flatMap((spec) =>
          missesOf(question, y, forecasts[spec.label] as ForecastOut, baseline).map((m) =>
            spec.label === 'model' ? m : `(${spec.label}) ${m}`,
          ),
        ),
      });
    }
    out.push({
      id: episode.id,
      title: episode.title,
      scenario: relative(process.cwd(), scenarioPath),
      scenarioId: loaded.scenario.id,
      ...(hash !== undefined ? { scenarioHash: hash } : {}),
      runs: specs.map((s) => ({ label: s.label, overrides: s.set, ...(s.note !== undefined ? { note: s.note } : {}) })),
      outcomes,
    });
  }
  return { data, episodes: out, summary: summarize(data, out) };
}

/** Plain-language misses of the scenario as it stands: what a reader should not miss. */
function missesOf(question: Question, y: number, model: ForecastOut, baseline: ForecastOut): string[] {
  const misses: string[] = [];
  if (question.kind === 'event') {
    const p = model.p as number;
    const given = y === 1 ? p : 1 - p;
    if (given < 0.2) misses.push(`gave what happened (${y === 1 ? 'yes' : 'no'}) only ${formatPercent(given)}`);
    if ((model.brier as number) > (baseline.brier as number)) {
      misses.push(`worse than the base rate (Brier ${fmt(model.brier)} against ${fmt(baseline.brier)})`);
    }
  } else {
    const pit = model.pit as number;
    if (pit < 0.05 || pit > 0.95) {
      misses.push(
        `the observed ${formatNumber(y)} lies ${pit < 0.05 ? 'below' : 'above'} the 90% interval (${formatNumber(model.p5 as number)}–${formatNumber(model.p95 as number)}; it is at the ${Math.round(pit * 100)}th percentile)`,
      );
    } else if (pit < 0.2 || pit > 0.8) {
      misses.push(
        `the observed ${formatNumber(y)} is in the ${pit < 0.2 ? 'lower' : 'upper'} tail (${Math.round(pit * 100)}th percentile)`,
      );
    }
    if ((model.crps as number) > (baseline.crps as number)) {
      misses.push(`worse than the base rate (CRPS ${fmt(model.crps)} against ${fmt(baseline.crps)})`);
    }
  }
  return misses;
}

interface SummaryRow {
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

/** Means over the scored episodes, per question and score; leave-one-out falls back to the model where an episode has no such run. */
function summarize(data: EpisodeFile, episodes: EpisodeOut[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const add = (question: string, label: string, score: SummaryRow['score'], scale: SummaryRow['scale'], picks: OutcomeOut[]) => {
    if (picks.length === 0) return;
    const get = (f: ForecastOut | undefined) => f?.[score] as number;
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
    rows.push({
      question,
      label,
      score,
      scale,
      n: picks.length,
      model,
      leaveOneOut: loo,
      baseline,
      skill: skillScore(model, baseline),
      skillLeaveOneOut: skillScore(loo, baseline),
      skillDropOne: dropOne.length > 0 ? [Math.min(...dropOne), Math.max(...dropOne)] : [Number.NaN, Number.NaN],
    });
  };
  const all = episodes.flatMap((e) => e.outcomes);
  for (const [q, question] of Object.entries(data.questions)) {
    const picks = all.filter((o) => o.question === q);
    if (question.kind === 'event') {
      add(q, question.label, 'brier', 'linear', picks);
      add(q, question.label, 'log', 'linear', picks);
    } else add(q, question.label, 'crps', question.scale, picks);
  }
  const events = all.filter((o) => o.kind === 'event');
  add('all_events', 'all events', 'brier', 'linear', events);
  add('all_events', 'all events', 'log', 'linear', events);
  add(
    'deaths',
    'deaths, both sides',
    'crps',
    'log1p',
    all.filter((o) => o.question === 'side_a_deaths' || o.question === 'side_b_deaths'),
  );
  return rows;
}

// --- output ---

function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(3);
}

function pad(rows: string[][], right: boolean[]): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, c) => (right[c] ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function describeForecast(o: OutcomeOut, f: ForecastOut | undefined): string {
  if (f === undefined) return '';
  if (o.kind === 'event') return `${formatPercent(f.p as number)} B ${fmt(f.brier)}`;
  return `${formatNumber(f.median as number)} (${formatNumber(f.p5 as number)}–${formatNumber(f.p95 as number)}) C ${fmt(f.crps)}`;
}

function formatBacktestTable(result: Awaited<ReturnType<typeof runBacktest>>, options: BacktestOptions, file: string): string {
  const lines: string[] = [];
  const reference = result.data.episodes.length;
  lines.push(
    `georisk backtest · ${result.episodes.length} episode${result.episodes.length === 1 ? '' : 's'} with scenarios, ${reference} in the reference class · ${options.trials.toLocaleString('en-US')} trials per run · seed ${options.seed} · ${file}`,
  );
  lines.push(
    'Events: forecast probability and Brier score (B); counts: median (90% interval) and CRPS (C), on log(1 + x) for deaths. Lower scores are better.',
  );
  lines.push(
    'Base rate: leave-one-out over the other episodes (events (k + 0.5)/(n + 1); counts their empirical distribution, median shown).',
  );
  for (const e of result.episodes) {
    lines.push('');
    lines.push(`${e.id}: ${e.title} (${e.scenario})`);
    const labels = e.runs.map((r) => r.label);
    const rows: string[][] = [['  question', 'observed', ...labels, 'base rate']];
    for (const o of e.outcomes) {
      const q = result.data.questions[o.question] as Question;
      const observed = o.kind === 'event' ? (o.observed === 1 ? 'yes' : 'no') : formatNumber(o.observed);
      const base =
        o.kind === 'event'
          ? `${formatPercent(o.baseline.p as number)} B ${fmt(o.baseline.brier)}`
          : `${formatNumber(o.baseline.median as number)} C ${fmt(o.baseline.crps)}`;
      rows.push([`  ${q.label}`, observed, ...labels.map((l) => describeForecast(o, o.forecasts[l])), base]);
    }
    lines.push(...pad(rows, [false, true, ...labels.map(() => true), true]));
    for (const r of e.runs) if (r.note) lines.push(`  ${r.label}: ${r.note.replace(/\s+/g, ' ')}`);
    const misses = e.outcomes.flatMap((o) =>
      o.misses.map((m) => `  miss · ${(result.data.questions[o.question] as Question).label}: ${m}`),
    );
    lines.push(...(misses.length > 0 ? misses : ['  no misses flagged']));
  }
  lines.push('');
  lines.push(
    'summary: mean score over the scored episodes (skill = 1 − score / base rate; leave-one-out uses the model where an episode has none)',
  );
  const rows: string[][] = [
    ['  question', 'score', 'n', 'model', 'leave-one-out', 'base rate', 'skill', 'skill (loo)', 'skill, one episode dropped'],
  ];
  for (const r of result.summary) {
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
  lines.push(...pad(rows, [false, false, true, true, true, true, true, true, true]));
  lines.push('');
  lines.push(
    `Small sample: ${result.episodes.length} scored episodes, so one case can swing a mean (see the last column). "leave-one-out" refits by hand only the parameters each episode's note names; the base rate is leave-one-out by construction. Log scores clip forecasts to [${options.clip}, ${1 - options.clip}].`,
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
    .argument('[episodes]', 'episode file (YAML)', DEFAULT_EPISODES)
    .option('-n, --trials <n>', 'trials per scenario run', wholeNumber('--trials', 1), 20_000)
    .option('-s, --seed <seed>', 'random seed (same seed, same numbers)', wholeNumber('--seed', 0), DEFAULT_SEED)
    .option('-w, --workers <n>', 'worker threads (never changes the numbers)', wholeNumber('--workers', 1), availableParallelism())
    .option('-e, --episode <id...>', 'score only these episodes')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --out <file>', 'write the output to a file (atomically) instead of stdout')
    .action(async (file: string, flags: BacktestFlags) => {
      const options: BacktestOptions = {
        trials: flags.trials,
        seed: flags.seed,
        workers: flags.workers,
        clip: LOG_SCORE_CLIP,
        ...(flags.episode ? { only: flags.episode } : {}),
      };
      const result = await runBacktest(file, options);
      const textOut =
        flags.format === 'json'
          ? `${JSON.stringify(
              {
                episodesFile: file,
                engine: { version: ENGINE_VERSION },
                seed: options.seed,
                trials: options.trials,
                logScoreClip: options.clip,
                questions: result.data.questions,
                referenceClass: result.data.episodes.map((e) => ({ id: e.id, title: e.title, scenario: e.scenario, observed: e.observed })),
                episodes: result.episodes,
                summary: result.summary,
              },
              null,
              2,
            )}\n`
          : formatBacktestTable(result, options, file);
      output(textOut, flags.out);
      setExit(EXIT.ok);
    });
};
