/**
 * A run on several threads ends in finer chunks (issue 19: the threads finish closer together), and
 * the result is the same bits as the engine's plain chunks: merging is exact.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../apps/cli/src/load.ts';
import { tailChunks } from '../../apps/cli/src/parallel.ts';
import {
  CHUNK_TRIALS,
  evenChunks,
  listChunks,
  ModelCache,
  planChunks,
  type RunChunkTask,
  runChunkedTrials,
  runChunkTask,
} from '../../packages/engine/src/chunks/index.ts';
import { buildModel } from '../../packages/engine/src/index.ts';
import { ROOT } from '../helpers/cli.ts';

describe('tailChunks', () => {
  it('covers every trial once, in order, and ends in chunks a quarter of the size', () => {
    for (const trials of [1, 4096, 16_384, 50_000, 100_000, 4_000_000]) {
      for (const threads of [1, 2, 3, 16]) {
        const chunks = listChunks(tailChunks(trials, threads));
        let next = 0;
        for (const c of chunks) {
          expect(c.firstTrial).toBe(next);
          expect(c.trials).toBeGreaterThan(0);
          next += c.trials;
        }
        expect(next).toBe(trials);
        if (threads === 1) expect(chunks).toEqual(planChunks(trials));
        else {
          // The last `threads` chunks' worth of trials is cut four times finer.
          const tail = Math.min(trials, threads * CHUNK_TRIALS);
          const fine = chunks.filter((c) => c.firstTrial >= trials - tail);
          expect(fine.every((c) => c.trials <= CHUNK_TRIALS / 4)).toBe(true);
          expect(fine.reduce((n, c) => n + c.trials, 0)).toBe(tail);
        }
      }
    }
  });

  it('computes its chunks by position: 10^12 trials on 16 threads cost no list of 61 million chunks', () => {
    const trials = 1e12;
    const chunks = tailChunks(trials, 16);
    const tail = 16 * CHUNK_TRIALS;
    expect(chunks.length).toBe(Math.ceil((trials - tail) / CHUNK_TRIALS) + 64);
    expect(chunks.at(0)).toEqual({ firstTrial: 0, trials: CHUNK_TRIALS });
    const last = chunks.at(chunks.length - 1)!;
    expect(last.firstTrial + last.trials).toBe(trials);
    expect(chunks.at(chunks.length)).toBeUndefined();
    expect(listChunks(evenChunks(100_000))).toEqual(planChunks(100_000));
  });

  it('gives the same summary, bit for bit, as the plain chunks (2022 scenario)', async () => {
    const scenario = loadScenarioFile(`${ROOT}/scenarios/armenia-azerbaijan-2022.yaml`).scenario;
    const model = buildModel(scenario);
    const cache = new ModelCache();
    const lanes = [{ run: async (task: RunChunkTask) => runChunkTask(cache, task) }];
    const trials = 20_000;
    const plain = await runChunkedTrials(model, { seed: 3, trials, overrides: {} }, { lanes });
    const tailed = await runChunkedTrials(model, { seed: 3, trials, overrides: {}, chunks: tailChunks(trials, 2) }, { lanes });
    expect(tailChunks(trials, 2).length).toBeGreaterThan(planChunks(trials).length);
    expect(tailed).toEqual(plain);
  });
});
