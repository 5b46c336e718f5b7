/**
 * Histogram bins at round numbers for the page: widths of 1, 2, 2.5 or 5 × 10^k and edges that are
 * multiples of the width, counted from a run's exact value counts. The engine's own histogram (30
 * equal bins from min to max, part of the output hash) is left as it is; this one is only drawn.
 */

/** A histogram to draw: `edges` hold one more number than `counts`; `integral` when every value is a whole number. */
export interface RoundHistogram {
  edges: number[];
  counts: number[];
  integral: boolean;
}

/** About how many bins a histogram aims for (it gets between 0.4× and 1× this many, and at least one). */
const TARGET_BINS = 25;

/** Rounds away the float noise of `k × width` (0.30000000000000004 → 0.3). */
function clean(x: number): number {
  return Number.parseFloat(x.toPrecision(12));
}

/** The smallest round width (1, 2, 2.5 or 5 × 10^k) at least `raw`; whole-number data never gets 2.5 below 10 or widths under 1. */
export function roundWidth(raw: number, integral: boolean): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  let power = 10 ** Math.floor(Math.log10(raw));
  for (;;) {
    for (const m of [1, 2, 2.5, 5]) {
      const w = clean(m * power);
      if (integral && (w < 1 || !Number.isInteger(w))) continue;
      if (w >= raw * (1 - 1e-12)) return w;
    }
    power *= 10;
  }
}

/** The bin of `x` for bins of `width` starting at `lo`, with a tolerance for float noise at the edges. */
function binOf(x: number, lo: number, width: number, bins: number): number {
  const q = (x - lo) / width;
  return Math.min(bins - 1, Math.max(0, Math.floor(q + 1e-9 * Math.max(1, Math.abs(q)))));
}

/**
 * Round bins over value counts (`[value, trials]` pairs, as the engine's `valueCounts`): bin i is
 * [edges[i], edges[i + 1]), the last one holding the largest value.
 * @example roundHistogram([[2, 5], [25.93, 1]], 2, 25.93).edges // [2, 3, 4, …, 26]
 */
export function roundHistogram(counts: readonly (readonly [number, number])[], min: number, max: number): RoundHistogram {
  const integral = counts.every(([x]) => Number.isInteger(x));
  if (counts.length === 0 || !Number.isFinite(min) || !Number.isFinite(max)) return { edges: [], counts: [], integral };
  const width = roundWidth((max - min) / TARGET_BINS, integral);
  const first = Math.floor(min / width + 1e-9);
  // The last edge lies strictly above the largest value, so the largest value has a bin of its own width.
  const bins = Math.max(1, Math.floor(max / width + 1e-9) - first + 1);
  const edges = Array.from({ length: bins + 1 }, (_, i) => clean((first + i) * width));
  const lo = edges[0] ?? 0;
  const out = new Array<number>(bins).fill(0);
  for (const [x, c] of counts) out[binOf(x, lo, width, bins)]! += c;
  return { edges, counts: out, integral };
}

/**
 * An equal-width histogram (`edges`, `counts`, as the engine's summary holds it) redrawn on about `target`
 * round bins, each old bin's count spread evenly over its width: for a page that has the binned counts but
 * not the values (the classroom debrief). Ends that are whole numbers are taken for whole-number data.
 * @example rebinRound([0, 99.3, 198.6], [3, 1], 2).edges // [0, 100, 200]
 */
export function rebinRound(edges: readonly number[], counts: readonly number[], target = 20): RoundHistogram {
  const lo = edges[0];
  const hi = edges[counts.length];
  if (lo === undefined || hi === undefined || counts.length === 0) return { edges: [], counts: [], integral: false };
  const integral = Number.isInteger(lo) && Number.isInteger(hi);
  const width = roundWidth((hi - lo) / target, integral);
  const first = Math.floor(lo / width + 1e-9);
  const bins = Math.max(1, Math.floor(hi / width + 1e-9) - first + 1);
  const out = new Array<number>(bins).fill(0);
  const start = first * width;
  counts.forEach((c, j) => {
    const a = edges[j] ?? lo;
    const b = edges[j + 1] ?? a;
    if (!(b > a)) {
      out[binOf(a, start, width, bins)]! += c;
      return;
    }
    for (let i = binOf(a, start, width, bins); i < bins; i++) {
      const overlap = Math.min(b, start + (i + 1) * width) - Math.max(a, start + i * width);
      if (overlap > 0) out[i]! += (c * overlap) / (b - a);
      if (start + (i + 1) * width >= b) break;
    }
  });
  return { edges: Array.from({ length: bins + 1 }, (_, i) => clean((first + i) * width)), counts: out, integral };
}
