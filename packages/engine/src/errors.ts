/**
 * Every problem the engine reports: a stable code, a path into the scenario, a message and a fix.
 * The engine throws `GeoriskError`; the CLI and the API translate it in one place each.
 */

/** The catalogue of problem codes, each with what it means; docs/scenario-language.md lists them. */
export const ISSUE_CODES = {
  yaml_syntax: 'The document is not valid YAML or JSON.',
  duplicate_key: 'A mapping repeats a key; YAML keeps only one, so georisk refuses both.',
  alias_limit: 'The document uses too many YAML aliases (a guard against "billion laughs" documents).',
  forbidden_key: 'A key such as __proto__, constructor or prototype, which could tamper with objects.',
  control_character:
    'Text holds a control character (written as an escape such as \\e or \\a, or raw), which a terminal printing it would obey instead of showing.',
  document_too_large: 'The document is larger than the engine accepts.',
  name_too_long: 'A name (parameter, variable, track, state, metric or a name in an expression) is longer than 64 characters.',
  too_many_names:
    'The document, with its modules, declares more than 2,000 names (parameters, variables, tracks, states, metrics, events).',
  too_many_includes: 'The document includes more than 32 modules in all, counting the includes of modules.',
  expanded_too_large: 'The document with its modules expanded is longer than 262,144 characters (the same as the API body limit).',
  too_many_issues: 'More than 100 problems were found; only the first 100 are reported.',
  invalid_type: 'A value has the wrong type (e.g. text where a number is expected).',
  missing_key: 'A required key is missing.',
  unknown_key: 'A key that this part of a scenario does not have (often a typo).',
  invalid_value: 'A value is out of its allowed set or format.',
  invalid_name: 'A name is not a valid identifier, or is reserved by the expression language.',
  duplicate_name:
    'Two parameters, variables or tracks share a name, or an include\'s "with" sets a parameter that is bound to an existing one.',
  bad_time: 'The time block is inconsistent (horizon not a whole number of steps, too many steps).',
  bad_range: 'A parameter range is not [min, max] with min <= max, or its default lies outside it.',
  unknown_state: 'A transition, test or event names a state its track does not have.',
  unknown_name: 'An expression reads a name that is not declared.',
  unknown_function: 'An expression calls a function that is not in the allowed list.',
  forbidden_syntax:
    'An expression uses syntax that scenarios may not use (assignment, property access, ranges, matrices, function definitions...).',
  expression_syntax: 'An expression does not parse.',
  expression_too_long: 'An expression is longer than 2,000 characters.',
  expression_too_deep: 'An expression nests deeper than 40 levels.',
  wrong_arity: 'A function is called with the wrong number of arguments.',
  state_misuse: 'A track name is used as a number; compare it with a state instead.',
  bad_number: 'A number is not finite or is too large.',
  negative_rate: 'A transition rate is below zero.',
  probability_range: 'A probability is outside [0, 1], or the probabilities out of a state add up to more than 1.',
  bad_distribution: 'An uncertainty distribution, or a random draw with constant arguments, has invalid parameters.',
  unreachable_state: 'A state can never be entered (warning).',
  absorbing_trap: 'A non-terminal-looking state has no way out (warning).',
  file_not_found: 'The scenario file named on the command line does not exist.',
  file_unreadable: 'The scenario file cannot be read: it is a directory, a device or a pipe, or permission is denied.',
  module_not_found: 'An included module cannot be found.',
  module_cycle: 'Modules include each other in a cycle.',
  bad_override:
    "An override (or a varied parameter) names no parameter or gives no finite number; or (warning) it lies outside the parameter's range.",
  bad_prior:
    "A parameter's declared prior contradicts its range: a uniform or triangular prior reaches outside it, or the prior's median lies outside it.",
  missing_provenance: 'A parameter declares neither where its value comes from (provenance, sources, assumption) nor a prior (warning).',
  bad_run_options: 'Trials, seed or workers are out of range.',
  budget_exceeded: 'trials x steps exceeds the budget for one run.',
  result_too_large: 'the result would hold more numbers (states x steps x recorded series) than the limit allows.',
  not_markov: 'The scenario has no exact answer: some rate or event depends on accumulated variables or varies between trials.',
  bad_observation:
    'An observation names a track, state, event or variable the scenario lacks, lies outside the horizon, or contradicts another.',
  impossible_observation: 'The observations have probability zero under the model (or no sampled trial matched them).',
  runtime_value:
    'During a run an expression produced a value that is not allowed (a negative or non-finite rate, a probability above 1, a bad sampler argument).',
} as const;

/** Longest name accepted (the library's longest is 30 characters). */
export const MAX_NAME_LENGTH = 64;
/** Most names a document may declare, its modules included. */
export const MAX_NAMES = 2_000;
/** Most module includes one load may expand, nested ones counted. */
export const MAX_INCLUDES = 32;
/** Most characters one load may read, the document and every module it includes together (a guard against include amplification). */
export const MAX_EXPANDED_CHARS = 262_144;
/** Most issues one error reports; the rest are summed up in one last issue. */
export const MAX_ISSUES = 100;
/** Longest text a message or hint echoes from the document before it is cut with "…". */
export const MAX_ECHO_LENGTH = 64;
/** Edit-distance cells one "did you mean" search may compute; past it, no suggestion is made. */
export const SUGGESTION_BUDGET_CELLS = 200_000;

