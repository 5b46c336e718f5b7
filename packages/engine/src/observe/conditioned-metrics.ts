/**
 * The scenario's metrics under exact conditioning: the same answers `analyzeExact` gives (final
 * states, ever flags, first passages, time spent in states), computed from forward propagations in
 * which every observation weighs all the distributions of the block at its time.
 */
import { type Block, MAX_BLOCK_ENTRIES } from '../exact/block.ts';
import { exactMetric, type MetricContext } from '../exact/exact-metric.ts';
import type { ExactMetric } from '../exact/exact-result.ts';
import type { ExactSolver } from '../exact/exact-solver.ts';
import type { Taboo } from '../exact/joint-state.ts';
import type { BaseRun } from '../exact/part-solvers.ts';
import type { Model } from '../model/model.ts';
import type { Observations } from './read-observations.ts';

/** Each metric's exact answer under the observations, or why it has none. */
export interface ConditionedMetrics {
  metrics: Record<string, ExactMetric>;
  unavailable: Record<string, string>;
}

/** What one conditioned propagation needs: the solver of the whole chain, the observations and their likelihood in each joint state. */
interface Filter {
  model: Model;
  solver: ExactSolver;
  observed: Observations;
  likelihoods: Float64Array[];
}

/**
 * Propagates a block of `k` distributions (the initial state in the first) to the horizon; at each
 * observation's time every distribution is multiplied by its likelihood, and the block is rescaled
 * by its total mass (which only keeps the numbers in range: every answer is a ratio). `record`
 * runs at each time index after the observations there.
 */
function filtered(f: Filter, k: number, record: (cur: Block, m: number) => void): Block {
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
  for (let m = 0; m < f.model.steps; m++) {
    solver.advance(pair, m, undefined);
    observe(m + 1);
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
 * The conditioned final distribution and expected time in each (track, state): beside the base
 * distribution, one per slot accumulates p · dt while in it (an expectation that the
 * observations weigh like the probabilities). Time in states is left out when the block is too large.
 */
function finalAndTimeIn(f: Filter): { final: Map<number, number>; timeIn: Float64Array | undefined } {
  const { model, solver } = f;
  const slots = model.totalStates;
  const withTime = (1 + slots) * solver.space.size <= MAX_BLOCK_ENTRIES;
  const k = withTime ? 1 + slots : 1;
  const slotsOf = model.tracks.map((t) => solver.joint.marks(() => t.stateOffset + solver.joint.s.k[t.index]!));
  const end = filtered(f, k, (cur, m) => {
    if (!withTime || m >= model.steps) return;
    for (let a = 0; a < cur.count; a++) {
      const at = cur.support[a]! * k;
      const p = cur.p[at]!;
      for (const slotOf of slotsOf) cur.p[at + 1 + slotOf[cur.support[a]!]!]! += p * model.dt;
    }
  });
  const mass = columnTotal(end, 0);
  const final = new Map([...end.distribution(0)].map(([i, p]) => [i, p / mass]));
  return { final, timeIn: withTime ? Float64Array.from({ length: slots }, (_, s) => columnTotal(end, 1 + s) / mass) : undefined };
}

/**
 * P(first entry into the taboo at time index m | every observation): mass entering up to the last
 * observation moves to a distribution of its own entry time (later observations still weigh it);
 * mass entering afterwards is recorded and removed, as in `firstPassage`.
 */
function firstPassageGiven(f: Filter, taboo: Taboo): Float64Array {
  const { model, solver } = f;
  const last = f.observed.list.reduce((m, o) => Math.max(m, o.step), 0);
  const k = last + 2;
  const pmf = new Float64Array(model.steps + 1);
  const inside = solver.joint.marks(() => (solver.joint.inside(taboo) ? 1 : 0));
  const end = filtered(f, k, (cur, m) => {
    for (let a = 0; a < cur.count; a++) {
      const i = cur.support[a]!;
      const q = cur.p[i * k]!;
      if (inside[i] === 0 || q === 0) continue;
      if (m <= last) cur.p[i * k + 1 + m]! += q;
      else pmf[m]! += q;
      cur.p[i * k] = 0;
    }
  });
  for (let m = 0; m <= last; m++) pmf[m] = columnTotal(end, 1 + m);
  let total = columnTotal(end, 0);
  for (const p of pmf) total += p;
  return pmf.map((p) => p / total);
}

/** The conditioned final distribution with "has visited" flags, by flag bits (see `propagateWithFlags`). */
function withFlagsGiven(f: Filter, flags: { track: number; state: number }[]): Map<number, Map<number, number>> {
  const { joint } = f.solver;
  const k = 1 << flags.length;
  const flagsOf = joint.marks(() => flags.reduce((bits, fl, i) => (joint.s.k[fl.track] === fl.state ? bits | (1 << i) : bits), 0));
  const end = filtered(f, k, (cur) => {
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
  });
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
  const last = f.observed.list.reduce((m, o) => Math.max(m, o.step), 0);
  const width = Math.max(last + 2, 1 << Math.min(6, new Set(calls.map((c) => c.slot)).size));
  if (width * f.solver.space.size <= MAX_BLOCK_ENTRIES) return undefined;
  return `under conditioning, its ever/first-passage propagation (${width} distributions over ${f.solver.space.size} joint states) is too large`;
}

/**
 * Every metric `analyzeExact` answers, conditioned on the observations. Variable means are not
 * given: a flow's mean under conditioning needs the path, which the sampled update estimates.
 */
export function conditionedMetrics(
  model: Model,
  solver: ExactSolver,
  observed: Observations,
  likelihoods: Float64Array[],
): ConditionedMetrics {
  const f: Filter = { model, solver, observed, likelihoods };
  const { final, timeIn } = finalAndTimeIn(f);
  const firstPmf = new Map<number, Float64Array>();
  const out: ConditionedMetrics = { metrics: {}, unavailable: {} };
  const variables = model.vars.names.map(() => 'under conditioning on observations only the sampled update estimates variables');
  const base: BaseRun = {
    occupancy: [],
    timeIn: timeIn ?? new Float64Array(model.totalStates).fill(Number.NaN),
    variableMeans: new Float64Array(model.vars.names.length).fill(Number.NaN),
    firstPmf,
    finalOf: () => final,
    evaluator: solver,
  };
  const ctx: MetricContext = {
    parts: { for: () => solver },
    base,
    firstPmf,
    variables,
    firstPassage: (_part, taboos) => taboos.map((taboo) => firstPassageGiven(f, taboo)),
    withFlags: (_part, flags) => withFlagsGiven(f, flags),
  };
  for (const m of model.metrics) {
    const large = tooLarge(f, m);
    const timeless = timeIn === undefined && m.expr.metricCalls.some((c) => c.fn === 'time_in');
    if (large !== undefined || timeless) {
      out.unavailable[m.name] = large ?? 'under conditioning, the joint state space is too large to give time spent in states';
      continue;
    }
    for (const c of m.expr.metricCalls) {
      if (c.fn !== 'first' || firstPmf.has(c.slot)) continue;
      firstPmf.set(c.slot, firstPassageGiven(f, [{ track: c.track, state: c.state }]));
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
