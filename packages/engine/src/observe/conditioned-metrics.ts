/**
 * The scenario's metrics under exact conditioning: the same answers `analyzeExact` gives (final
 * states, ever flags, first passages, time spent in states), computed from forward propagations in
 * which every observation weighs all the distributions of the block at its time.
 */
import { type Block, BlockPair, MAX_BLOCK_ENTRIES } from '../exact/block.ts';
import { exactMetric, type MetricContext } from '../exact/exact-metric.ts';
import type { ExactMetric } from '../exact/exact-result.ts';
import type { ExactSolver } from '../exact/exact-solver.ts';
import type { Taboo } from '../exact/joint-state.ts';
import type { BaseRun } from '../exact/part-solvers.ts';
import type { Model } from '../model/model.ts';
import { type ConditioningParts, type Filter, partSlots } from './conditioning-parts.ts';

/** Each metric's exact answer under the observations, or why it has none. */
export interface ConditionedMetrics {
  metrics: Record<string, ExactMetric>;
  unavailable: Record<string, string>;
}

/**
 * Propagates a block of `k` distributions (the initial state in the first) to time index `until`;
 * at each observation's time every distribution is multiplied by its likelihood, and the block is
 * rescaled by its total mass (which only keeps the numbers in range: every answer is a ratio).
 * `record` runs at each time index after the observations there.
 */
function filtered(f: Filter, k: number, record: (cur: Block, m: number) => void, until: number): BlockPair {
  const { solver, observed, likelihoods } = f;
  const pair = solver.initial(k, 1, undefined);
  let next = 0;
  const observe = (m: number) => {
    const { cur } = pair;
    let weighed = false;
    for (; next < observed.list.length && observed.list[next]!.step === m; next++) {
      const l = likelihoods[next]!;
      for (let a = 0; a < cur.count; a++) {
        const i = cur.support[a]!;
        for (let v = 0; v < k; v++) cur.p[i * k + v]! *= l[i]!;
      }
      weighed = true;
    }
    if (weighed) {
      const total = blockTotal(cur);
      if (total > 0) for (let a = 0; a < cur.count; a++) for (let v = 0; v < k; v++) cur.p[cur.support[a]! * k + v]! /= total;
    }
    record(cur, m);
  };
  observe(0);
  for (let m = 0; m < until; m++) {
    f.solver.advance(pair, m, undefined);
    observe(m + 1);
  }
  return pair;
}

/**
 * After the last observation nothing weighs the distributions any more: distribution v of the
 * block alone, stepped on from time index `from` to the horizon (`record` at each index after `from`).
 */
function onward(f: Filter, block: Block, v: number, from: number, record: (cur: Block, m: number) => void): Block {
  const pair = new BlockPair(f.solver.space.size, 1);
  for (let a = 0; a < block.count; a++) {
    const i = block.support[a]!;
    const p = block.p[i * block.k + v]!;
    if (p !== 0) pair.cur.add(i, 0, p);
  }
  for (let m = from; m < f.model.steps; m++) {
    f.solver.advance(pair, m, undefined);
    record(pair.cur, m + 1);
  }
  return pair.cur;
}

/** The mass of every distribution of the block together. */
function blockTotal(block: Block): number {
  let total = 0;
  for (let a = 0; a < block.count; a++) {
    const at = block.support[a]! * block.k;
    for (let v = 0; v < block.k; v++) total += block.p[at + v]!;
  }
  return total;
}

/** The mass of distribution v of the block. */
function columnTotal(block: Block, v: number): number {
  let total = 0;
  for (let a = 0; a < block.count; a++) total += block.p[block.support[a]! * block.k + v]!;
  return total;
}

/**
 * The expected time in each (track, state) given every observation. From the last observation on,
 * the filtered occupancy is already conditioned on all of them; before it, one distribution per
 * slot beside the base one accumulates p · dt while in it (an expectation the later observations
 * weigh like the probabilities). Undefined when that block is too large.
 */
