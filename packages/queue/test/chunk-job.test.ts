/** A worker runs only what is a chunk job: anyone who can write to Redis can put a job there. */
import { describe, expect, it } from 'vitest';
import { chunkJobProblem } from '../src/queue.ts';

const job = {
  sweep: '0e8c8ee31068aa55',
  point: 0,
  chunkIndex: 1,
  chunk: { firstTrial: 16384, trials: 16384 },
  overrides: { p_hold_war: 0.3 },
  seed: 5,
  engine: '0.1.0',
  engineCheck: 'abc',
  scenarioHash: 'def',
  timeLimitMs: 600_000,
  run: 'r1',
};

describe('a chunk job', () => {
  it('accepts what a coordinator enqueues', () => {
    expect(chunkJobProblem(job)).toBeUndefined();
    expect(chunkJobProblem({ ...job, metricsOnly: true })).toBeUndefined();
  });

  it.each([
    ['trials of -5', { chunk: { firstTrial: 0, trials: -5 } }, /^chunk\.trials: /],
    ['trials "abc"', { chunk: { firstTrial: 0, trials: 'abc' } }, /^chunk\.trials: /],
    ['10.5 trials', { chunk: { firstTrial: 0, trials: 10.5 } }, /^chunk\.trials: /],
    ['a first trial of -1', { chunk: { firstTrial: -1, trials: 10 } }, /^chunk\.firstTrial: /],
    ['a first trial of 1e300', { chunk: { firstTrial: 1e300, trials: 10 } }, /^chunk\.firstTrial: /],
    ['a point of "zz"', { point: 'zz' }, /^point: /],
    ['a seed of "abc"', { seed: 'abc' }, /^seed: /],
    ['a parameter set to text', { overrides: { p_hold_war: 'x' } }, /^overrides\.p_hold_war: /],
    ['a sweep key that is not a hash', { sweep: '../x' }, /^sweep: /],
  ])('refuses %s, naming the field', (_, change, problem) => {
    expect(chunkJobProblem({ ...job, ...change })).toMatch(problem);
  });

  it('refuses no data at all, or a job without its chunk, without a raw JavaScript error', () => {
    expect(chunkJobProblem(null)).toMatch(/^the job: /);
    expect(chunkJobProblem({ ...job, chunk: null })).toMatch(/^chunk: /);
  });
});

describe("Redis's troubles in a user's words", () => {
  it("names what happened, not the client library's options", async () => {
    const { redisProblem } = await import('../src/errors.ts');
    expect(
      redisProblem(
        new Error('Reached the max retries per request limit (which is 15). Refer to "maxRetriesPerRequest" option for details.'),
      ),
    ).toBe('Redis stopped answering');
    expect(redisProblem(new Error('Protocol error, got "H" as reply type byte. Please report this.'))).toBe(
      'what answers at that address is not Redis',
    );
    expect(redisProblem(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toBe('connection refused');
    expect(redisProblem(new Error('ERR something new'))).toBe('ERR something new');
  });
});
