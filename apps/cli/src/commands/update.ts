/** `georisk update`: the forecast conditioned on what has been observed so far, in the formats of `georisk run`. */
import { availableParallelism } from 'node:os';
import {
  DEFAULT_SEED,
  DEFAULT_TRIAL_STEP_BUDGET,
  GeoriskError,
  type Issue,
  issue,
  locateIssues,
  type Overrides,
  prepareUpdate,
  readDocument,
  type UpdateAnswer,
} from '@georisk/engine';
import { Option } from 'commander';
import { collectSet, EXIT, locateScenarioIssues, output, type RegisterCommand, wholeNumber } from '../cli-common.ts';
import { formatCsv, formatNumber, formatPercent, formatTable, table } from '../format.ts';
import { InputFileError, loadScenarioFile, readInputFile } from '../load.ts';
import { runUpdate } from '../parallel.ts';
import { runNotes } from '../run-notes.ts';

interface UpdateFlags {
  observed: string;
  trials: number;
  seed: number;
  set: Overrides;
  format: 'table' | 'json' | 'csv';
  out?: string;
  budget: number;
  method: 'auto' | 'exact' | 'smc';
  workers: number;
}

async function updateCommand(file: string, flags: UpdateFlags): Promise<void> {
  const loaded = loadScenarioFile(file);
  let text: string;
  try {
    text = readInputFile(flags.observed);
  } catch (error) {
    if (error instanceof InputFileError)
      throw new GeoriskError([{ ...issue('bad_observation', '', error.message, error.hint), file: error.file }]);
    throw error;
  }
  let answer: UpdateAnswer;
  try {
    const options = {
      trials: flags.trials,
      seed: flags.seed,
      overrides: flags.set,
      budget: flags.budget,
      method: flags.method,
      file: flags.observed,
    };
    const { model, observed, exact } = prepareUpdate(loaded.scenario, text, options);
    const sampled = await runUpdate(model, {
      observed,
      text,
      seed: flags.seed,
      trials: flags.trials,
      workers: flags.workers,
      overrides: flags.set,
    });
    answer = exact === undefined ? sampled : { ...sampled, exact };
  } catch (error) {
    if (error instanceof GeoriskError) throw new GeoriskError(locate(error.issues, loaded, text, flags.observed));
    throw error;
  }
  for (const w of answer.conditioning.warnings) process.stderr.write(`georisk: warning: ${w}\n`);
  const formatted =
    flags.format === 'json'
      ? `${JSON.stringify(answer, null, 2)}\n`
      : flags.format === 'csv'
        ? formatCsv(answer)
        : `${formatTable(answer, runNotes(loaded.scenario, flags.set))}${formatConditioning(answer)}`;
  output(formatted, flags.out);
}

/** Issues about the observations get their file, line and column; the rest, the scenario's. */
function locate(issues: Issue[], loaded: ReturnType<typeof loadScenarioFile>, text: string, file: string): Issue[] {
  const observed = issues.filter((i) => i.line === undefined && (i.path.startsWith('observations') || i.path === 'as_of'));
  const doc = observed.length > 0 ? readDocument(text, file) : undefined;
  return issues.map((i) =>
    doc !== undefined && observed.includes(i) ? (locateIssues(doc, [i])[0] ?? i) : (locateScenarioIssues(loaded, [i])[0] ?? i),
  );
}

/** The conditioning diagnostics under the run table: evidence, ESS, each observation, moved priors, the exact answer. */
export function formatConditioning(a: UpdateAnswer): string {
  const c = a.conditioning;
  const out: string[] = [
    '',
    `conditioned on ${c.observations.length} observations, as of t = ${c.asOf} ${a.unit}s · observations ${a.receipt.observationsHash.slice(0, 16)}`,
  ];
  out.push(
    `effective sample size ${formatNumber(c.effectiveSampleSize)} of ${a.trials.toLocaleString('en-US')} · ${c.evidenceLabel} ≈ ${c.evidence.toPrecision(3)}${a.exact ? ` (exact ${a.exact.evidence.toPrecision(3)})` : ''}`,
  );
  // What the table's intervals are, so that they are not read as the uncertainty about the world.
  out.push(
    c.parameters.length > 0
      ? "the intervals above are sampling error over the conditioned trials' effective number; what we do not know of the parameters is inside each answer (every trial drew them from their priors, and the observations reweighed those draws: see the parameters below), not a band around it"
      : "the intervals above are sampling error over the conditioned trials' effective number; the scenario's parameters are held at their values (none has a prior)",
  );
  const rows: string[][] = [['observation', 't', 'P(given earlier)', 'trials matching']];
  for (const o of c.observations) rows.push([o.name, String(o.t), formatPercent(o.probability), o.trialsMatching.toLocaleString('en-US')]);
  out.push(table(rows, [false, true, true, true]));
  for (const p of c.parameters)
    out.push(`parameter ${p.name}: mean ${formatNumber(p.priorMean)} → ${formatNumber(p.posteriorMean)}; ${p.summary}`);
  if (a.exact) {
    for (const [name, t] of Object.entries(a.exact.tracks)) {
      const rows2: string[][] = [[`track ${name} (exact, conditioned)`, 'final', 'ever']];
      for (const state of t.states) rows2.push([`  ${state}`, formatPercent(t.final[state] ?? 0), formatPercent(t.ever[state] ?? 0)]);
      out.push('', table(rows2, [false, true, true]));
    }
    const rows3: string[][] = [['metric (exact, conditioned)', 'mean', 'P']];
    for (const [name, m] of Object.entries(a.exact.metrics)) {
      rows3.push([name, formatNumber(m.mean), m.probability === undefined ? '' : formatPercent(m.probability)]);
    }
    if (rows3.length > 1) out.push('', table(rows3, [false, true, true]));
    for (const [name, why] of Object.entries(a.exact.unavailable)) out.push(`no exact conditioned ${name}: ${why}`);
  }
  for (const w of c.warnings) out.push(`\nwarning: ${w}`);
  for (const n of [...c.notes, ...(a.exact?.notes ?? [])]) out.push(`\nnote: ${n}`);
  return `${out.join('\n')}\n`;
}

/** Registers `update`. */
export const registerUpdate: RegisterCommand = (program, setExit) => {
  program
    .command('update')
    .description('condition the forecast on what has been observed so far (a YAML or JSON list of observations)')
    .argument('<file>', 'scenario file (YAML or JSON)')
    .requiredOption('--observed <file>', 'observations file (YAML or JSON): track states, events, variable values, as_of')
    .option('-n, --trials <n>', 'number of trials (weighted, then resampled)', wholeNumber('--trials', 1), 10_000)
    .option('-s, --seed <seed>', 'random seed (same seed, same numbers)', wholeNumber('--seed', 0), DEFAULT_SEED)
    .option('--set <name=value>', 'override a parameter (repeatable)', collectSet, {})
    .option('-w, --workers <n>', 'worker threads (never changes the numbers)', wholeNumber('--workers', 1), availableParallelism())
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .option('-o, --out <file>', 'write the output to a file (atomically) instead of stdout')
    .option(
      '--budget <trialSteps>',
      'ceiling on trials × steps (both passes together)',
      wholeNumber('--budget', 1),
      DEFAULT_TRIAL_STEP_BUDGET,
    )
    .addOption(
      new Option('--method <method>', 'auto adds the exact conditional where the chain is Markov; exact requires it; smc samples only')
        .choices(['auto', 'exact', 'smc'])
        .default('auto'),
    )
    .action(async (file: string, flags: UpdateFlags) => {
      await updateCommand(file, flags);
      setExit(EXIT.ok);
    });
};
