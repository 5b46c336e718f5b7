/**
 * What a trial runner derives from a model once, before any trial: the events in order, table
 * sizes, joint-state strides, which shortcuts apply (skipping, deferred variables, folded flows)
 * and the bulk sums of flow amounts.
 */
import { defined } from '../defined.ts';
import * as dist from '../distributions.ts';
import { GeoriskError, issue } from '../errors.ts';
import type { CompiledExpression, EvalState } from '../expression/expression.ts';
import type { Assignment, EventModel, Model, TrackModel } from '../model/model.ts';
import type { Rng, TrialStream } from '../rng.ts';

/** Rows of a precomputed transition table at most; larger tracks evaluate rates on each move. */
export const MAX_TABLE_ROWS = 1 << 16;

/** An event that applies at a fixed step. */
export type TimedEvent = EventModel & { atStep: number };

/** The constant plan of a model's trials (see `TrialRunner`'s fields of the same names). */
export interface TrialPlan {
  /** Timed events by step, and condition events. */
  timed: TimedEvent[];
  conditional: EventModel[];
  /** Per track: rows of its transition table (0 when too large to tabulate). */
  tableSizes: number[];
  slotsPerTrack: number[];
  /** Quiet steps may be skipped. */
  canSkip: boolean;
  /** Parameters with an uncertainty distribution. */
  uncertain: number[];
  bulk: BulkAmount[];
  /** Per track: the multiplier of each dependency's state in the table index. */
  radix: Int32Array[];
  /** Per track: the weight of its state in the joint-state index. */
  strides: Int32Array;
  /** Size of the joint track-state space. */
  jointStates: number;
  eventsAtStart: boolean;
  deferred: Uint8Array;
  hasEffects: boolean;
  foldFlows: boolean;
}

/** Derives the constant plan of a model's trials. */
export function planTrials(model: Model, stepOnly: boolean): TrialPlan {
  const timed = model.events.filter((e): e is TimedEvent => e.atStep !== undefined).sort((a, b) => a.atStep - b.atStep);
  const conditional = model.events.filter((e) => e.atStep === undefined);
  const strides = new Int32Array(model.tracks.length);
  model.tracks.reduceRight((w, t, i) => {
    strides[i] = w;
    return w * t.states.length;
  }, 1);
  return {
    timed,
    conditional,
    tableSizes: model.tracks.map((t) => tableSize(model, t)),
    slotsPerTrack: model.tracks.map((t) => t.stateOffset),
    canSkip: model.skippable && !stepOnly,
    uncertain: model.params.uncertainty.flatMap((d, i) => (d === undefined ? [] : [i])),
    bulk: model.flows.map((f) => makeBulkAmount(f.amount)),
    radix: model.tracks.map((t) =>
      Int32Array.from(t.dependsOn, (d) => defined(model.tracks[d], 'a track depends on tracks of the model').states.length),
    ),
    strides,
    jointStates: model.tracks.reduce((n, t) => n * t.states.length, 1),
    eventsAtStart: conditional.length > 0 || timed.some((e) => e.atStep === 0),
    deferred: deferrableVariables(model),
    hasEffects: model.tracks.some((t) => t.outgoing.some((list) => list.some((tr) => tr.set.length + tr.add.length > 0))),
    foldFlows: model.tracks.every((t) =>
      t.outgoing.every((list) => list.every((tr) => [...tr.set, ...tr.add].every((a) => a.value.reads.vars.size === 0))),
    ),
  };
}

/** A fresh evaluation state for a model's trials, drawing from `rng`. */
export function newEvalState(model: Model, rng: TrialStream): EvalState {
  return {
    p: new Float64Array(model.params.values.length),
    v: new Float64Array(model.vars.initial.length),
    k: new Int32Array(model.tracks.length),
    t: 0,
    rng,
    ever: new Uint8Array(model.totalStates),
    first: new Float64Array(model.totalStates),
    timeIn: new Float64Array(model.totalStates),
  };
}

/** Rows of a track's transition table: one per (state, dependency states), or 0 when too many. */
function tableSize(model: Model, t: TrackModel): number {
  let size = t.states.length;
  for (const d of t.dependsOn) size *= model.tracks[d]?.states.length ?? 1;
  return size <= MAX_TABLE_ROWS ? size : 0;
}