function timeInGiven(f: Filter, occupancy: Float64Array[], tracks: Model['tracks']): Map<number, number> | undefined {
  const { model, solver } = f;
  const size = tracks.reduce((n, t) => n + t.states.length, 0);
  if ((1 + size) * solver.space.size > MAX_BLOCK_ENTRIES) return undefined;
  const { slots, slotsOf } = partSlots(solver, tracks);
  const k = 1 + slots.length;
  const last = lastStep(f);
  const end = filtered(
    f,
    k,
    (cur, m) => {
      if (m >= last) return;
      for (let a = 0; a < cur.count; a++) {
        const at = cur.support[a]! * k;
        const p = cur.p[at]!;
        for (const slotOf of slotsOf) cur.p[at + 1 + slotOf[cur.support[a]!]!]! += p * model.dt;
      }
    },
    last,
  ).cur;
  const mass = columnTotal(end, 0);
  return new Map(
    slots.map((slot, local) => {
      let after = 0;
      for (let m = last; m < model.steps; m++) after += occupancy[slot]![m]! * model.dt;
      return [slot, columnTotal(end, 1 + local) / mass + after];
    }),
  );
}

/** The time index of the last observation. */
function lastStep(f: Filter): number {
  return f.observed.list.reduce((m, o) => Math.max(m, o.step), 0);
}

/**
 * P(first entry into the taboo at time index m | every observation): up to the last observation,
 * mass entering moves to a distribution of its own entry time (later observations still weigh
 * it); afterwards nothing weighs it, so those distributions' masses are final, and the base
 * distribution steps on alone with its mass removed as it enters, as in `firstPassage`.
 */
function firstPassageGiven(f: Filter, taboo: Taboo): Float64Array {
  const { model, solver } = f;
  const last = lastStep(f);
  const k = last + 2;
  const pmf = new Float64Array(model.steps + 1);
  const inside = solver.joint.marks(() => (solver.joint.inside(taboo) ? 1 : 0));
  const enter = (cur: Block, into: (i: number, q: number) => void) => {
    for (let a = 0; a < cur.count; a++) {
      const i = cur.support[a]!;
      const q = cur.p[i * cur.k]!;
      if (inside[i] === 0 || q === 0) continue;
      into(i, q);
      cur.p[i * cur.k] = 0;
    }
  };
  const upTo = filtered(f, k, (cur, m) => enter(cur, (i, q) => (cur.p[i * k + 1 + m]! += q)), last).cur;
  for (let m = 0; m <= last; m++) pmf[m] = columnTotal(upTo, 1 + m);
  const end = onward(f, upTo, 0, last, (cur, m) => enter(cur, (_, q) => (pmf[m]! += q)));
  let total = columnTotal(end, 0);
  for (const p of pmf) total += p;
  return pmf.map((p) => p / total);
}

/** The conditioned final distribution with "has visited" flags, by flag bits (see `propagateWithFlags`). */
function withFlagsGiven(f: Filter, flags: { track: number; state: number }[]): Map<number, Map<number, number>> {
  const { joint } = f.solver;
  const k = 1 << flags.length;
  const flagsOf = joint.marks(() => flags.reduce((bits, fl, i) => (joint.s.k[fl.track] === fl.state ? bits | (1 << i) : bits), 0));
  const end = filtered(
    f,
    k,
    (cur) => {
      for (let a = 0; a < cur.count; a++) {
        const index = cur.support[a]!;
        const here = flagsOf[index]!;
        if (here === 0) continue;
        for (let bits = 0; bits < k; bits++) {
          const into = bits | here;
          if (into === bits) continue;
          cur.p[index * k + into]! += cur.p[index * k + bits]!;
          cur.p[index * k + bits] = 0;
        }
      }
    },
    f.model.steps,
  ).cur;
  const total = blockTotal(end);
  const groups = new Map<number, Map<number, number>>();
  for (let bits = 0; bits < k; bits++) {
    const d = new Map([...end.distribution(bits)].map(([i, p]) => [i, p / total]));
    if (d.size > 0) groups.set(bits, d);
  }
  return groups;
}

/** Why a metric cannot be answered under conditioning before its extraction is tried, or undefined. */
function tooLarge(f: Filter, metric: Model['metrics'][number]): string | undefined {
  const calls = metric.expr.metricCalls.filter((c) => c.fn !== 'time_in');
  if (calls.length === 0) return undefined;
  const last = lastStep(f);
  const width = Math.max(last + 2, 1 << Math.min(6, new Set(calls.map((c) => c.slot)).size));
  if (width * f.solver.space.size <= MAX_BLOCK_ENTRIES) return undefined;
  return `under conditioning, its ever/first-passage propagation (${width} distributions over ${f.solver.space.size} joint states) is too large`;
}

