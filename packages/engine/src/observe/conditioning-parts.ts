/**
 * The closed parts of the chain that exact conditioning filters, one solver per part. Every part
 * holds what the observations read (the observed part), so each filter sees every observation; a
 * track's conditioned answers come from the smallest such part that holds it. The whole joint
 * chain is never built unless one question needs all of it: in the 2022 scenario the alliance's
 * questions and the pipelines' are filtered apart, each beside the observed conflict and mediation.
 */
import { closedPart, type Part } from '../exact/closed-part.ts';
import type { ExactSolver } from '../exact/exact-solver.ts';
import { PartSolvers } from '../exact/part-solvers.ts';
import type { Model } from '../model/model.ts';
import type { CheckedObservation, Observations } from './read-observations.ts';

/** What one conditioned propagation needs: a part's solver, the observations and their likelihood in each of its joint states. */
export interface Filter {
  model: Model;
  solver: ExactSolver;
  observed: Observations;
  likelihoods: Float64Array[];
}

/** Solvers and filters of the parts that exact conditioning needs, made when first asked for. */
export class ConditioningParts {
  private readonly solvers: PartSolvers;
  private readonly observedPart: Part;
  private readonly filters = new Map<ExactSolver, Filter>();

  constructor(
    private readonly model: Model,
    private readonly observed: Observations,
  ) {
    // Variable means are not given under conditioning, so no part is made for a variable.
    this.solvers = new PartSolvers(
      model,
      model.vars.names.map(() => 'not conditioned'),
    );
    const tracks: number[] = [];
    const events: Model['events'] = [];
    for (const o of observed.list) {
      if (o.kind === 'track') tracks.push(o.track);
      else if (o.kind === 'event') events.push(model.events[o.event]!);
    }
    this.observedPart = closedPart(model, tracks, events);
  }

  /** The solver of the smallest closed part holding these tracks and everything the observations read. */
  for(tracks: Iterable<number>): ExactSolver {
    return this.solvers.for([...tracks, ...this.observedPart.tracks.map((t) => t.index)], this.observedPart.events);
  }

  /** The model's tracks grouped by the part that answers them: the smallest holding each and the observed part. */
  trackGroups(): Map<ExactSolver, Model['tracks']> {
    const groups = new Map<ExactSolver, Model['tracks']>();
    for (const t of this.model.tracks) {
      const solver = this.for([t.index]);
      groups.set(solver, [...(groups.get(solver) ?? []), t]);
    }
    return groups;
  }

  /** The whole joint space, and the largest part filtered so far. */
  get jointStates(): { space: number; largestPart: number } {
    return { space: this.solvers.fullSize, largestPart: this.solvers.largestPart };
  }

  /** The filter of a part: its solver with each observation's likelihood in each of its joint states. */
  filter(solver: ExactSolver): Filter {
    let f = this.filters.get(solver);
    if (f === undefined) {
      const likelihoods = this.observed.list.map((o) => likelihoodOf(this.model, solver.joint, o));
      f = { model: this.model, solver, observed: this.observed, likelihoods };
      this.filters.set(solver, f);
    }
    return f;
  }
}

/**
 * The model slots of some tracks' states, and for each track the local index (into those slots) of
 * its state in every joint state of the part: what a block with one distribution per slot is keyed by.
 */
export function partSlots(solver: ExactSolver, tracks: Model['tracks']): { slots: number[]; slotsOf: Int32Array[] } {
  const { joint } = solver;
  const slots = tracks.flatMap((t) => t.states.map((_, s) => t.stateOffset + s));
  const localOf = new Map(slots.map((slot, local) => [slot, local]));
  return { slots, slotsOf: tracks.map((t) => joint.marks(() => localOf.get(t.stateOffset + joint.s.k[t.index]!)!)) };
}

/** The likelihood of one observation in each joint state of a part (0 or 1 for track and event observations). */
function likelihoodOf(model: Model, joint: ExactSolver['joint'], o: CheckedObservation): Float64Array {
  if (o.kind === 'track') return Float64Array.from(joint.marks(() => (o.states.has(joint.s.k[o.track]!) ? 1 : 0)));
  if (o.kind === 'event') {
    const e = model.events[o.event]!;
    if (e.atStep !== undefined) {
      // A timed event fires in every trial at its time: the observation holds everywhere or nowhere.
      const holds = e.atStep <= o.step === o.happened ? 1 : 0;
      return new Float64Array(joint.space.size).fill(holds);
    }
    const bit = joint.space.conditional.indexOf(e);
    if (bit < 0) throw new Error(`internal: the event of ${o.name} is not in the part filtered`);
    const out = new Float64Array(joint.space.size);
    for (let i = 0; i < out.length; i++) out[i] = ((joint.decode(i) >> bit) & 1) === (o.happened ? 1 : 0) ? 1 : 0;
    return out;
  }
  throw new Error('internal: variable observations are not exact');
}
