/**
 * `georisk run --uncertainty N [--queue URL]`: the band of each metric across N parameter draws from
 * the priors, computed on this machine's threads or by `georisk worker`s on a queue, as a table or JSON.
 */
import {
  bandEndNumber,
  bandEndPercent,
  clearDrivers,
  GeoriskError,
  type MetricBand,
  type Overrides,
  planUncertainty,
  type UncertaintyMethod,
  type UncertaintyPlan,
  type UncertaintyResult,
} from '@georisk/engine';
import { connectQueue, parseQueueUrl } from '@georisk/queue';
import { locateScenarioIssues, output } from '../cli-common.ts';
import { formatEstimate, formatPercent, table } from '../format.ts';
import { loadScenarioFile } from '../load.ts';
import { runUncertaintyOnThreads } from '../parallel.ts';
import { progressBar } from '../progress-bar.ts';
import { runUncertaintyPlanOnQueue } from '../queue-progress.ts';
import { runNotes } from '../run-notes.ts';

/** The flags of `run` that a two-level run reads. */
export interface UncertaintyFlags {
  uncertainty: number;
  design: 'lhs' | 'sobol';
  trialsPerDraw: number;
  method: UncertaintyMethod;
  seed: number;
  set: Overrides;
  workers: number;
  format: 'table' | 'json' | 'csv';
  out?: string;
  budget: number;
  metrics?: string[];
  progress: boolean;
  /** Run the sampled draws on `georisk worker`s sharing this Redis queue. */
  queue?: string;
}

/** Drivers shown per metric in the table (all of them are in the JSON). */
const TABLE_DRIVERS = 3;

/** An end of the band, to the digits the page shows (its ends are themselves estimates from a few hundred draws). */
function bandEnd(band: MetricBand, x: number): string {
  return band.probability ? bandEndPercent(x) : bandEndNumber(x);
}

/** The leading drivers clear of noise (`clearDrivers`: the rest could be chance among so many parameters). */
function driversText(band: MetricBand): string {
  const clear = clearDrivers(band.drivers).slice(0, TABLE_DRIVERS);
  if (clear.length === 0) return 'none clear of noise';
  // An error that rounds to 0.00 reads "<0.01": "±0.00" would claim no error at all.
  const se = (x: number) => (x > 0 && x < 0.005 ? '<0.01' : x.toFixed(2));
  return clear.map((d) => `${d.name} ${d.s1.toFixed(2)}±${se(d.se)}`).join(', ');
}

/** The table of a two-level run: per metric the overall answer, the band, the variance split and the drivers; `where` says what ran it. */
export function formatUncertaintyTable(r: UncertaintyResult, title: string, where: string, notes: readonly string[] = []): string {
  const inner = r.method === 'exact' ? 'each solved exactly' : `× ${r.trialsPerDraw.toLocaleString('en-US')} trials each`;
  const design = r.design === 'lhs' ? 'Latin hypercube' : "Sobol'";
  const fixed = Object.entries(r.fixed).map(([k, v]) => `${k}=${v}`);
  const out = [
    title,
    ...notes,
    `${r.draws.toLocaleString('en-US')} parameter draws (${design}) ${inner} · seed ${r.seed} · ${r.timing.seconds.toFixed(2)} s ${where}`,
    '',
  ];
  const rows = [['metric', 'overall ± SE', '5–95% across draws', 'parameters : chance', 'driven by (S1 ± SE)']];
  for (const [name, band] of Object.entries(r.metrics)) {
    const share = band.variance.parameterShare;
    rows.push([
      name,
      band.probability
        ? `${formatPercent(band.overall.mean)} ± ${formatPercent(band.overall.se)}`
        : formatEstimate(band.overall.mean, band.overall.se),
      `${bandEnd(band, band.band.p5)} – ${bandEnd(band, band.band.p95)}`,
      `${formatPercent(share)} : ${formatPercent(1 - share)}`,
      driversText(band),
    ]);
  }
  out.push(table(rows, [false, true, true, true, false]));
  out.push('');
  out.push(`uncertain (${r.uncertain.length}): ${r.uncertain.map((p) => p.name).join(', ')}`);
  if (fixed.length > 0) out.push(`fixed by --set: ${fixed.join(' ')}`);
  out.push(
    'The band is the spread of each draw’s answer across the priors; ± SE is the Monte Carlo error of the overall answer.',
    'parameters : chance splits the outcome’s variance (law of total variance); S1 is each parameter’s share of the band’s variance',
    `(drivers shown only where S1 clears noise among the ${r.uncertain.length} parameters: a do-nothing one shows in about 5% of bands; every one is in --format json).`,
  );
  for (const note of r.notes) out.push(`note: ${note}`);
  return `${out.join('\n')}\n`;
}

/** Plans the run (every problem reported before any work starts), runs it on the threads and prints it. */
export async function uncertaintyCommand(file: string, flags: UncertaintyFlags): Promise<void> {
  const loaded = loadScenarioFile(file);
  if (flags.format === 'csv')
    throw new GeoriskError([
      {
        code: 'bad_run_options',
        severity: 'error',
        path: 'format',
        message: 'an uncertainty run has no CSV output',
        hint: 'use --format table or --format json',
      },
    ]);
  let plan: UncertaintyPlan;
  try {
    plan = planUncertainty(loaded.scenario, {
      draws: flags.uncertainty,
      design: flags.design,
      trialsPerDraw: flags.trialsPerDraw,
      method: flags.method,
      seed: flags.seed,
      overrides: flags.set,
      budget: flags.budget,
      ...(flags.metrics === undefined ? {} : { metrics: flags.metrics }),
    });
  } catch (error) {
    if (error instanceof GeoriskError) throw new GeoriskError(locateScenarioIssues(loaded, error.issues));
    throw error;
  }
  const { result, where } = await runDraws(plan, flags).catch((error: unknown) => {
    if (error instanceof GeoriskError) throw new GeoriskError(locateScenarioIssues(loaded, error.issues));
    throw error;
  });
  const title = loaded.scenario.title ?? loaded.scenario.id;
  const text =
    flags.format === 'json'
      ? `${JSON.stringify(result, null, 2)}\n`
      : formatUncertaintyTable(result, title, where, runNotes(loaded.scenario, flags.set));
  output(text, flags.out);
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * Runs a checked plan: sampled draws on the queue when one is given (connected only now, so bad
 * input gets the same errors with or without it), otherwise, and for exact draws, on the threads.
 */
async function runDraws(plan: UncertaintyPlan, flags: UncertaintyFlags): Promise<{ result: UncertaintyResult; where: string }> {
  if (flags.queue !== undefined && plan.method === 'sample') {
    const queue = await connectQueue(flags.queue);
    try {
      const { result, workersSeen } = await runUncertaintyPlanOnQueue(plan, { queue, progress: flags.progress });
      return { result, where: `on the queue ${queue.address.display} (${plural(workersSeen, 'worker')})` };
    } finally {
      await queue.close();
    }
  }
  if (flags.queue !== undefined) {
    parseQueueUrl(flags.queue);
    process.stderr.write('georisk: each draw is solved exactly, with no trials to queue: solving them here, on this machine’s threads\n');
  }
  const progress = progressBar({ enabled: flags.progress, total: plan.draws, label: 'drawing', unit: 'draws', showAfterMs: 1000 });
  const result = await runUncertaintyOnThreads(plan, flags.workers, progress.active ? progress.update : undefined).finally(progress.stop);
  return { result, where: `on ${plural(flags.workers, 'worker')}` };
}
