/** Downloads of a run: the JSON of `georisk run --format json` and the CSV of `--format csv`. */
import type { MetricView, TrackView } from './chart-data.ts';

/** The parts of a run result the CSV reads. */
export interface CsvRun {
  trials: number;
  metrics: Record<string, MetricView>;
  tracks: Record<string, TrackView & { finalCi95: Record<string, [number, number]>; everCi95: Record<string, [number, number]> }>;
}

const CSV_COLUMNS = [
  'name',
  'kind',
  'mean',
  'sd',
  'se',
  'ci95_lo',
  'ci95_hi',
  'min',
  'p1',
  'p5',
  'p10',
  'p25',
  'p50',
  'p75',
  'p90',
  'p95',
  'p99',
  'max',
  'censored',
] as const;

function csvCell(x: unknown): string {
  if (x === undefined || x === null) return '';
  if (typeof x === 'number') return Number.isFinite(x) ? String(x) : '';
  const s = String(x);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The same CSV as `georisk run --format csv`: one row per metric, then each track state's final and ever shares. */
export function runCsv(r: CsvRun): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const [name, m] of Object.entries(r.metrics)) {
    const [lo, hi] = m.probability ? m.probability.ci95 : m.ci95;
    const q = m.quantiles;
    lines.push(
      [
        name,
        m.probability ? 'probability' : 'metric',
        m.mean,
        m.sd,
        m.se,
        lo,
        hi,
        m.min,
        q.p1,
        q.p5,
        q.p10,
        q.p25,
        q.p50,
        q.p75,
        q.p90,
        q.p95,
        q.p99,
        m.max,
        m.censored,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  for (const [track, t] of Object.entries(r.tracks)) {
    for (const state of t.states) {
      for (const kind of ['final', 'ever'] as const) {
        const p = t[kind][state] ?? 0;
        const [lo, hi] = (kind === 'final' ? t.finalCi95 : t.everCi95)[state] ?? [0, 1];
        const sd = Math.sqrt(p * (1 - p));
        const cells: unknown[] = [`${track}.${kind}.${state}`, 'probability', p, sd, sd / Math.sqrt(r.trials), lo, hi];
        while (cells.length < CSV_COLUMNS.length) cells.push(undefined);
        lines.push(cells.map(csvCell).join(','));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The JSON download: exactly `georisk run --format json` (pretty-printed, newline at the end). */
export function runJson(result: unknown): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** A file name for a download: scenario id, seed, trials and a receipt prefix. */
export function downloadName(id: string, seed: number, trials: number, outputHash: string, ext: 'csv' | 'json'): string {
  return `${id}-seed${seed}-n${trials}-${outputHash.slice(0, 8)}.${ext}`;
}
