/**
 * Where parameters change from trial to trial (drawn, or set by an event), a cached joint row's
 * parts are brought up to date one by one where a trial reads them: a track's row where the move
 * search reads it, a flow's shape at its first flush in the state (simulate.ts `lazyParts`). A model
 * whose joint states are too many to cache computes every part afresh at each look instead. Both
 * must give the same numbers, bit for bit: the same model with two tracks of 100 states that never
 * move (120,000 joint states, beyond the joint-row cache's 65,536) is the uncached reference.
 */
import { describe, expect, it } from 'vitest';
import { runYaml } from './helpers.ts';

/** A model with drawn parameters read by rates, a dependency and flows, and an event that sets one; `extra` adds tracks. */
function model(extra: string): string {
  return `
id: lazy-parts
time: { unit: day, dt: 1, horizon: 90 }
parameters:
  clash_rate: { default: 0.2, uncertainty: { dist: triangular, min: 0.05, mode: 0.2, max: 0.5 } }
  escalation: { default: 0.1, uncertainty: { dist: gamma, shape: 4, scale: 0.025 } }
  deaths_per_day: { default: 3, uncertainty: { dist: lognormal, mu: 1, sigma: 0.5 } }
  clumping: { default: 0.5 }
  calm_rate: { default: 0.2 }
  ally_rate: { default: 0.03, uncertainty: { dist: uniform, min: 0.01, max: 0.06 } }
tracks:
  front:
    states: [calm, clash, war]
    initial: calm
    transitions:
      - { from: calm, to: clash, rate: clash_rate }
      - { from: clash, to: war, rate: 'escalation * (alliance == "in" ? 0.5 : 1)' }
      - { from: clash, to: calm, rate: calm_rate }
      - { from: war, to: clash, rate: 0.05 }
  alliance:
    states: [out, in]
    initial: out
    transitions:
      - { from: out, to: in, rate: 'front == "calm" ? 0 : ally_rate' }
      - { from: in, to: out, rate: 0.02 }
  market:
    states: [open, shut]
    initial: open
    transitions:
      - { from: open, to: shut, rate: 'front == "war" ? 0.2 : 0.01' }
      - { from: shut, to: open, rate: 0.3 }${extra}
variables:
  deaths: { initial: 0 }
  lost: { initial: 0 }
  ground: { initial: 0 }
flows:
  - { to: deaths, when: 'front != "calm"', amount: 'negbin((front == "war" ? 4 : 1) * deaths_per_day, clumping)' }
  - { to: lost, when: 'market == "shut"', amount: 'poisson(deaths_per_day / 3)' }
  - { to: ground, when: 'front == "war"', amount: 'gamma(2, escalation * 10)' }
events:
  - id: ally_calms
    when: 'alliance == "in"'
    set: { calm_rate: 0.5, clash_rate: 0.1 }
metrics:
  deaths: { expr: deaths }
  lost: { expr: lost }
  ground: { expr: ground }
  war: { expr: 'ever(front, "war")', unit: probability }
  ally: { expr: 'ever(alliance, "in")', unit: probability }
  shut_days: { expr: 'time_in(market, "shut")' }
  calm_days: { expr: 'time_in(front, "calm")' }
`;
}

describe('joint rows brought up to date part by part', () => {
  const trials = 3000;
  const lazy = runYaml(model(''), trials, 5).metrics;
  const states = Array.from({ length: 100 }, (_, i) => `s${i}`).join(', ');
  const still = (name: string) => `\n  ${name}:\n    states: [${states}]\n    initial: s0\n    transitions: []`;
  const whole = runYaml(model(still('still_a') + still('still_b')), trials, 5).metrics;

  it('give the same numbers as computing every part afresh', () => {
    expect(lazy).toEqual(whole);
  });

  it('exercise what they must: parameters set mid-trial, and every flow and track moving', () => {
    // Each of these is well inside its range at 3,000 trials (binomial errors under 0.01).
    expect(lazy.ally!.mean).toBeGreaterThan(0.3);
    expect(lazy.war!.mean).toBeGreaterThan(0.2);
    expect(lazy.shut_days!.mean).toBeGreaterThan(1);
    expect(lazy.deaths!.mean).toBeGreaterThan(10);
    expect(lazy.lost!.mean).toBeGreaterThan(0.1);
    expect(lazy.ground!.mean).toBeGreaterThan(0.1);
  });
});
