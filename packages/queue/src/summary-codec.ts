/**
 * A chunk's summary as text and back, bit for bit: every double (including -0, ±Infinity and the
 * Shewchuk expansions of exact sums) travels as its eight little-endian bytes, and the count maps
 * keep their entries and order. Queue workers return chunks this way; JSON alone would turn
 * Infinity into null and -0 into 0, and rows made from the merged summary would then differ.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { MetricAccumulator, RunSummary } from '@georisk/engine';

/** Bumped when the layout changes, so an old worker's result is refused rather than misread. */
const CODEC_VERSION = 2;

const METRIC_KEYS = [
  'n',
  'intSum',
  'intSumSq',
  'sum',
  'sumSq',
  'min',
  'max',
  'censored',
  'invalid',
  'dense',
  'exact',
  'sketchPos',
  'sketchNeg',
].sort();
const SUMMARY_KEYS = ['trials', 'trialSteps', 'steps', 'final', 'ever', 'occupancy', 'firstAt', 'metrics'].sort();
/** The single numbers of a summary and of a metric, in the order they travel. */
const SUMMARY_NUMBERS = ['trials', 'trialSteps', 'steps'] as const;
const METRIC_NUMBERS = ['n', 'intSum', 'intSumSq', 'min', 'max', 'censored', 'invalid'] as const;

function f64ToBase64(values: readonly number[] | Float64Array): string {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const value of values) {
    view.setFloat64(offset, value, true);
    offset += 8;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function base64ToF64(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 8 !== 0) throw new Error('summary codec: a number array is cut short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(bytes.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/** The named single numbers written by `f64ToBase64(names.map(…))`; throws when the count differs. */
function base64ToNumbers<K extends string>(text: string, names: readonly K[]): Record<K, number> {
  const values = base64ToF64(text);
  if (values.length !== names.length) throw new Error(`summary codec: ${values.length} numbers where ${names.length} were written`);
  return Object.fromEntries(names.map((name, i) => [name, values[i]])) as Record<K, number>;
}

function mapToBase64(map: Map<number, number>): string {
  const flat: number[] = [];
  for (const [k, v] of map) flat.push(k, v);
  return f64ToBase64(flat);
}

function base64ToMap(text: string): Map<number, number> {
  const flat = base64ToF64(text);
  if (flat.length % 2 !== 0) throw new Error('summary codec: a count map is cut short');
  const map = new Map<number, number>();
  for (let i = 0; i < flat.length; i += 2) map.set(flat[i]!, flat[i + 1]!);
  return map;
}

function checkKeys(value: object, expected: string[], what: string): void {
  const keys = Object.keys(value).sort();
  if (keys.join() !== expected.join()) {
    throw new Error(
      `summary codec: ${what} has fields [${keys.join(', ')}], the codec knows [${expected.join(', ')}]; update summary-codec.ts`,
    );
  }
}

interface EncodedMetric {
  /** METRIC_NUMBERS. */
  s: string;
  sum: string;
  sumSq: string;
  dense: string;
  exact: string;
  pos: string | null;
  neg: string | null;
}

interface Encoded {
  v: number;
  /** SUMMARY_NUMBERS. */
  s: string;
  final: string;
  ever: string;
  occupancy: string;
  firstAt: string;
  metrics: EncodedMetric[];
}

/**
 * The summary without its per-state series (final and ever shares, occupancy, first passages),
 * keeping the metrics' accumulators: all a two-level run's draw needs, and about half the text.
 */
export function metricsOnlySummary(summary: RunSummary): RunSummary {
  const none = new Float64Array(0);
  return { ...summary, final: none, ever: none, occupancy: none, firstAt: none };
}

/** A summary as compact text (deflated JSON of base64 doubles) that `decodeSummary` reads back bit for bit. */
export function encodeSummary(summary: RunSummary): string {
  checkKeys(summary, SUMMARY_KEYS, 'RunSummary');
  const encoded: Encoded = {
    v: CODEC_VERSION,
    s: f64ToBase64(SUMMARY_NUMBERS.map((k) => summary[k])),
    final: f64ToBase64(summary.final),
    ever: f64ToBase64(summary.ever),
    occupancy: f64ToBase64(summary.occupancy),
    firstAt: f64ToBase64(summary.firstAt),
    metrics: summary.metrics.map((m) => {
      checkKeys(m, METRIC_KEYS, 'MetricAccumulator');
      return {
        s: f64ToBase64(METRIC_NUMBERS.map((k) => m[k])),
        sum: f64ToBase64(m.sum),
        sumSq: f64ToBase64(m.sumSq),
        dense: f64ToBase64(m.dense),
        exact: mapToBase64(m.exact),
        pos: m.sketchPos === null ? null : mapToBase64(m.sketchPos),
        neg: m.sketchNeg === null ? null : mapToBase64(m.sketchNeg),
      };
    }),
  };
  return deflateRawSync(Buffer.from(JSON.stringify(encoded), 'utf8')).toString('base64');
}

/** The summary that `encodeSummary` wrote; throws on text it did not write. */
export function decodeSummary(text: string): RunSummary {
  let encoded: Encoded;
  try {
    encoded = JSON.parse(inflateRawSync(Buffer.from(text, 'base64')).toString('utf8')) as Encoded;
  } catch {
    throw new Error('summary codec: not an encoded summary');
  }
  if (encoded.v !== CODEC_VERSION) throw new Error(`summary codec: layout ${encoded.v}, expected ${CODEC_VERSION}`);
  const counts = base64ToNumbers(encoded.s, SUMMARY_NUMBERS);
  return {
    trials: counts.trials,
    trialSteps: counts.trialSteps,
    steps: counts.steps,
    final: base64ToF64(encoded.final),
    ever: base64ToF64(encoded.ever),
    occupancy: base64ToF64(encoded.occupancy),
    firstAt: base64ToF64(encoded.firstAt),
    metrics: encoded.metrics.map((m): MetricAccumulator => {
      const x = base64ToNumbers(m.s, METRIC_NUMBERS);
      return {
        n: x.n,
        intSum: x.intSum,
        intSumSq: x.intSumSq,
        sum: Array.from(base64ToF64(m.sum)),
        sumSq: Array.from(base64ToF64(m.sumSq)),
        min: x.min,
        max: x.max,
        censored: x.censored,
        invalid: x.invalid,
        dense: base64ToF64(m.dense),
        exact: base64ToMap(m.exact),
        sketchPos: m.pos === null ? null : base64ToMap(m.pos),
        sketchNeg: m.neg === null ? null : base64ToMap(m.neg),
      };
    }),
  };
}
