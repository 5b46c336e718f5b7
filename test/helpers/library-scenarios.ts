/** Library scenarios loaded with their includes, and their exact answers, for the mechanism tests under test/scenarios. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeExact, loadScenarioText, type Overrides, type ScenarioDocument } from '../../packages/engine/src/index.ts';
import { confinedResolver } from '../../packages/node/src/confined-resolver.ts';
import { ROOT } from './cli.ts';

/** The library's folder. */
export const SCENARIOS = join(ROOT, 'scenarios');

/** The server's resolver over scenarios/, so tests read includes as the CLI and the API do. */
export const resolveModule = confinedResolver(SCENARIOS);
const cache = new Map<string, ScenarioDocument>();

/**
 * The scenario at `file` (relative to the repository root) with its includes expanded, loaded once
 * per test file; `edit` rewrites its text first (the result is then not cached).
 */
export function libraryScenario(file: string, edit?: (text: string) => string): ScenarioDocument {
  const cached = edit === undefined ? cache.get(file) : undefined;
  if (cached !== undefined) return cached;
  const path = join(ROOT, file);
  const text = readFileSync(path, 'utf8');
  const doc = loadScenarioText(edit === undefined ? text : edit(text), { file: path, resolveModule }).scenario;
  if (edit === undefined) cache.set(file, doc);
  return doc;
}

/**
 * The exact mean of a metric of `doc` (a probability for a yes/no metric); throws where there is none.
 * Solves that metric alone: the same bits as a whole solve (packages/engine/test/exact.test.ts), and
 * the whole model is still checked to be a Markov chain first.
 */
export function exactMean(doc: ScenarioDocument, metric: string, overrides: Overrides = {}): number {
  const m = analyzeExact(doc, overrides, { metrics: [metric] }).metrics[metric];
  if (m === undefined) throw new Error(`no exact answer for ${metric}`);
  return m.mean;
}
