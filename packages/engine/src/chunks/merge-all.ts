/** Merging the summaries of a run's chunks, as a runtime that collects them itself does (the web app's finalize step). */
import type { Model } from '../model/model.ts';
import { emptySummary, mergeSummaries, type RunSummary } from '../simulate/simulate.ts';

/** Merges chunk summaries into a new summary (any order gives the same bits). */
export function mergeAll(model: Model, parts: readonly RunSummary[]): RunSummary {
  return parts.reduce((acc, p) => mergeSummaries(acc, p), emptySummary(model));
}
