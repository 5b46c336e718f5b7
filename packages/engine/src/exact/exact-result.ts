/** The shapes of an exact analysis's answer: per metric, per track, and the whole result. */

import type { Overrides } from '../model/model.ts';
import type { QuantileName } from '../summarize.ts';

/** An exact answer for one metric. */
export interface ExactMetric {
  mean: number;
  /** `distribution` when the whole distribution is known, `mean` when only the mean is. */
  exactness: 'distribution' | 'mean';
  sd?: number;
  /** For metrics whose values are 0 or 1. */
  probability?: number;
  quantiles?: Record<QuantileName, number>;
  distribution?: { values: number[]; probabilities: number[] };
  /** For `first(...)` metrics: the probability of never entering within the horizon. */
  censored?: number;
  unit?: string;
  description?: string;
}

/** What one track does, exactly (the same fields as a Monte Carlo run, without intervals). */
export interface ExactTrack {
  states: string[];
  final: Record<string, number>;
  ever: Record<string, number>;
  occupancy: Record<string, number[]>;
  firstPassage: Record<string, { reached: number; censored: number; cumulative: number[] }>;
}

/** The result of `analyzeExact`, shaped like a Monte Carlo result. */
export interface ExactResult {
  scenario: { id: string; title?: string; hash: string };
  engine: { version: string };
  horizon: number;
  dt: number;
  unit: 'day' | 'hour';
  overrides: Overrides;
  tracks: Record<string, ExactTrack>;
  metrics: Record<string, ExactMetric>;
  /** Metrics without an exact answer here, with the reason (Monte Carlo still estimates them). */
  unavailable: Record<string, string>;
  /** Caveats, e.g. parameters whose uncertainty is held at a fixed value. */
  notes: string[];
  /**
   * Size of the whole joint state space; of the largest closed part actually solved (tracks that
   * nothing else moves are solved apart, see `closedPart`); and the most joint states of a part
   * that had probability at once.
   */
  jointStates: { space: number; largestPart: number; largestSupport: number };
  timing: { seconds: number };
}

/** Options of `analyzeExact`. */
export interface ExactOptions {
  /** Compute ever and first passage for every (track, state), not only those metrics read (default: when the space is small). */
  everyState?: boolean;
  /**
   * Solve for these metrics only (names that are not metrics are left out): just the parts of the
   * chain holding a track or variable they read, with only the first passages they read, so
   * `metrics` and `unavailable` hold only them and `tracks` only the tracks solved. Their answers
   * are the same numbers as a whole analysis's (`exactMetricAnswers`); `everyState` is then ignored.
   */
  metrics?: readonly string[];
}
