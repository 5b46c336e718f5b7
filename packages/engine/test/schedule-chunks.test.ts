/** The chunk scheduler: results in chunk order whatever the lanes, the earliest failure once, cancellation, bounded lanes. */
import { describe, expect, it } from 'vitest';
import {
  type ChunkOutcome,
  type Lane,
  ModelCache,
  type RunChunkTask,
  runChunkedTrials,
  runChunkTask,
  scheduleChunks,
} from '../src/chunks/index.ts';
import { buildModel, finalizeResult, GeoriskError, type Issue, loadScenarioText, type RunSummary, runScenario } from '../src/index.ts';

const wait = (ms: number) => new Promise<void>((go) => setTimeout(go, ms));

/** A fake lane that answers task i with summary i after `delay(i)` ms, recording what it was handed and how many it held. */
function fakeLane(name: string, delay: (index: number) => number, log: { lane: string; index: number }[], capacity = 1) {
  const lane = {
    capacity,
    held: 0,
    mostHeld: 0,
    run: async (index: number): Promise<ChunkOutcome<number>> => {
      log.push({ lane: name, index });
      lane.held++;
      lane.mostHeld = Math.max(lane.mostHeld, lane.held);
      await wait(delay(index));
      lane.held--;
      return { summary: index };
    },
  };
  return lane;
}

async function collect(count: number, lanes: Lane<number, number>[]): Promise<number[]> {
  const seen: number[] = [];
  await scheduleChunks({ count, task: (i) => i, lanes, onSummary: (i, s) => seen.push(i * 1000 + s) });
  return seen;
}

describe('scheduleChunks', () => {
  it('hands results back in chunk order for any number of lanes and any lane speeds', async () => {
    const count = 23;
    const expected = Array.from({ length: count }, (_, i) => i * 1000 + i);
    const log: { lane: string; index: number }[] = [];
    expect(await collect(count, [fakeLane('a', () => 1, log)])).toEqual(expected);
    const jittery = (i: number) => (i * 7) % 5;
    expect(await collect(count, [fakeLane('a', jittery, log), fakeLane('b', () => 3, log)])).toEqual(expected);
    const lanes = [fakeLane('a', (i) => 9 - (i % 9), log, 4), fakeLane('b', () => 0, log, 2), fakeLane('c', jittery, log)];
    expect(await collect(count, lanes)).toEqual(expected);
    expect(lanes.map((l) => l.mostHeld)).toEqual([4, 2, 1]);
  });

  it('merges engine chunks into the bits of a single-thread run whatever the lanes', async () => {
    const { scenario } = loadScenarioText(`id: s
time: { unit: day, dt: 1, horizon: 30 }
parameters: { r: { default: 0.05, range: [0, 0.2], uncertainty: { dist: uniform, min: 0.01, max: 0.1 } } }
tracks: { k: { states: [a, b], transitions: [{ from: a, to: b, rate: r }] } }
metrics: { hit: { expr: 'ever(k, "b")' }, when: { expr: 'first(k, "b")' } }
`);
    const direct = runScenario(scenario, { trials: 40_000, seed: 5 });
    const lane = (ms: number): Lane<RunChunkTask, RunSummary> => {
      const cache = new ModelCache();
      return {
        run: async (task) => {
          await wait(ms);
          return runChunkTask(cache, task);
        },
      };
    };
    const model = buildModel(scenario);
    for (const lanes of [[lane(0)], [lane(5), lane(0), lane(1)]]) {
      const summary = await runChunkedTrials(model, { seed: 5, trials: 40_000, overrides: {} }, { lanes });
      expect(summary.trials).toBe(40_000);
      expect(summary.metrics[0]?.n).toBe(direct.metrics.hit?.n);
      const result = finalizeResult(model, summary, { seed: 5, overrides: {}, seconds: 0, workers: lanes.length });
      expect(result.receipt.outputHash).toBe(direct.receipt.outputHash);
    }
  });

  it('reports the earliest failing chunk once, as a GeoriskError with its issues, and hands out nothing after', async () => {
    const issuesOf = (i: number): Issue[] => [
      { code: 'invalid_value', severity: 'error', path: `chunk${i}`, message: `chunk ${i} failed` },
    ];
    const handed: number[] = [];
    const failing = (ms: (i: number) => number): Lane<number, number> => ({
      run: async (i) => {
        handed.push(i);
        await wait(ms(i));
        return i === 3 || i === 5 ? { issues: issuesOf(i) } : { summary: i };
      },
    });
    const delivered: number[] = [];
    // Chunk 5 fails before chunk 3 does; chunk 3's failure is still the one reported.
    const run = scheduleChunks({
      count: 40,
      task: (i) => i,
      lanes: [failing((i) => (i === 3 ? 30 : 1)), failing(() => 1), failing(() => 1)],
      onSummary: (i) => delivered.push(i),
    });
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GeoriskError);
    expect((error as GeoriskError).issues).toEqual(issuesOf(3));
    expect(delivered).toEqual([0, 1, 2]);
    expect(handed.length).toBeLessThan(40);
  });

  it('stops handing out chunks once cancelled and throws the signal reason', async () => {
    const controller = new AbortController();
    const handed: number[] = [];
    const lane: Lane<number, number> = {
      run: async (i) => {
        handed.push(i);
        if (i === 4) controller.abort(new Error('stop'));
        await wait(1);
        return { summary: i };
      },
    };
    await expect(
      scheduleChunks({ count: 100, task: (i) => i, lanes: [lane, lane], signal: controller.signal, onSummary: () => {} }),
    ).rejects.toThrow('stop');
    expect(Math.max(...handed)).toBeLessThanOrEqual(5);
    const before = handed.length;
    await wait(20);
    expect(handed.length).toBe(before);
  });

  it('gives other lanes their first tasks before the calling thread, and no lane more than its share at the end', async () => {
    const log: { lane: string; index: number }[] = [];
    const here = { ...fakeLane('here', () => 2, log), callingThread: true };
    const worker = fakeLane('worker', () => 2, log, 4);
    await collect(6, [here, worker]);
    // 6 chunks on 2 lanes: the worker (room for 4) takes 2, as then its share of what is left is 2,
    // and only then does the calling thread start.
    expect(log.slice(0, 3)).toEqual([
      { lane: 'worker', index: 0 },
      { lane: 'worker', index: 1 },
      { lane: 'here', index: 2 },
    ]);
    expect(worker.mostHeld).toBeLessThan(4);
  });

  it('waits while mayStart says no, and goes on once earlier chunks are in', async () => {
    const log: { lane: string; index: number }[] = [];
    let delivered = -1;
    const started: number[] = [];
    await scheduleChunks({
      count: 12,
      task: (i) => i,
      lanes: [fakeLane('a', () => 1, log, 4), fakeLane('b', () => 2, log, 4)],
      mayStart: (i) => i - delivered <= 3,
      onSummary: (i) => {
        delivered = i;
      },
      onChunkDone: (i) => started.push(i),
    });
    expect(delivered).toBe(11);
    expect([...started].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    for (const [n, { index }] of log.entries()) expect(index).toBe(n);
  });
});
