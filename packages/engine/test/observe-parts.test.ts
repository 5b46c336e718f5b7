/**
 * Exact conditioning by closed parts: each track and metric is filtered in the smallest part that
 * holds it and everything observed, never the whole chain when a part will do, and the answers are
 * those of filtering the whole chain (forced here by also observing every track in its initial
 * state at t = 0, which changes no probability but makes every part the whole chain).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, conditionExact, type ExactUpdate, loadScenarioText, readObservations } from '../src/index.ts';

const ROOT = join(import.meta.dirname, '../../..');
const { scenario } = loadScenarioText(readFileSync(join(ROOT, 'scenarios/reference/caucasus-reference.yaml'), 'utf8'));
const model = buildModel(scenario);

/** Observes the conflict only: the alliance and the pipeline each read it, and nothing reads them. */
const CONFLICT_ONLY = `observations:
  - { at: 2, track: conflict, state: [clash, war] }
  - { at: 6, track: conflict, state: war }
`;
/** The same, plus every track in its initial state at t = 0 (probability 1): one part, the whole chain. */
const WHOLE_CHAIN = `${CONFLICT_ONLY}  - { at: 0, track: alliance, state: uninvolved }
  - { at: 0, track: pipeline, state: operating }
`;

/** Every number of an exact conditional, by path, for comparing two of them. */
function numbers(update: ExactUpdate): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'number') out.set(path, value);
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
  };
  walk({ tracks: update.tracks, metrics: update.metrics, evidence: update.evidence }, '');
  return out;
}

describe('exact conditioning by closed parts', () => {
  it('filters the alliance and the pipeline apart, each beside the observed conflict, not the whole chain', () => {
    const update = conditionExact(model, readObservations(CONFLICT_ONLY, model));
    const whole = conditionExact(model, readObservations(WHOLE_CHAIN, model));
    expect(whole.jointStates.largestPart).toBe(whole.jointStates.space);
    // Conflict × alliance (or × pipeline) against conflict × alliance × pipeline.
    expect(update.jointStates.largestPart).toBeLessThan(update.jointStates.space);
    expect(update.jointStates.largestPart * 2).toBeLessThanOrEqual(update.jointStates.space);
  });

  it('gives the whole chain’s answers: every track result, every metric and the evidence, to 1e-12', () => {
    const parts = numbers(conditionExact(model, readObservations(CONFLICT_ONLY, model)));
    const whole = numbers(conditionExact(model, readObservations(WHOLE_CHAIN, model)));
    expect([...parts.keys()].sort()).toEqual([...whole.keys()].sort());
    expect(parts.size).toBeGreaterThan(100);
    let largest = 0;
    for (const [path, value] of parts) largest = Math.max(largest, Math.abs(value - whole.get(path)!) / Math.max(1, Math.abs(value)));
    expect(largest).toBeLessThan(1e-12);
  });
});
