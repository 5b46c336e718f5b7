/** `georisk exact`: the infinite-trials answer for scenarios whose tracks form a Markov chain. */
import {
  analyzeExact,
  type ExactOverPriors,
  type ExactResult,
  GeoriskError,
  type Model,
  paramsReaching,
  type RunResult,
  type ScenarioDocument,
} from '@georisk/engine';
import { Option } from 'commander';
import { collectSet, EXIT, locateScenarioIssues, output, type RegisterCommand } from '../cli-common.ts';
import { formatNumber, formatPercent, table } from '../format.ts';
import { loadScenarioFile } from '../load.ts';

/** Solves a scenario file exactly, with file, line and column on every problem. */
export function exactForFile(file: string, overrides: Record<string, number>): ExactResult {
  const loaded = loadScenarioFile(file);
  try {
    return analyzeExact(loaded.scenario, overrides);
  } catch (error) {
    if (error instanceof GeoriskError) throw new GeoriskError(locateScenarioIssues(loaded, error.issues));
    throw error;
  }
}

/** The readable form of an exact result; `held` names the uncertain parameters it holds at their values. */
export function formatExactTable(r: ExactResult, held: string[] = []): string {
  const out: string[] = [];
  out.push(`${r.scenario.title ?? r.scenario.id} — exact`);
  const overrides = Object.entries(r.overrides).map(([k, v]) => `${k}=${v}`);
  out.push(
    `horizon ${r.horizon} ${r.unit}s in steps of ${r.dt} · ${r.jointStates.space.toLocaleString('en-US')} joint states, solved in parts of at most ${r.jointStates.largestPart.toLocaleString('en-US')} · ${(r.timing.seconds * 1000).toFixed(1)} ms${overrides.length ? ` · ${overrides.join(' ')}` : ''}`,
  );
  out.push('');
  const rows: string[][] = [['metric', 'exact', 'p5', 'median', 'p95', 'note']];
  for (const [name, m] of Object.entries(r.metrics)) {
    const note = [
      m.exactness === 'mean' ? 'mean only' : '',
      m.censored ? `${formatPercent(m.censored)} censored at ${r.horizon}` : '',
      m.unit ?? '',
    ]
      .filter(Boolean)
      .join(', ');
    const q = m.quantiles;
    rows.push(
      m.probability !== undefined
        ? [name, formatPercent(m.probability), '', '', '', note]
        : [name, formatNumber(m.mean), q ? formatNumber(q.p5) : '', q ? formatNumber(q.p50) : '', q ? formatNumber(q.p95) : '', note],
    );
  }
  out.push(table(rows, [false, true, true, true, true, false]));
  for (const [name, why] of Object.entries(r.unavailable)) out.push(`${name}: no exact answer (${why}); use georisk run`);
  for (const [name, t] of Object.entries(r.tracks)) {
    out.push('');
    const trackRows: string[][] = [[`track ${name}`, 'final', 'ever']];
    for (const state of t.states) trackRows.push([`  ${state}`, formatPercent(t.final[state] ?? 0), formatPercent(t.ever[state] ?? 0)]);
    out.push(table(trackRows, [false, true, true]));
  }
  for (const note of r.notes) out.push(`\nnote: ${note}`);
  if (held.length > 0)
    out.push(
      `\nnote: georisk run draws ${held.length === 1 ? 'this parameter' : `these ${held.length} parameters`} afresh every trial, so it estimates the answer averaged over ${held.length === 1 ? 'its prior' : 'their priors'}, which differs from this one where an outcome bends with ${held.length === 1 ? 'it' : 'them'}; georisk run --exact prints both, and that average solved exactly`,
    );
  return `${out.join('\n')}\n`;
}

/**
 * One row per metric: the Monte Carlo estimate, its standard error, the exact value and z = (estimate − exact) / SE.
 * `heldAtValue` names the uncertain parameters that reach the metric: the exact answer holds them at their
 * values while Monte Carlo draws them from their priors, so for such a row z is no check of the sampler;
 * `overPriors` is then the exact answer averaged over those priors, which Monte Carlo does estimate, and
 * its z = (estimate − mean) / √(SE² + its SE²).
 */
export interface ExactComparison {
  estimate: number;
  se: number;
  exact: number;
  z: number;
  heldAtValue: string[];
  overPriors?: { mean: number; se: number; draws: number; z: number };
}

