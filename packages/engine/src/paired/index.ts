/** @georisk/engine/paired: per-trial differences of two runs over the same trials, and merging and summarizing them. */

export * from './clear-differences.ts';
export * from './paired-accumulator.ts';
export * from './paired-difference.ts';
