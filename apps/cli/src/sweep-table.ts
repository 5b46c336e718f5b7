/**
 * A sweep printed for people at a terminal: one aligned row per point with each metric's estimate and
 * 95% interval, as many metrics as fit the terminal's width. CSV stays the format of pipes and files.
 */
import { formatInterval, formatPercent, type PointEstimate, pointEstimates, type RunSummary, type SweepPlan } from '@georisk/engine';

/** Columns narrower than this would cut the interval of a typical estimate. */
const METRIC_WIDTH = 22;

/** Streams a sweep as an aligned table; `footer` says what was left out and where the full columns are. */
export interface SweepTable {
  header: string;
  row(index: number, summary: RunSummary): string;
  footer(): string;
}

/** A table for a terminal `width` characters wide. */
export function sweepTable(plan: SweepPlan, width: number): SweepTable {
  const paramWidths = plan.params.map((p, d) => Math.max(p.name.length, ...plan.points.slice(0, 1000).map((x) => valueText(x[d]).length)));
  const pointWidth = Math.max('point'.length, String(plan.points.length - 1).length);
  let used = pointWidth + paramWidths.reduce((a, w) => a + w + 2, 0);
  const shown: number[] = [];
  const widths: number[] = [];
  plan.metrics.forEach((m, k) => {
    const w = Math.max(m.length, METRIC_WIDTH);
    if (shown.length === 0 || used + w + 2 <= width) {
      shown.push(k);
      widths.push(w);
      used += w + 2;
    }
  });
  const line = (cells: string[], metricCells: string[]) =>
    [
      cells[0]?.padStart(pointWidth),
      ...cells.slice(1).map((c, d) => c.padStart(paramWidths[d] ?? 0)),
      ...metricCells.map((c, j) => c.padStart(widths[j] ?? 0)),
    ]
      .join('  ')
      .trimEnd();
  return {
    header: `${line(
      ['point', ...plan.params.map((p) => p.name)],
      shown.map((k) => plan.metrics[k] as string),
    )}\n`,
    row(index, summary) {
      const estimates = pointEstimates(plan, summary);
      const point = plan.points[index] ?? [];
      return `${line(
        [String(index), ...point.map(valueText)],
        shown.map((k) => estimateText(estimates[k])),
      )}\n`;
    },
    footer() {
      const notes = ['each cell: the estimate and its 95% interval from sampling'];
      if (shown.length < plan.metrics.length) {
        notes.push(`${shown.length} of ${plan.metrics.length} metrics fit this terminal; choose others with --metrics`);
      }
      notes.push('every column (SE, interval, quantiles) as CSV: --out FILE.csv, --format csv, or a pipe');
      return notes.map((n) => `# ${n}\n`).join('');
    },
  };
}

/** A parameter value as typed (grid values are already free of float noise). */
function valueText(x: number | undefined): string {
  return x === undefined ? '' : String(Number(x.toPrecision(6)));
}

function estimateText(e: PointEstimate | undefined): string {
  if (e === undefined) return '';
  if (e.probability) return `${formatPercent(e.mean)} [${formatPercent(e.lo)}, ${formatPercent(e.hi)}]`;
  return formatInterval(e.mean, e.lo, e.hi);
}