/** Compares a Monte Carlo result with the exact one, metric by metric. */
export function compareWithExact(
  run: RunResult,
  exact: ExactResult,
  model: Model,
  averaged?: ExactOverPriors,
): Record<string, ExactComparison> {
  const uncertain = model.params.names.filter((_, i) => model.params.uncertainty[i] !== undefined);
  const out: Record<string, ExactComparison> = {};
  for (const [name, m] of Object.entries(run.metrics)) {
    const x = exact.metrics[name];
    if (!x) continue;
    const z = m.se > 0 ? (m.mean - x.mean) / m.se : m.mean === x.mean ? 0 : Number.POSITIVE_INFINITY;
    const reach = paramsReaching(model, [name]);
    const heldAtValue = uncertain.filter((p) => reach === undefined || reach.has(p));
    const a = heldAtValue.length > 0 ? averaged?.metrics[name] : undefined;
    const spread = a === undefined ? 0 : Math.hypot(m.se, a.se);
    const overPriors =
      a === undefined
        ? undefined
        : {
            mean: a.mean,
            se: a.se,
            draws: averaged?.draws ?? 0,
            z: spread > 0 ? (m.mean - a.mean) / spread : m.mean === a.mean ? 0 : Number.POSITIVE_INFINITY,
          };
    out[name] = { estimate: m.mean, se: m.se, exact: x.mean, z, heldAtValue, ...(overPriors === undefined ? {} : { overPriors }) };
  }
  return out;
}

/** The table that `georisk run --exact` adds. */
export function formatComparison(rows: Record<string, ExactComparison>, unavailable: Record<string, string>): string {
  const averaged = Object.values(rows).find((c) => c.overPriors !== undefined)?.overPriors;
  const lines: string[][] = [['metric', 'Monte Carlo', 'SE', 'exact', 'z', '', ...(averaged ? ['over priors', 'SE', 'z'] : [])]];
  const held = new Set<string>();
  for (const [name, c] of Object.entries(rows)) {
    for (const p of c.heldAtValue) held.add(p);
    const mark = c.heldAtValue.length > 0 ? '†' : '';
    const a = c.overPriors;
    const extra = averaged ? (a ? [formatNumber(a.mean), formatNumber(a.se), a.z.toFixed(2)] : ['', '', '']) : [];
    lines.push([name, formatNumber(c.estimate), formatNumber(c.se), formatNumber(c.exact), c.z.toFixed(2), mark, ...extra]);
  }
  const missing = Object.keys(unavailable).map((name) => `${name}: no exact answer (${unavailable[name]})`);
  const overPriorsNote = averaged
    ? `\n"over priors" is the exact answer averaged over ${averaged.draws} draws of those priors (Latin hypercube), which Monte Carlo does estimate: there |z| > 3 would be surprising`
    : '';
  const heading =
    held.size === 0
      ? 'Monte Carlo against the exact answer (|z| > 3 would be surprising)'
      : `Monte Carlo against the exact answer (|z| > 3 would be surprising, except in rows marked †)\n† not a check of the sampler: the exact answer holds ${[...held].join(', ')} at ${held.size === 1 ? 'its value' : 'their values'}, while Monte Carlo draws ${held.size === 1 ? 'it from its prior' : 'them from their priors'}; --set ${held.size === 1 ? 'it' : 'each'} to compare like with like${overPriorsNote}`;
  return `\n${heading}\n${table(lines, [false, true, true, true, true, false, true, true, true])}\n${missing.length ? `${missing.join('\n')}\n` : ''}`;
}

/** The parameters with an `uncertainty` that no --set fixes: the exact answer holds them at their values. */
function heldUncertain(scenario: ScenarioDocument, overrides: Record<string, number>): string[] {
  return Object.entries(scenario.parameters)
    .filter(([name, p]) => p.uncertainty !== undefined && !Object.hasOwn(overrides, name))
    .map(([name]) => name);
}

/** Registers `exact`. */
export const registerExact: RegisterCommand = (program, setExit) => {
  program
    .command('exact')
    .description('solve a scenario exactly (no sampling) when its tracks form a Markov chain')
    .argument('<file>', 'scenario file (YAML or JSON)')
    .option('--set <name=value>', 'override a parameter (repeatable)', collectSet, {})
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --out <file>', 'write the output to a file (atomically) instead of stdout')
    .action((file: string, flags: { set: Record<string, number>; format: 'table' | 'json'; out?: string }) => {
      const result = exactForFile(file, flags.set);
      const held = flags.format === 'json' ? [] : heldUncertain(loadScenarioFile(file).scenario, flags.set);
      output(flags.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatExactTable(result, held), flags.out);
      setExit(EXIT.ok);
    });
};
