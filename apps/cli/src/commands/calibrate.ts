/**
 * `georisk calibrate`: fits the generic clash model to the reference class of interstate clashes
 * and scores it out of sample (leave-one-out and a time split) beside the base rate and climatology,
 * printed as a table or JSON (the work is `@georisk/engine/backtest`'s `calibrateReport`).
 */
import { DEFAULT_SEED, GeoriskError, type Issue } from '@georisk/engine';
import { type CalibrateReport, calibrateReport, type FoldKind, formatScore as fmt, readReferenceClass } from '@georisk/engine/backtest';
import { Option } from 'commander';
import { EXIT, output, type RegisterCommand, UsageError, wholeNumber } from '../cli-common.ts';
import { formatPercent, table } from '../format.ts';
import { defaultInputFile, loadScenarioFile, readInputDocument } from '../load.ts';

/** The reference class and the generic model, relative to the repository (see `defaultInputFile`), when none are given. */
export const DEFAULT_CLASS = 'scenarios/reference-class/clashes.yaml';
export const DEFAULT_MODEL = 'scenarios/reference-class/generic-clash.yaml';

/** Problems the calibration finds in its settings or the class, as a usage error naming `file:line:col path: message`, then the fix. */
function fileError(issues: readonly Issue[]): UsageError {
  const lines = issues.map((i) => {
    const where = [i.file, i.line, i.column].filter((p) => p !== undefined).join(':');
    const head = [where, i.path].filter((p) => p !== '').join(' ');
    return `${head ? `${head}: ` : ''}${i.message}${i.hint ? `\n  hint: ${i.hint}` : ''}`;
  });
  return new UsageError(lines.join('\n'));
}

function formatFold(report: CalibrateReport, index: number): string[] {
  const fold = report.folds[index];
  if (fold === undefined) return [];
  const rows: string[][] = [['  question', 'score', 'n', 'model', 'baseline', 'skill', '95% interval', 'positive?']];
  for (const q of fold.questions) {
    const s = q.skill;
    const score = q.score === 'crps' ? 'CRPS (days)' : q.score === 'log' ? 'log (bits)' : 'Brier';
    rows.push([
      `  ${q.label}`,
      score,
      String(q.n),
      fmt(s.score),
      `${fmt(s.baseline)} ${q.baselineKind}`,
      fmt(s.skill),
      `${fmt(s.ci95[0])} to ${fmt(s.ci95[1])}`,
      s.verdict,
    ]);
  }
  const rel = (name: string, r: (typeof fold.reliability)['war']) =>
    `  reliability, ${name}: ${r.bins
      .filter((b) => b.n > 0)
      .map(
        (b) =>
          `[${formatPercent(b.from)}–${formatPercent(b.to)}) n ${b.n}: forecast ${formatPercent(b.meanForecast)}, observed ${formatPercent(b.observed)}`,
      )
      .join('; ')} · sharpness (sd) ${fmt(r.sharpness)}`;
  return [
    '',
    fold.description,
    table(rows, [false, false, true, true, true, true, true, false]),
    rel('war', fold.reliability.war),
    rel('truce within 7 days', fold.reliability.truce7),
  ];
}

function formatCalibrateTable(report: CalibrateReport, file: string): string {
  const p = report.fit.params;
  const lines = [
    `georisk calibrate · ${report.episodes} episodes (${file}) · seed ${report.settings.seed} · ${report.settings.bootstrap} bootstrap resamples`,
    `Method: ${report.method}.`,
    `Fit to the whole class (not scored): war_rate ${fmt(p.war_rate)}/day, stop_rate ${fmt(p.stop_rate)}/day, war_stop_rate ${fmt(p.war_stop_rate)}/day, offensive_war_shift ${fmt(p.offensive_war_shift)}, ally_war_shift ${fmt(p.ally_war_shift)}, patron_stop_shift ${fmt(p.patron_stop_shift)}.`,
  ];
  for (let i = 0; i < report.folds.length; i++) lines.push(...formatFold(report, i));
  lines.push(
    '',
    'Skill = 1 − score / baseline; "positive": the whole bootstrap interval is above 0; "not clearly positive": only the point estimate is. Lower scores are better.',
  );
  return `${lines.join('\n')}\n`;
}

interface CalibrateFlags {
  scenario?: string;
  splitYear: number;
  folds: 'loo' | 'time' | 'both';
  bootstrap: number;
  seed: number;
  json?: boolean;
  format: 'table' | 'json';
  out?: string;
}

function runCalibrate(file: string, flags: CalibrateFlags): CalibrateReport {
  // A problem in either file is a GeoriskError located in it (exit 1, as `validate` prints it).
  const { referenceClass } = readReferenceClass(readInputDocument(file), file);
  const scenario = loadScenarioFile(flags.scenario ?? defaultInputFile(DEFAULT_MODEL)).scenario;
  const folds: FoldKind[] = flags.folds === 'both' ? ['loo', 'time'] : [flags.folds];
  try {
    return calibrateReport(scenario, referenceClass, { folds, splitYear: flags.splitYear, bootstrap: flags.bootstrap, seed: flags.seed });
  } catch (error) {
    if (error instanceof GeoriskError) throw fileError(error.issues);
    throw error;
  }
}

/** Registers `calibrate`. */
export const registerCalibrate: RegisterCommand = (program, setExit) => {
  program
    .command('calibrate')
    .description('fit the generic clash model to the reference class and score it out of sample (leave-one-out, time split)')
    .argument('[episodes]', `reference-class file (YAML; default: the repository's ${DEFAULT_CLASS})`)
    .option('--scenario <file>', `the generic clash model (default: the repository's ${DEFAULT_MODEL})`)
    .option(
      '--split-year <year>',
      'time split: fit on episodes before this year, score those from it on',
      wholeNumber('--split-year', 1900),
      2015,
    )
    .addOption(new Option('--folds <folds>', 'which out-of-sample folds').choices(['loo', 'time', 'both']).default('both'))
    .option('-b, --bootstrap <n>', 'bootstrap resamples over episodes for the skill intervals', wholeNumber('--bootstrap', 10), 1000)
    .option('-s, --seed <seed>', 'bootstrap seed', wholeNumber('--seed', 0), DEFAULT_SEED)
    .option('--json', 'JSON output (same as --format json)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --out <file>', 'write the output to a file (atomically) instead of stdout')
    .action((given: string | undefined, flags: CalibrateFlags) => {
      const file = given ?? defaultInputFile(DEFAULT_CLASS);
      const report = runCalibrate(file, flags);
      const json = flags.json === true || flags.format === 'json';
      output(json ? `${JSON.stringify(report, null, 2)}\n` : formatCalibrateTable(report, file), flags.out);
      setExit(EXIT.ok);
    });
};
