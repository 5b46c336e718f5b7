/** Small helpers shared by the engine's tests. */
import { GeoriskError, type Issue } from '../src/errors.ts';
import { buildModel, loadScenarioText, type Model, type RunResult, runScenario } from '../src/index.ts';

/** The issues loading and building inline YAML reports (none for a valid scenario). */
export function problems(text: string): Issue[] {
  try {
    buildModel(loadScenarioText(text).scenario);
  } catch (error) {
    if (error instanceof GeoriskError) return error.issues;
    throw error;
  }
  return [];
}

/** The issues a call throws as a `GeoriskError` (none when it returns). */
export function issuesOf(fn: () => unknown): Issue[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof GeoriskError) return error.issues;
    throw error;
  }
  return [];
}

/** Builds a model from inline YAML. */
export function modelOf(yaml: string, overrides: Record<string, number> = {}): Model {
  return buildModel(loadScenarioText(yaml).scenario, overrides);
}

/** Runs inline YAML. */
export function runYaml(yaml: string, trials: number, seed = 1, stepOnly = false): RunResult {
  return runScenario(loadScenarioText(yaml).scenario, { trials, seed, stepOnly });
}

/** A result without its timing, which is the only part allowed to differ between identical runs. */
export function withoutTiming(r: RunResult): Omit<RunResult, 'timing'> {
  const { timing: _timing, ...rest } = r;
  return rest;
}

/** Standard error of a proportion p estimated from n trials. */
export function binomialSe(p: number, n: number): number {
  return Math.sqrt((p * (1 - p)) / n);
}

/** Tolerance used by the statistical tests: 4.5 standard errors (two-sided false alarm ≈ 6.8e-6 per check). */
export const Z_TOL = 4.5;

/**
 * Events of every kind: a parameter set at t = 5 makes the clash certain at t = 6, war follows at
 * 0.2 a day, a condition event counts wars, and at t = 15 every trial is forced back to calm.
 */
export const EVENTS_SCENARIO = `
id: events
time: { unit: day, dt: 1, horizon: 20 }
parameters:
  escalation: { default: 0 }
tracks:
  conflict:
    states: [calm, clash, war]
    initial: calm
    transitions:
      - { from: calm, to: clash, rate: escalation }
      - { from: clash, to: war, rate: 0.2 }
variables:
  alerts: {}
events:
  - { at: 5, set: { escalation: 1e9 } }
  - { when: 'conflict == "war"', add: { alerts: 1 } }
  - { at: 15, force: { conflict: calm }, set: { escalation: 0 } }
metrics:
  war_by_15: { expr: 'ever(conflict, "war")' }
  alerts: { expr: alerts }
  clash_first: { expr: 'first(conflict, "clash")' }
`;
