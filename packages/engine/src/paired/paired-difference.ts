/** Runs two models over the same trials (common random numbers) and accumulates each metric's per-trial difference. */
import type { Model } from '../model/model.ts';
import { simulate } from '../simulate/simulate.ts';
import { addDifference, newPairedAccumulator, type PairedSummary } from './paired-accumulator.ts';

/** Which trials to pair: trial i of both runs uses the streams of (seed, i). */
export interface PairedOptions {
  seed: number;
  firstTrial: number;
  trials: number;
  onProgress?: (done: number) => void;
  progressEvery?: number;
}

/**
 * Per metric that both models have, the differences current − baseline of trials [firstTrial, firstTrial + trials).
 * @example const paired = pairedDifference(buildModel(s), buildModel(s, { p: 0.3 }), { seed: 1, firstTrial: 0, trials: 10_000 })
 */
export function pairedDifference(baseline: Model, current: Model, options: PairedOptions): PairedSummary {
  const names = current.metrics.map((m) => m.name).filter((name) => baseline.metrics.some((b) => b.name === name));
  const baseIndex = names.map((name) => baseline.metrics.findIndex((m) => m.name === name));
  const currentIndex = names.map((name) => current.metrics.findIndex((m) => m.name === name));
  const width = names.length;
  const kept = new Float64Array(options.trials * width);
  const range = { seed: options.seed, firstTrial: options.firstTrial, trials: options.trials };
  const half = (done: number, offset: number) => options.onProgress?.(Math.floor((offset + done) / 2));
  const every = options.progressEvery ?? 1000;
  simulate(baseline, {
    ...range,
    onTrialValues: (trial, values) => {
      const row = (trial - options.firstTrial) * width;
      for (let j = 0; j < width; j++) kept[row + j] = values[baseIndex[j]!]!;
    },
    ...(options.onProgress ? { onProgress: (done: number) => half(done, 0), progressEvery: every } : {}),
  });
  const accs = names.map(() => newPairedAccumulator());
  simulate(current, {
    ...range,
    onTrialValues: (trial, values) => {
      const row = (trial - options.firstTrial) * width;
      for (let j = 0; j < width; j++) addDifference(accs[j]!, values[currentIndex[j]!]! - kept[row + j]!);
    },
    ...(options.onProgress ? { onProgress: (done: number) => half(done, options.trials), progressEvery: every } : {}),
  });
  return { trials: options.trials, metrics: Object.fromEntries(names.map((name, j) => [name, accs[j]!])) };
}
