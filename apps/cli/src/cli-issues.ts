/**
 * The one place where engine issues take the command line's words: the engine names its options
 * (`overrides.war_rate`, `vary`, `quantiles`, a band's `trialsPerDraw`), the CLI names its flags
 * (`--set war_rate`, `--vary`, `--quantiles`, `--trials-per-draw`).
 */
import { formatIssues, type Issue } from '@georisk/engine';
import { terminalSafe } from './cli-common.ts';

/** Library option names whose flag differs from `--<name>`. */
const FLAG_OF_OPTION: Readonly<Record<string, string>> = {
  overrides: '--set',
  params: '--vary',
  draws: '--uncertainty',
  trialsPerDraw: '--trials-per-draw',
  groups: '--group',
  minMass: '--min-mass',
};

/** Library options that the commands take as flags (`--<name>` unless `FLAG_OF_OPTION` says otherwise). */
const OPTIONS = new Set([
  'trials',
  'budget',
  'overrides',
  'vary',
  'params',
  'samples',
  'levels',
  'resamples',
  'method',
  'sampling',
  'replicates',
  'solver',
  'groups',
  'percentiles',
  'quantiles',
  'metrics',
  'outcome',
  'alpha',
  'threshold',
  'minMass',
  'lhs',
  'sobol',
  'draws',
  'design',
  'trialsPerDraw',
]);

/** Codes of issues about the command line (the others point into the scenario and keep their path). */
const COMMAND_LINE_CODES = new Set<Issue['code']>(['bad_override', 'bad_run_options', 'budget_exceeded']);

function flagOf(option: string): string {
  return FLAG_OF_OPTION[option] ?? `--${option}`;
}

/** `overrides.x` → `--set x`, `design.vary.x` → `--vary x`, `quantiles` → `--quantiles`; a path into the scenario stays as it is. */
export function cliPath(path: string): string {
  const m = /^(?:design\.)?([a-z][A-Za-z]*)(?:\.(.+))?$/.exec(path);
  const option = m?.[1];
  if (option === undefined || !OPTIONS.has(option)) return path;
  return m?.[2] === undefined ? flagOf(option) : `${flagOf(option)} ${m[2]}`;
}

/** Rewrites the options an engine text names in backticks (`` `vary` ``) as flags (`--vary`). */
export function cliText(text: string): string {
  return text.replace(/`([a-z][A-Za-z]*)`/g, (whole, option: string) => (OPTIONS.has(option) ? flagOf(option) : whole));
}

/** An issue in the command line's words; issues about the scenario document are unchanged. */
export function cliIssue(i: Issue): Issue {
  if (!COMMAND_LINE_CODES.has(i.code)) return i;
  const path = cliPath(i.path);
  const message = cliText(i.message);
  const hint = i.hint === undefined ? undefined : cliText(i.hint);
  if (path === i.path && message === i.message && hint === i.hint) return i;
  return hint === undefined ? { ...i, path, message } : { ...i, path, message, hint };
}

/** `formatIssues` in the command line's words. */
export function formatCliIssues(issues: readonly Issue[]): string {
  return terminalSafe(formatIssues(issues.map(cliIssue)));
}