/** Edit-distance cells all the "did you mean" hints of one document may compute together. */
export const DOCUMENT_SUGGESTION_CELLS = 2_000_000;

/** A stable problem code. */
export type IssueCode = keyof typeof ISSUE_CODES;

/** One problem found in a scenario or a run request. */
export interface Issue {
  code: IssueCode;
  severity: 'error' | 'warning';
  /** Dotted path into the document, e.g. `tracks.conflict.transitions[2].rate`; empty for the whole document. */
  path: string;
  message: string;
  /** What to do about it. */
  hint?: string;
  /** Source file (module files report their own). */
  file?: string;
  /** 1-based line and column in the source text, when known. */
  line?: number;
  column?: number;
}

/** The one error type the engine throws; `issues` holds every problem found, not just the first. */
export class GeoriskError extends Error {
  readonly issues: Issue[];

  constructor(issues: Issue[]) {
    const kept = capIssues(issues);
    super(formatIssues(kept));
    this.name = 'GeoriskError';
    this.issues = kept;
  }

  /** The first issue's code, for callers that map codes to exit statuses or HTTP codes. */
  get code(): IssueCode {
    return this.issues[0]?.code ?? 'invalid_value';
  }
}

/** The first `MAX_ISSUES` issues, then one summing up the rest, so that a hostile document cannot flood an answer. */
function capIssues(issues: Issue[]): Issue[] {
  if (issues.length <= MAX_ISSUES) return issues;
  const counted = issues.filter((i) => i.code !== 'too_many_issues');
  if (counted.length <= MAX_ISSUES) return issues;
  // Issues already capped once (a module's, re-thrown by its scenario) keep their count.
  const hidden = issues.reduce((n, i) => n + (i.code === 'too_many_issues' ? moreOf(i) : 0), 0);
  const more = counted.length - MAX_ISSUES + hidden;
  return [
    ...counted.slice(0, MAX_ISSUES),
    issue(
      'too_many_issues',
      '',
      `and ${more} more problems`,
      `fix the first ${MAX_ISSUES} (later ones often follow from them) and check again`,
    ),
  ];
}

/** How many problems a `too_many_issues` summary stands for. */
function moreOf(i: Issue): number {
  return Number(/^and (\d+) more/.exec(i.message)?.[1] ?? 0);
}

/** `text` cut to `MAX_ECHO_LENGTH` characters with "…", for echoing document text in messages. */
export function truncate(text: string, max = MAX_ECHO_LENGTH): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** Builds an error issue. */
export function issue(code: IssueCode, path: string, message: string, hint?: string): Issue {
  return hint === undefined ? { code, severity: 'error', path, message } : { code, severity: 'error', path, message, hint };
}

/** Throws a single-issue `GeoriskError`. */
export function fail(code: IssueCode, path: string, message: string, hint?: string): never {
  throw new GeoriskError([issue(code, path, message, hint)]);
}

/** Renders one issue as `file:line:col path: message (hint)`. */
export function formatIssue(i: Issue): string {
  const where = [i.file, i.line, i.column].filter((p) => p !== undefined).join(':');
  const head = [where, i.path].filter((p) => p !== '').join(' ');
  const label = i.severity === 'warning' ? 'warning' : 'error';
  const hint = i.hint ? `\n  hint: ${i.hint}` : '';
  return `${head ? `${head}: ` : ''}${label} [${i.code}] ${i.message}${hint}`;
}

/** Renders issues one per line. */
export function formatIssues(issues: Issue[]): string {
  return issues.map(formatIssue).join('\n');
}

/**
 * Edit distance for "did you mean" suggestions: insertions, deletions, substitutions, and swaps of
 * two neighbouring letters (a common typo: "clahs" for "clash") each count as one edit.
 */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row.push(d);
    }
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/** Edit-distance cells a suggestion search may still compute; `nearest` spends it. */
export interface SuggestionBudget {
  cells: number;
}

/**
 * The closest candidate to `name`, if one is close enough to be a likely typo. Bounded work: a name
 * or candidate longer than `MAX_NAME_LENGTH` is not compared, nor one whose length differs by more
 * than the distance allowed, and the search stops when `budget` runs out (a fresh one per call unless given).
 */
export function nearest(
  name: string,
  candidates: Iterable<string>,
  budget: SuggestionBudget = { cells: SUGGESTION_BUDGET_CELLS },
): string | undefined {
  if (name.length > MAX_NAME_LENGTH) return undefined;
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    if (c.length > MAX_NAME_LENGTH || Math.abs(c.length - name.length) > limit) continue;
    const cells = (lower.length + 1) * (c.length + 1);
    if (cells > budget.cells) break;
    budget.cells -= cells;
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** A "did you mean" hint, or a listing of what exists when nothing is close. */
export function suggestion(name: string, candidates: readonly string[], what: string, budget?: SuggestionBudget): string {
  const near = nearest(name, candidates, budget);
  if (near !== undefined) return `did you mean "${near}"?`;
  // "parameters and variables" lists both kinds; when there are none of either, "or" reads right.
  if (candidates.length === 0) return `no ${what.replaceAll(' and ', ' or ')} are declared`;
  const shown = candidates
    .slice(0, 12)
    .map((c) => truncate(c))
    .join(', ');
  return `known ${what}: ${shown}${candidates.length > 12 ? ', …' : ''}`;
}
