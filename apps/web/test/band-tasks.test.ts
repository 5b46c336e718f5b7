/**
 * A two-level run as the page's workers do it, here in Node: planned in one worker, its tasks run in
 * any order (as several workers finish them), the band computed in a worker — equal to the library's
 * `runUncertainty` for the same seed, sampled and exact.
 */
import { loadScenarioText, runUncertainty } from '@georisk/engine';
import { describe, expect, it } from 'vitest';
import { answer } from '../src/engine-tasks.ts';
import type { WorkerReply } from '../src/protocol.ts';

const SCENARIO = `id: band-web
title: Band in the page
time: { unit: day, dt: 1, horizon: 30 }
parameters:
  war_rate: { default: 0.01, range: [0.002, 0.05], unit: per day }
  truce_rate: { default: 0.1, range: [0.05, 0.2], unit: per day }
  noise_rate: { default: 0.03, range: [0.01, 0.06], unit: per day }
tracks:
  conflict:
    states: [clash, war, ceasefire]
    initial: clash
    transitions:
      - { from: clash, to: war, rate: war_rate }
      - { from: clash, to: ceasefire, rate: truce_rate }
      - { from: war, to: ceasefire, rate: 0.05 }
  rumours:
    states: [quiet, loud]
    initial: quiet
    transitions:
      - { from: quiet, to: loud, rate: noise_rate }
metrics:
  war_reached: { expr: 'ever(conflict, "war")' }
  days_to_ceasefire: { expr: 'first(conflict, "ceasefire")', unit: day }
`;

const { scenario } = loadScenarioText(SCENARIO);
const ask = async <T extends WorkerReply['type']>(req: object): Promise<Extract<WorkerReply, { type: T }>> =>
  (await answer({ id: 1, ...req } as never, () => {})) as Extract<WorkerReply, { type: T }>;
const noTiming = <T extends { timing: unknown }>(r: T) => ({ ...r, timing: 0 });

describe('a band in the page workers', () => {
  it.each(['sample', 'exact'] as const)('equals the library for the same seed (%s), tasks finished in any order', async (method) => {
    const options = { draws: 16, trialsPerDraw: 5000, seed: 4, method };
    // The panel fixes truce_rate: it leaves the band.
    const overrides = method === 'exact' ? { truce_rate: 0.12 } : { truce_rate: 0.12, noise_rate: 0.02 };
    const doc = scenario;
    const planned = await ask<'band-plan'>({ type: 'band-plan', scenario: doc, overrides, ...options });
    const outcomes = new Array(planned.tasks.length);
    // Reverse order: the last task first, as a fast worker might finish it.
    for (let i = planned.tasks.length - 1; i >= 0; i--)
      outcomes[i] = (await ask<'band-task'>({ type: 'band-task', task: planned.tasks[i] })).summary;
    // What crosses to the page and back carries no series by track state: the band reads none.
    for (const o of outcomes)
      expect('occupancy' in o ? [o.occupancy.length, o.firstAt.length] : Object.keys(o.tracks)).toEqual(method === 'sample' ? [0, 0] : []);
    const finished = await ask<'band-finish'>({
      type: 'band-finish',
      plan: structuredClone(planned.plan),
      outcomes: structuredClone(outcomes),
    });
    const library = await runUncertainty(doc, { ...options, overrides });
    expect(noTiming(finished.result)).toEqual(noTiming(library));
    expect(finished.result.method).toBe(method);
    if (method === 'sample') expect(planned.tasks.length).toBeGreaterThan(16);
    expect(finished.result.uncertain.map((p) => p.name)).not.toContain('truce_rate');
    expect(finished.result.fixed).toMatchObject({ truce_rate: 0.12 });
  });
});
