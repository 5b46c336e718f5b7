/**
 * Rates and probabilities checked at the parameters' values when a model is built: `rate: 0.1 / k`
 * with k = 0, a rate read from a parameter of -0.1, or `probability: p` with p = 1.5 would fail at
 * t = 0 of every trial that reaches the state, yet `validate` said the scenario was valid. A
 * transition's value that reads only parameters and track states is evaluated in every combination
 * of the states it reads (up to MAX_COMBINATIONS); values that read time or variables change during
 * a trial and are checked as the trial runs, as every value still is (a prior's draw, an event's set).
 */
import { type Issue, issue } from '../errors.ts';
import type { EvalState } from '../expression/expression.ts';
import { TrialStream } from '../rng.ts';
import type { CompiledTransition, Model, TrackModel } from './model.ts';
import { MAX_PROBABILITY_SUM } from './model-tracks.ts';

/** Most combinations of track states one state's transitions are evaluated in. */
const MAX_COMBINATIONS = 4096;

/** Each transition whose value is not a rate (finite, >= 0) or a probability ([0, 1]) at the model's parameter values, and each state whose probabilities add up to more than 1. */
export function checkAtParameterValues(model: Model): Issue[] {
  const s: EvalState = {
    p: Float64Array.from(model.params.values),
    v: Float64Array.from(model.vars.initial),
    k: Int32Array.from(model.tracks, (t) => t.initial),
    t: 0,
    rng: new TrialStream(0),
    ever: new Uint8Array(model.totalStates),
    first: new Float64Array(model.totalStates).fill(Number.NaN),
    timeIn: new Float64Array(model.totalStates),
  };
  const problems: Issue[] = [];
  for (const track of model.tracks) {
    track.outgoing.forEach((list, state) => {
      if (list.length > 0) problems.push(...checkState(model, track, state, list, s));
    });
  }
  return problems;
}

function checkState(model: Model, track: TrackModel, state: number, list: CompiledTransition[], s: EvalState): Issue[] {
  const reads = list.map((tr) => tr.value.reads);
  if (reads.some((r) => r.time || r.vars.size > 0 || r.random)) return [];
  const others = [...new Set(reads.flatMap((r) => [...r.tracks]))].filter((i) => i !== track.index);
  const sizes = others.map((i) => model.tracks[i]?.states.length ?? 1);
  const combinations = sizes.reduce((n, k) => n * k, 1);
  if (combinations > MAX_COMBINATIONS) return [];
  const problems = new Map<string, Issue>();
  const saved = Int32Array.from(s.k);
  s.k[track.index] = state;
  for (let c = 0; c < combinations; c++) {
    let rest = c;
    others.forEach((i, j) => {
      s.k[i] = rest % (sizes[j] ?? 1);
      rest = Math.floor(rest / (sizes[j] ?? 1));
    });
    const where = () => whereWords(model, track, state, others, s);
    let sum = 0;
    let outOfRange = false;
    for (const tr of list) {
      const x = tr.value.fn(s);
      const path = `${tr.path}.${tr.kind}`;
      if (tr.kind === 'rate' && !(x >= 0 && x < Number.POSITIVE_INFINITY) && !problems.has(path)) {
        problems.set(path, issue('runtime_value', path, `the rate evaluates to ${x} ${where()}; rates must be finite and >= 0`));
      }
      if (tr.kind === 'probability') {
        if (!(x >= 0 && x <= 1)) {
          outOfRange = true;
          if (!problems.has(path))
            problems.set(path, issue('probability_range', path, `the probability evaluates to ${x} ${where()}; it must lie in [0, 1]`));
        }
        sum += x;
      }
    }
    const sumPath = list[0]?.path ?? `tracks.${track.name}`;
    // A sum over 1 because one probability is already out of [0, 1] says nothing more.
    if (sum > MAX_PROBABILITY_SUM && !outOfRange && !problems.has(sumPath)) {
      const shown = Number(sum.toPrecision(12));
      problems.set(
        sumPath,
        issue(
          'probability_range',
          sumPath,
          `the probabilities out of "${track.states[state]}" add up to ${shown} ${where()}; their sum must be <= 1`,
        ),
      );
    }
  }
  s.k.set(saved);
  return [...problems.values()];
}

/** "at the parameters' values, in clash (with conflict = "war")". */
function whereWords(model: Model, track: TrackModel, state: number, others: number[], s: EvalState): string {
  const with_ = others.map((i) => `${model.tracks[i]?.name} = "${model.tracks[i]?.states[s.k[i] ?? 0]}"`);
  return `at the parameters' values, in "${track.states[state]}"${with_.length > 0 ? ` (with ${with_.join(', ')})` : ''}`;
}