/** The final distribution of a part under every observation, normalized. */
function finalGiven(f: Filter): Map<number, number> {
  const end = filtered(f, 1, () => {}, f.model.steps).cur;
  return normalized(end.distribution(0));
}

/** A distribution scaled to total 1. */
function normalized(d: Map<number, number>): Map<number, number> {
  let mass = 0;
  for (const p of d.values()) mass += p;
  return new Map([...d].map(([i, p]) => [i, p / mass]));
}

/** What the filtered runs of `conditionExact` already give: occupancy per slot, and each part's final distribution (the base's). */
export interface FilteredRun {
  occupancy: Float64Array[];
  finals: Map<ExactSolver, Map<number, number>>;
}

/**
 * Every metric `analyzeExact` answers, conditioned on the observations, each in the smallest part
 * that holds what it reads and everything observed. Variable means are not given: a flow's mean
 * under conditioning needs the path, which the sampled update estimates.
 */
export function conditionedMetrics(model: Model, parts: ConditioningParts, run: FilteredRun): ConditionedMetrics {
  const finals = new Map([...run.finals].map(([solver, d]) => [solver, normalized(d)]));
  const finalOf = (solver: ExactSolver) => {
    let d = finals.get(solver);
    if (d === undefined) {
      d = finalGiven(parts.filter(solver));
      finals.set(solver, d);
    }
    return d;
  };
  const timeIn = new Float64Array(model.totalStates).fill(Number.NaN);
  let timeless = false;
  if (model.metrics.some((m) => m.expr.metricCalls.some((c) => c.fn === 'time_in'))) {
    for (const [solver, tracks] of parts.trackGroups()) {
      const given = timeInGiven(parts.filter(solver), run.occupancy, tracks);
      if (given === undefined) timeless = true;
      else for (const [slot, value] of given) timeIn[slot] = value;
    }
  }
  const firstPmf = new Map<number, Float64Array>();
  const out: ConditionedMetrics = { metrics: {}, unavailable: {} };
  const variables = model.vars.names.map(() => 'under conditioning on observations only the sampled update estimates variables');
  const base: BaseRun = {
    occupancy: run.occupancy,
    timeIn,
    variableMeans: new Float64Array(model.vars.names.length).fill(Number.NaN),
    firstPmf,
    finalOf: (tracks) => finalOf(parts.for(tracks)),
    evaluator: parts.for([]),
  };
  const ctx: MetricContext = {
    parts: { for: (tracks) => parts.for(tracks) },
    base,
    firstPmf,
    variables,
    firstPassage: (part, taboos) => taboos.map((taboo) => firstPassageGiven(parts.filter(part), taboo)),
    withFlags: (part, flags) => withFlagsGiven(parts.filter(part), flags),
  };
  for (const m of model.metrics) {
    const reads = m.expr.metricCalls.map((c) => c.track);
    const large = tooLarge(parts.filter(parts.for([...reads, ...m.expr.stateTests])), m);
    const noTime = timeless && m.expr.metricCalls.some((c) => c.fn === 'time_in');
    if (large !== undefined || noTime) {
      out.unavailable[m.name] = large ?? 'under conditioning, the joint state space is too large to give time spent in states';
      continue;
    }
    // One first passage per (track, state) read, shared by the metrics that read it, in the track's own part.
    for (const c of m.expr.metricCalls) {
      if (c.fn === 'time_in' || firstPmf.has(c.slot)) continue;
      firstPmf.set(c.slot, firstPassageGiven(parts.filter(parts.for([c.track])), [{ track: c.track, state: c.state }]));
    }
    const answer = exactMetric(model, m.expr, ctx);
    if (typeof answer === 'string') {
      out.unavailable[m.name] = answer;
      continue;
    }
    if (m.unit !== undefined) answer.unit = m.unit;
    if (m.description !== undefined) answer.description = m.description;
    out.metrics[m.name] = answer;
  }
  return out;
}
