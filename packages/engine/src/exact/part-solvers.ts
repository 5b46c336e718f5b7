/**
 * Solvers of closed parts of the chain, one per part, made when first needed, and the base run
 * assembled from them.
 */

import { defined } from '../defined.ts';
import type { EventModel, Model } from '../model/model.ts';
import { type Propagation, propagate } from './base-run.ts';
import { closedPart, type Part, variableSeeds } from './closed-part.ts';
import { ExactSolver } from './exact-solver.ts';
import type { VariableStatus } from './representability.ts';

/** The base run's answers, assembled from the parts. */
export interface BaseRun {
  occupancy: Float64Array[];
  timeIn: Float64Array;
  variableMeans: Float64Array;
  /** P(first entry at time index m) by (track, state) slot, for the slots asked for. */
  firstPmf: Map<number, Float64Array>;
  /** The final distribution of the part holding these tracks. */
  finalOf: (tracks: Iterable<number>) => Map<number, number>;
  /** A solver whose state metric expressions are evaluated in (parameters as at the horizon). */
  evaluator: ExactSolver;
}

/**
 * Solvers of closed parts of the chain, one per part, made when first needed. Each question is
 * answered in the smallest part that holds it: a track's occupancy and first passages in its own
 * part, a variable's mean in the part of what changes it, a metric in the part of the tracks it reads.
 */
export class PartSolvers {
  private readonly made = new Map<string, ExactSolver>();
  /** The part of each variable whose mean is exact. */
  private readonly variableParts: (Part | undefined)[];
  /** Size of the whole joint space (track states × condition-event flags). */
  readonly fullSize: number;

  constructor(
    private readonly model: Model,
    variables: VariableStatus,
  ) {
    this.variableParts = model.vars.names.map((_, v) => {
      if (variables[v] !== undefined) return undefined;
      const seeds = variableSeeds(model, v);
      return closedPart(model, seeds.tracks, seeds.events);
    });
    const conditional = model.events.filter((e) => e.atStep === undefined).length;
    this.fullSize = model.tracks.reduce((n, t) => n * t.states.length, 1) * 2 ** conditional;
  }

  /** The solver of the smallest closed part holding these tracks (and condition events). */
  for(tracks: Iterable<number>, events: Iterable<EventModel> = []): ExactSolver {
    return this.solverOf(closedPart(this.model, tracks, events));
  }

  private solverOf(part: Part): ExactSolver {
    const key = `${part.tracks.map((t) => t.index).join(',')}|${part.events.map((e) => e.path).join(',')}`;
    let solver = this.made.get(key);
    if (solver === undefined) {
      solver = new ExactSolver(this.model, part, this.variableParts);
      this.made.set(key, solver);
    }
    return solver;
  }

  /** The joint space of the largest part solved. */
  get largestPart(): number {
    return Math.max(0, ...[...this.made.values()].map((s) => s.space.size));
  }

  /** The most joint states with probability at once, in any part solved. */
  get largestSupport(): number {
    return Math.max(0, ...[...this.made.values()].map((s) => s.largestSupport));
  }

  /**
   * Occupancy and time spent in every (track, state), and the exact variable means, each from its
   * own part. With `only`, just those tracks and variables are solved (the others' entries are
   * left empty): a part's answers do not depend on which other parts run, so they are the same numbers.
   */
  baseRun(firstPassageOf: (slot: number) => boolean, only?: { tracks: Set<number>; vars: Set<number> }): BaseRun {
    const { model } = this;
    const tracks = only === undefined ? model.tracks : model.tracks.filter((t) => only.tracks.has(t.index));
    // Each track's first passages ride along with the base run of its own part.
    const taboos = new Map<ExactSolver, { track: number; state: number; slot: number }[]>();
    for (const t of tracks) {
      const solver = this.for([t.index]);
      const list = taboos.get(solver) ?? [];
      t.states.forEach((_, state) => {
        const slot = t.stateOffset + state;
        if (firstPassageOf(slot)) list.push({ track: t.index, state, slot });
      });
      taboos.set(solver, list);
    }
    const runs = new Map<ExactSolver, Propagation>();
    const firstPmf = new Map<number, Float64Array>();
    const run = (solver: ExactSolver) => {
      let done = runs.get(solver);
      if (done === undefined) {
        const mine = taboos.get(solver) ?? [];
        const result = propagate(
          solver,
          mine.map((x) => [x]),
        );
        mine.forEach((x, i) => firstPmf.set(x.slot, defined(result.firstPmf[i], 'a first-passage pmf per taboo')));
        runs.set(solver, result);
        done = result;
      }
      return done;
    };
    const occupancy: Float64Array[] = [];
    const timeIn = new Float64Array(model.totalStates);
    for (const t of tracks) {
      const own = run(this.for([t.index]));
      for (let s = 0; s < t.states.length; s++) {
        const slot = t.stateOffset + s;
        occupancy[slot] = defined(own.occupancy[slot], 'an occupancy for each track state');
        timeIn[slot] = own.timeIn[slot]!;
      }
    }
    const variableMeans = new Float64Array(model.vars.names.length).fill(Number.NaN);
    this.variableParts.forEach((part, v) => {
      if (part !== undefined && (only === undefined || only.vars.has(v))) variableMeans[v] = run(this.solverOf(part)).variableMeans[v]!;
    });
    const evaluator = this.for([]);
    run(evaluator);
    return { occupancy, timeIn, variableMeans, firstPmf, finalOf: (tracks) => run(this.for(tracks)).final, evaluator };
  }
}
