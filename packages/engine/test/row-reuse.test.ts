/**
 * Work done by the skipping path when uncertain parameters change every trial: a step rule or a
 * flow shape that reads none of them is computed once and reused by later trials, and a step rule
 * evaluates each transition's value once. Counted by wrapping compiled expressions (exact counts,
 * no timing); the numbers themselves are pinned by test/golden.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/index.ts';
import { modelOf } from './helpers.ts';

const YAML = `
id: row-reuse
time: { unit: day, dt: 1, horizon: 30 }
parameters:
  drawn: { default: 0.2, uncertainty: { dist: uniform, min: 0.1, max: 0.3 } }
  fixed: { default: 5 }
tracks:
  front:
    states: [calm, clash]
    initial: calm
    transitions:
      - { from: calm, to: clash, rate: drawn }
      - { from: clash, to: calm, rate: drawn }
  market:
    states: [open, closed]
    initial: open
    transitions:
      - { from: open, to: closed, rate: fixed }
      - { from: closed, to: open, rate: fixed }
variables:
  losses: { initial: 0 }
flows:
  - { to: losses, amount: 'poisson(fixed * dt)' }
metrics:
  losses: { expr: losses }
`;

/** Wraps a compiled function so that its calls are counted in `counter.n`. */
function counted<F extends (...args: never[]) => number>(fn: F, counter: { n: number }): F {
  return ((...args: never[]) => {
    counter.n++;
    return fn(...args);
  }) as F;
}

describe('rows and flow shapes that read no changed parameter are reused', () => {
  const model = modelOf(YAML);
  const market = model.tracks.find((t) => t.name === 'market')!;
  const front = model.tracks.find((t) => t.name === 'front')!;
  const marketCalls = { n: 0 };
  const frontCalls = { n: 0 };
  const flowCalls = { n: 0 };
  for (const list of market.outgoing) for (const tr of list) tr.value.fn = counted(tr.value.fn, marketCalls);
  for (const list of front.outgoing) for (const tr of list) tr.value.fn = counted(tr.value.fn, frontCalls);
  const sampler = model.flows[0]!.amount.sampler!;
  sampler.args[0] = counted(sampler.args[0]!, flowCalls);
  const trials = 2000;
  simulate(model, { seed: 3, firstTrial: 0, trials });

  it('computes the step rules of a track that reads only fixed parameters once, one evaluation per transition', () => {
    // Two states with one transition each: two rows, each evaluated once (main: twice per row, every trial).
    expect(marketCalls.n).toBe(2);
  });

  it('computes the Poisson mean of a flow that reads only fixed parameters once per joint state', () => {
    // Four joint states at most (main: every joint state again in every trial).
    expect(flowCalls.n).toBeGreaterThan(0);
    expect(flowCalls.n).toBeLessThanOrEqual(4);
  });

  it('still recomputes the rows of a track that reads a drawn parameter in every trial', () => {
    expect(frontCalls.n).toBeGreaterThanOrEqual(trials);
  });
});

describe('a row that reads a drawn parameter only in states its track-state tests rule out is kept', () => {
  // The pipeline's row reads `strike` only while the front is at war; the front is calm or in a
  // clash in every trial here, so the pipeline's rows never read the parameter drawn every trial.
  const model = modelOf(`
id: row-keep
time: { unit: day, dt: 1, horizon: 30 }
parameters:
  strike: { default: 0.2, uncertainty: { dist: uniform, min: 0.1, max: 0.3 } }
  stray: { default: 0.01 }
tracks:
  front:
    states: [calm, clash, war]
    initial: calm
    transitions:
      - { from: calm, to: clash, rate: 0.3 }
      - { from: clash, to: calm, rate: 0.4 }
  pipeline:
    states: [open, shut]
    initial: open
    transitions:
      - { from: open, to: shut, rate: 'front == "war" ? strike : is(front, "clash") ? stray : 0' }
      - { from: shut, to: open, rate: 'front != "calm" ? strike : 0.5' }
metrics:
  shut: { expr: 'ever(pipeline, "shut")' }
`);
  const pipeline = model.tracks.find((t) => t.name === 'pipeline')!;
  const calls = { n: 0 };
  // A row's values are the transitions' closures specialized to the row's states: count both.
  for (const list of pipeline.outgoing) {
    for (const tr of list) {
      tr.value.fn = counted(tr.value.fn, calls);
      const specialize = tr.value.specialize;
      if (specialize !== undefined) {
        tr.value.specialize = (fixed) => {
          const special = specialize(fixed);
          return { ...special, fn: counted(special.fn, calls) };
        };
      }
    }
  }
  const trials = 2000;
  const run = simulate(model, { seed: 3, firstTrial: 0, trials });

  it('fills each (pipeline state, front state) row once, though the parameter changes every trial', () => {
    // open × {calm, clash} never read strike; shut × calm reads only 0.5; shut × clash reads strike,
    // so that row alone is filled again in the trials that reach it.
    expect(run.trials).toBe(trials);
    expect(calls.n).toBeGreaterThan(3);
    expect(calls.n).toBeLessThan(trials / 2);
  });
});

describe('rows and flow shapes evaluate their expressions specialized to the track states', () => {
  // The pipeline's rate and the damage flow's mean test the front's state: a row or a flow shape
  // is computed in known states, so the closures specialized to them are the ones called.
  const model = modelOf(`
id: specialized
time: { unit: day, dt: 1, horizon: 30 }
parameters:
  strike: { default: 0.2, uncertainty: { dist: uniform, min: 0.1, max: 0.3 } }
tracks:
  front:
    states: [calm, war]
    initial: calm
    transitions:
      - { from: calm, to: war, rate: 0.1 }
      - { from: war, to: calm, rate: 0.2 }
  pipeline:
    states: [open, shut]
    initial: open
    transitions:
      - { from: open, to: shut, rate: 'front == "war" ? strike : 0.01' }
      - { from: shut, to: open, rate: 0.3 }
variables:
  damage: { initial: 0 }
flows:
  - { to: damage, amount: 'poisson((front == "war" ? strike * 10 : 1) * dt)' }
metrics:
  damage: { expr: damage }
`);
  const plain = { n: 0 };
  const special = { n: 0 };
  const rate = model.tracks.find((t) => t.name === 'pipeline')!.outgoing[0]![0]!.value;
  rate.fn = counted(rate.fn, plain);
  const specializeRate = rate.specialize!;
  rate.specialize = (fixed) => {
    const s = specializeRate(fixed);
    return { ...s, fn: counted(s.fn, special) };
  };
  const amount = model.flows[0]!.amount;
  const sampler = amount.sampler!;
  sampler.args = sampler.args.map((g) => counted(g, plain));
  const specializeAmount = amount.specialize!;
  amount.specialize = (fixed) => {
    const s = specializeAmount(fixed);
    return { ...s, samplerArgs: s.samplerArgs.map((g) => counted(g, special)) };
  };
  simulate(model, { seed: 5, firstTrial: 0, trials: 500 });

  it('call only the specialized closures', () => {
    expect(special.n).toBeGreaterThan(500);
    expect(plain.n).toBe(0);
  });
});