/** Variables that no expression reads during a trial and no transition or event sets or adds to. */
function deferrableVariables(model: Model): Uint8Array {
  const out = new Uint8Array(model.vars.names.length).fill(1);
  const touch = (e: CompiledExpression | undefined) => {
    if (e) for (const v of e.reads.vars) out[v] = 0;
  };
  const assigned = (list: Assignment[]) => {
    for (const a of list) {
      touch(a.value);
      if (a.target.kind === 'var') out[a.target.index] = 0;
    }
  };
  for (const t of model.tracks) {
    for (const list of t.outgoing) {
      for (const tr of list) {
        touch(tr.value);
        assigned(tr.set);
        assigned(tr.add);
      }
    }
  }
  for (const f of model.flows) {
    touch(f.when);
    touch(f.amount);
  }
  for (const e of model.events) {
    touch(e.when);
    assigned(e.set);
    assigned(e.add);
  }
  return out;
}

/** Adds up `count` iid draws of a flow amount at a fixed state. */
export type BulkAmount = (s: EvalState, count: number) => number;

/** The most arguments a sampler takes (the stride of a joint row's cached sampler arguments). */
export const SAMPLER_ARGS = Math.max(...Object.values(dist.SAMPLERS).map((spec) => spec.arity));

/**
 * Adds up `count` iid draws of one sampler from `rng`, its arguments read from `args` at `at`
 * (computed once per joint state by the caller): one draw where the sum has a closed form, else a loop.
 */
export type SampledBulk = (rng: Rng, args: Float64Array, at: number, count: number) => number;

/** The bulk sum of a flow amount that is one sampler call whose arguments draw nothing (`source` names it in errors). */
export function makeSampledBulk(name: dist.SamplerName, arity: number, source: string): SampledBulk {
  // Scratch arrays, reused by every call (this runs at each flush of the flow).
  const values: number[] = new Array(arity).fill(0);
  const summed = [0, 0];
  const draw = dist.samplerDraw(name);
  const invalid = (): never => {
    throw new GeoriskError([
      issue('runtime_value', source, dist.SAMPLERS[name].check(values) ?? `invalid parameters ${values.join(', ')}`),
    ]);
  };
  return (rng, args, at, count) => {
    for (let j = 0; j < arity; j++) values[j] = args[at + j]!;
    if (!dist.sumOfIidInto(name, values, count, summed)) {
      let total = 0;
      for (let i = 0; i < count; i++) total += draw(rng, values);
      return Number.isNaN(total) ? invalid() : total;
    }
    const y = draw(rng, summed);
    return Number.isNaN(y) ? invalid() : y;
  };
}

/** Builds the bulk sum of a flow amount: one draw where the sum has a closed form, else a loop. */
export function makeBulkAmount(amount: CompiledExpression): BulkAmount {
  if (amount.constant !== undefined) {
    const c = amount.constant;
    return (_s, count) => count * c;
  }
  const sampler = amount.sampler;
  if (sampler !== undefined && !sampler.argsRandom) {
    const { name, args } = sampler;
    const invalid = (values: number[]): never => {
      throw new GeoriskError([
        issue('runtime_value', amount.source, dist.SAMPLERS[name].check(values) ?? `invalid parameters ${values.join(', ')}`),
      ]);
    };
    if (name === 'poisson') {
      const mean = defined(args[0], 'a poisson sampler has one argument');
      return (s, count) => {
        const m = mean(s);
        const y = dist.poisson(s.rng, count * m);
        return Number.isNaN(y) ? invalid([m]) : y;
      };
    }
    const sampled = makeSampledBulk(name, args.length, amount.source);
    const values = new Float64Array(args.length);
    return (s, count) => {
      for (let j = 0; j < args.length; j++) values[j] = args[j]!(s);
      return sampled(s.rng, values, 0, count);
    };
  }
  if (!amount.reads.random) return (s, count) => count * amount.fn(s);
  return (s, count) => {
    let total = 0;
    for (let i = 0; i < count; i++) total += amount.fn(s);
    return total;
  };
}
