/** Small scenario texts for CLI tests: each one is written to a temp file by the test that uses it. */

/** A valid scenario with one parameter, so `--set` has something to change. */
export const PARAMETER_SCENARIO = `id: cli-parameter
title: CLI test scenario with a parameter
time: { unit: day, dt: 1, horizon: 30 }
parameters:
  war_rate: { default: 0.01, range: [0, 1], unit: per day, assumption: a round number for tests }
tracks:
  conflict:
    states: [clash, war, ceasefire]
    initial: clash
    transitions:
      - { from: clash, to: war, rate: war_rate }
      - { from: clash, to: ceasefire, rate: 0.1 }
      - { from: war, to: ceasefire, rate: 0.05 }
metrics:
  war_reached: { expr: 'ever(conflict, "war")' }
  days_to_ceasefire: { expr: 'first(conflict, "ceasefire")', unit: day }
`;

/** Two scenario errors: a misspelt parameter in an expression and a state the track does not have. */
export const BROKEN_SCENARIO = `id: cli-broken
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  war_rate: { default: 0.1, range: [0, 1] }
tracks:
  conflict:
    states: [calm, war]
    initial: calm
    transitions:
      - { from: calm, to: war, rate: war_rat * 2 }
      - { from: calm, to: peace, rate: 0.1 }
metrics:
  war: { expr: 'ever(conflict, "war")' }
`;

/** Not YAML at all: an unclosed flow mapping. */
export const YAML_SYNTAX_ERROR = `id: cli-syntax
time: { unit: day
  dt: 1
`;

/** Valid on paper, but the rate `1 - t` turns negative on day 2 of the 5-day horizon. */
export const NEGATIVE_RATE_SCENARIO = `id: cli-negative-rate
time: { unit: day, dt: 1, horizon: 5 }
tracks:
  conflict:
    states: [calm, war]
    initial: calm
    transitions:
      - { from: calm, to: war, rate: 1 - t }
metrics:
  war: { expr: 'ever(conflict, "war")' }
`;

/** 1-based line and column of the first occurrence of `needle` in `text`. */
export function positionOf(text: string, needle: string): { line: number; column: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  if (line < 0) throw new Error(`"${needle}" is not in the text`);
  return { line: line + 1, column: lines[line]!.indexOf(needle) + 1 };
}

/**
 * A small scenario for sweeps: one plain parameter to vary and one uncertain parameter drawn per
 * trial, so that common random numbers and parameter draws are both exercised.
 */
export const SWEEP_SCENARIO = `id: cli-sweep
time: { unit: day, dt: 1, horizon: 30 }
parameters:
  war_rate: { default: 0.02, range: [0, 0.1] }
  ceasefire_rate: { default: 0.1, range: [0.05, 0.5], uncertainty: { dist: uniform, min: 0.05, max: 0.5 } }
tracks:
  conflict:
    states: [clash, war, ceasefire]
    transitions:
      - { from: clash, to: war, rate: war_rate }
      - { from: clash, to: ceasefire, rate: ceasefire_rate }
      - { from: war, to: ceasefire, rate: 0.05 }
metrics:
  war_reached: { expr: 'ever(conflict, "war")' }
  days_to_ceasefire: { expr: 'first(conflict, "ceasefire")' }
`;

/** A scenario whose rate turns negative while it runs (`k - t`): every chunk fails at run time, not at load. */
export const RUNTIME_FAILING_SCENARIO = `id: runtime-fails
time: { unit: day, dt: 1, horizon: 5 }
parameters:
  k: { default: 1, range: [0.5, 2] }
tracks:
  conflict:
    states: [calm, war]
    transitions:
      - { from: calm, to: war, rate: k - t }
metrics:
  war: { expr: 'ever(conflict, "war")' }
`;
