/** The tracks of a model: each track's transitions compiled and grouped by the state they leave, with their checks. */
import { GeoriskError, issue } from '../errors.ts';
import type { CompiledExpression } from '../expression/expression.ts';
import type { Expression, ScenarioDocument } from '../scenario-schema.ts';
import type { CompiledTransition, TrackModel } from './model.ts';
import type { ModelIssues, ModelNames, TrackInfo } from './model-context.ts';

type TrackDocument = ScenarioDocument['tracks'][string];

/** Compiles every declared track (tracks without states were reported when declared and are left out). */
export function buildTracks(scenario: ScenarioDocument, names: ModelNames, issues: ModelIssues): TrackModel[] {
  const tracks: TrackModel[] = [];
  const counter = { transitionIndex: 0 };
  for (const [name, t] of Object.entries(scenario.tracks)) {
    const info = names.names.tracks.get(name);
    if (!info) continue;
    const initial = t.initial === undefined ? 0 : names.stateIndex(name, t.initial, `tracks.${name}.initial`);
    const outgoing = compileTransitions(name, t, info, names, issues, counter);
    const dependsOn = new Set<number>();
    const dynamic = outgoing.map((list) =>
      list.some((tr) => {
        for (const d of tr.value.reads.tracks) if (d !== info.index) dependsOn.add(d);
        return tr.value.reads.time || tr.value.reads.vars.size > 0;
      }),
    );
    checkProbabilitySums(name, info, outgoing, issues);
    tracks.push({
      name,
      index: info.index,
      states: info.states,
      initial: initial ?? 0,
      stateOffset: info.stateOffset,
      outgoing,
      dependsOn: [...dependsOn].sort((a, b) => a - b),
      dynamic,
    });
  }
  return tracks;
}

/** A track's transitions, compiled and listed under each state they leave; numbered across all tracks by `counter`. */
function compileTransitions(
  name: string,
  t: TrackDocument,
  info: TrackInfo,
  names: ModelNames,
  issues: ModelIssues,
  counter: { transitionIndex: number },
): CompiledTransition[][] {
  const outgoing: CompiledTransition[][] = info.states.map(() => []);
  t.transitions.forEach((tr, i) => {
    const path = `tracks.${name}.transitions[${i}]`;
    const to = names.stateIndex(name, tr.to, `${path}.to`);
    const froms = (Array.isArray(tr.from) ? tr.from : [tr.from]).map((f, j) =>
      names.stateIndex(name, f, Array.isArray(tr.from) ? `${path}.from[${j}]` : `${path}.from`),
    );
    const kind = tr.rate !== undefined ? 'rate' : 'probability';
    const value = names.compile((tr.rate ?? tr.probability) as Expression, kind, `${path}.${kind}`);
    const set = names.assignments(tr.set, `${path}.set`, false);
    const add = names.assignments(tr.add, `${path}.add`, false);
    if (value?.constant !== undefined) checkConstant(value, kind, path, issues);
    for (const from of froms) {
      if (from === undefined || to === undefined || value === undefined) continue;
      if (from === to) {
        issues.problems.push(
          issue('invalid_value', path, `a transition from "${tr.to}" to itself has no effect`, 'remove it, or use a flow or an event'),
        );
        continue;
      }
      outgoing[from]?.push({ index: counter.transitionIndex, from, to, kind, value, set, add, path });
    }
    counter.transitionIndex++;
  });
  return outgoing;
}

/** A constant rate or probability must be finite, a rate >= 0 and a probability within [0, 1]. */
function checkConstant(value: CompiledExpression, kind: 'rate' | 'probability', path: string, issues: ModelIssues): void {
  const constant = value.constant as number;
  const { problems } = issues;
  if (!Number.isFinite(constant)) {
    problems.push(
      issue(
        'bad_number',
        `${path}.${kind}`,
        `the ${kind} "${value.source}" evaluates to ${constant}`,
        `a ${kind} must be a finite number; check for division by zero, overflow or the log or square root of a negative number`,
      ),
    );
    return;
  }
  // Show the expression too when the value was computed from one.
  const shown = value.source === String(constant) ? `${constant}` : `"${value.source}" = ${constant}`;
  if (kind === 'rate' && constant < 0)
    problems.push(issue('negative_rate', `${path}.rate`, `rate ${shown} is negative`, 'rates are hazards per time unit and must be >= 0'));
  if (kind === 'probability' && (constant < 0 || constant > 1)) {
    problems.push(
      issue(
        'probability_range',
        `${path}.probability`,
        `probability ${shown} is outside [0, 1]`,
        'a per-step probability lies between 0 and 1; for a hazard per time unit, use "rate" instead',
      ),
    );
  }
}

/** Above this, the probabilities out of one state add up to more than 1 (a sum's rounding aside). */
export const MAX_PROBABILITY_SUM = 1 + 1e-12;

/**
 * The error of probabilities out of one state that add up to `sum` when they are evaluated (a run's
 * rows and the exact solver's alike); `when` says at what time, where the caller knows.
 */
export function probabilitySumError(path: string, sum: number, when = ''): GeoriskError {
  const shown = Number(sum.toPrecision(12));
  return new GeoriskError([
    issue('probability_range', path, `the probabilities out of one state add up to ${shown}${when}; their sum must be <= 1`),
  ]);
}

/** Constant per-step probabilities out of one state must not add up to more than 1. */
function checkProbabilitySums(name: string, info: TrackInfo, outgoing: CompiledTransition[][], issues: ModelIssues): void {
  outgoing.forEach((list, s) => {
    const total = list.reduce((sum, tr) => sum + (tr.kind === 'probability' && tr.value.constant !== undefined ? tr.value.constant : 0), 0);
    if (total > MAX_PROBABILITY_SUM) {
      issues.problems.push(
        issue(
          'probability_range',
          `tracks.${name}.transitions`,
          `the probabilities out of "${info.states[s]}" add up to ${Number(total.toPrecision(12))}`,
          'they are competing outcomes of one step; their sum must be <= 1',
        ),
      );
    }
  });
}
