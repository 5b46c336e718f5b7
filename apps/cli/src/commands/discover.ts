/** `georisk discover`: which region of the parameter space leads to an outcome (PRIM), as a readable box or JSON. */
import { availableParallelism } from 'node:os';
import {
  analyseDiscover,
  DEFAULT_DISCOVER_SAMPLES,
  DEFAULT_DISCOVER_TRIALS,
  DEFAULT_SEED,
  DEFAULT_TRIAL_STEP_BUDGET,
  type DiscoverPlan,
  type DiscoverResult,
  GeoriskError,
  outcomeShare,
  type ParameterRange,
  planDiscover,
} from '@georisk/engine';
import { Option } from 'commander';
import { EXIT, locateScenarioIssues, output, type RegisterCommand, wholeNumber } from '../cli-common.ts';
import { collectVary, finiteNumber } from '../design-options.ts';
import { formatNumber, formatPercent } from '../format.ts';
import { loadScenarioFile } from '../load.ts';
import { runPoints, startWorkerThreads } from '../parallel.ts';
import { progressBar } from '../progress-bar.ts';

interface DiscoverFlags {
  outcome: string;
  vary: ParameterRange[];
  samples: number;
  trials: number;
  threshold?: number;
  seed: number;
  workers: number;
  alpha?: number;
  minMass?: number;
  format: 'table' | 'json';
  out?: string;
  budget: number;
  progress: boolean;
}

const pText = (p: number) => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

/** The readable report: the chosen box, its restrictions and the peeling trajectory. */
export function formatDiscover(r: DiscoverResult): string {
  const o = r.outcome;
  const lines = [
    `PRIM: where does ${o.metric} ${o.op} ${o.value} happen? ${r.samples.toLocaleString('en-US')} Latin-hypercube points × ${r.trials.toLocaleString('en-US')} trials, seed ${r.seed}`,
    `Over the whole space: ${formatPercent(r.baseDensity)}.`,
    '',
    `Chosen box (step ${r.chosen} of ${r.trajectory.length - 1}): coverage ${formatPercent(r.box.coverage)}, density ${formatPercent(r.box.density)}, ${formatPercent(r.box.mass)} of the points; p = ${pText(r.pValue)} against the whole space`,
  ];
  if (r.restrictions.length === 0) {
    const best = r.trajectory[r.densest];
    if (r.densest === 0 || best === undefined) lines.push('  no restriction: peeling never raised the density above the whole space');
    else {
      lines.push(
        '  no restriction: the whole space balances coverage and density best, but the outcome is not equally likely everywhere:',
        `  the densest box on the trajectory (step ${r.densest}): density ${formatPercent(best.density)}, coverage ${formatPercent(best.coverage)}, ${formatPercent(best.mass)} of the points, where`,
        ...best.limits.filter((l) => l.restricted).map((l) => `    ${l.param} in [${formatNumber(l.lo)}, ${formatNumber(l.hi)}]`),
      );
    }
  }
  for (const x of r.restrictions) {
    lines.push(`  ${x.param} in [${formatNumber(x.lo)}, ${formatNumber(x.hi)}]   (p = ${pText(x.pValue)} without this restriction)`);
  }
  lines.push('', 'Peeling trajectory:', '  step  coverage  density    mass  restricted');
  r.trajectory.forEach((b, i) => {
    const restricted = b.limits.filter((l) => l.restricted).length;
    lines.push(
      `  ${String(i).padStart(4)}  ${formatPercent(b.coverage).padStart(8)}  ${formatPercent(b.density).padStart(7)}  ${formatPercent(b.mass).padStart(6)}  ${String(restricted).padStart(10)}${i === r.chosen ? '  ← chosen' : ''}${i === r.densest && i !== r.chosen ? '  ← densest' : ''}`,
    );
  });
  for (const note of r.notes) lines.push('', `note: ${note}`);
  return `${lines.join('\n')}\n`;
}

async function discoverCommand(file: string, flags: DiscoverFlags): Promise<void> {
  // Sweeps are nearly always large: the worker threads load while the scenario is read and planned.
  startWorkerThreads(flags.workers);
  const loaded = loadScenarioFile(file);
  let plan: DiscoverPlan;
  try {
    plan = planDiscover(loaded.scenario, {
      outcome: flags.outcome,
      vary: flags.vary,
      samples: flags.samples,
      trials: flags.trials,
      seed: flags.seed,
      budget: flags.budget,
      ...(flags.threshold !== undefined ? { threshold: flags.threshold } : {}),
      ...(flags.alpha !== undefined ? { alpha: flags.alpha } : {}),
      ...(flags.minMass !== undefined ? { minMass: flags.minMass } : {}),
    });
  } catch (error) {
    if (error instanceof GeoriskError) throw new GeoriskError(locateScenarioIssues(loaded, error.issues));
    throw error;
  }
  const shares: number[] = [];
  const progress = progressBar({
    enabled: flags.progress,
    total: plan.sweep.points.length,
    label: 'discovering',
    unit: 'points',
    showAfterMs: 500,
  });
  try {
    await runPoints(plan.sweep, {
      workers: flags.workers,
      onPoint: (index, summary) => {
        shares[index] = outcomeShare(plan.sweep, summary, plan.outcome);
        progress.update(index + 1);
      },
    });
  } catch (error) {
    if (error instanceof GeoriskError) throw new GeoriskError(locateScenarioIssues(loaded, error.issues));
    throw error;
  } finally {
    progress.stop();
  }
  const result = analyseDiscover(plan, shares);
  output(flags.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatDiscover(result), flags.out);
}

/** Registers `discover`. */
export const registerDiscover: RegisterCommand = (program, setExit) => {
  program
    .command('discover')
    .description('find the parameter region where an outcome happens (PRIM scenario discovery)')
    .argument('<file>', 'scenario file (YAML or JSON)')
    .requiredOption('--outcome <condition>', 'a condition on one metric, checked per trial, e.g. "war_reached > 0"')
    .option(
      '--vary <name=lo:hi>',
      'a parameter to explore, with its range (repeatable; default: every parameter with a range)',
      collectVary,
      [],
    )
    .option('--samples <n>', 'Latin-hypercube points', wholeNumber('--samples', 1), DEFAULT_DISCOVER_SAMPLES)
    .option(
      '-n, --trials <n>',
      "trials per point (a point's outcome is the share of its trials that meet the condition)",
      wholeNumber('--trials', 1),
      DEFAULT_DISCOVER_TRIALS,
    )
    .option('--threshold <share>', 'count a point as 1 when that share exceeds this, else 0', finiteNumber('--threshold'))
    .option('-s, --seed <seed>', 'random seed', wholeNumber('--seed', 0), DEFAULT_SEED)
    .option('-w, --workers <n>', 'worker threads (never changes the numbers)', wholeNumber('--workers', 1), availableParallelism())
    .option('--alpha <share>', 'share of the box peeled per step (default 0.05)', finiteNumber('--alpha'))
    .option('--min-mass <share>', 'stop peeling below this share of the points (default 0.05)', finiteNumber('--min-mass'))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --out <file>', 'write the output to a file (atomically) instead of stdout')
    .option('--budget <trialSteps>', 'ceiling on trials × steps per point', wholeNumber('--budget', 1), DEFAULT_TRIAL_STEP_BUDGET)
    .option('--no-progress', 'never show a progress bar')
    .action(async (file: string, flags: DiscoverFlags) => {
      await discoverCommand(file, flags);
      setExit(EXIT.ok);
    });
};
