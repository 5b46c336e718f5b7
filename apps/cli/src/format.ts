/** Renders run results as a readable table or CSV. */
import {
  errorPlaces,
  estimateText,
  formatAtPlaces,
  formatBeside,
  formatEstimate,
  formatNumber,
  formatPercent,
  type MetricSummary,
  type RunResult,
} from '@georisk/engine';

export { formatCsv } from '@georisk/engine';

export { errorPlaces, formatAtPlaces, formatEstimate, formatNumber, formatPercent };

/** Aligns rows of cells into columns. */
export function table(rows: string[][], rightAlign: boolean[]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, c) => (rightAlign[c] ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function estimate(m: MetricSummary): string {
  // Every trial's value was invalid (not a finite number): there is no estimate, not "NaN ± NaN".
  if (m.n === 0) return 'no finite value';
  if (m.probability) {
    const [lo, hi] = m.probability.ci95;
    return `${formatPercent(m.probability.p)}  [${formatPercent(lo)}, ${formatPercent(hi)}]`;
  }
  return estimateText(m.mean, m.ci95);
}

/** The default output of `georisk run`; `notes` are lines printed under the header (such as the switches and how to flip them). */
export function formatTable(r: RunResult, notes: string[] = []): string {
  const out: string[] = [];
  const title = r.scenario.title ?? r.scenario.id;
  out.push(`${title}`);
  const overrides = Object.entries(r.overrides).map(([k, v]) => `${k}=${v}`);
  out.push(
    `${r.trials.toLocaleString('en-US')} trials · seed ${r.seed} · horizon ${r.horizon} ${r.unit}s in steps of ${r.dt} · ${r.timing.seconds.toFixed(2)} s on ${r.timing.workers} worker${r.timing.workers === 1 ? '' : 's'}${overrides.length ? ` · ${overrides.join(' ')}` : ''}`,
  );
  out.push(...notes);
  out.push('');
  const rows: string[][] = [['metric', 'estimate (95% CI)', 'p5', 'median', 'p95', 'note']];
  for (const [name, m] of Object.entries(r.metrics)) {
    const note = [
      m.censored !== undefined && m.censored > 0 ? `${formatPercent(m.censored)} censored at ${r.horizon}` : '',
      m.unit ?? '',
      m.invalid ? `${m.invalid} invalid` : '',
    ]
      .filter(Boolean)
      .join(', ');
    const q = m.quantiles;
    // The quantiles to the places the estimate's error allows (see formatBeside).
    const beside = (x: number) => formatBeside(x, m.ci95[1] - m.mean);
    rows.push(
      m.probability || m.n === 0
        ? [name, estimate(m), '', '', '', note]
        : [name, estimate(m), beside(q.p5), beside(q.p50), beside(q.p95), note],
    );
  }
  out.push(table(rows, [false, true, true, true, true, false]));
  // What the intervals are, under them: sampling error at these values, not what we do not know.
  out.push(
    '(95% CI: sampling error at these parameter values, which more trials shrink; --uncertainty 200 gives the band across the priors)',
  );
  for (const [name, t] of Object.entries(r.tracks)) {
    out.push('');
    const trackRows: string[][] = [[`track ${name}`, 'final', 'ever']];
    for (const state of t.states) trackRows.push([`  ${state}`, formatPercent(t.final[state] ?? 0), formatPercent(t.ever[state] ?? 0)]);
    out.push(table(trackRows, [false, true, true]));
  }
  out.push('');
  out.push(`receipt ${r.receipt.outputHash.slice(0, 16)} · scenario ${r.receipt.scenarioHash.slice(0, 16)} · engine ${r.engine.version}`);
  return `${out.join('\n')}\n`;
}
