/** The tasks every runtime hands to a lane, and their outcomes: plain data, so they cross threads, workers and queues. */
import type { Issue } from '../errors.ts';
import type { ExactResult } from '../exact/index.ts';
import type { Overrides } from '../model/model.ts';
import type { ScenarioDocument } from '../scenario-schema.ts';
import type { RunSummary } from '../simulate/simulate.ts';
import type { Chunk } from './plan-chunks.ts';

/** A chunk of trials of one run: the scenario compiled with its overrides. */
export interface RunChunkTask {
  kind: 'run';
  scenario: ScenarioDocument;
  /** The model cache's key for (scenario, overrides): `modelKey`, computed once per run. */
  key: string;
  overrides: Overrides;
  seed: number;
  chunk: Chunk;
  /** Turn quiet-step skipping off (see `SimulateOptions.stepOnly`). */
  stepOnly?: boolean;
}

/** A chunk of trials at one point of a sweep: the scenario compiled once per sweep, the point's values set on it. */
export interface SweepPointChunkTask {
  kind: 'sweep-point';
  scenario: ScenarioDocument;
  /** The sweep plan's fingerprint: the model cache's key for the scenario compiled without overrides. */
  sweep: string;
  point: number;
  /** The point's parameter values. */
  overrides: Overrides;
  seed: number;
  chunk: Chunk;
}

/** An exact analysis of a scenario with overrides (one task, not chunked). */
export interface ExactTask {
  kind: 'exact';
  scenario: ScenarioDocument;
  overrides: Overrides;
  /** `false`: skip every state's series (`ExactOptions.everyState`), as a sensitivity point needs only its metrics. */
  everyState?: false;
  /** Solve for these metrics only (`ExactOptions.metrics`), as a draw of a two-level run needs. */
  metrics?: readonly string[];
}

/** A task that yields a mergeable summary of some trials. */
export type ChunkTask = RunChunkTask | SweepPointChunkTask;

/** Anything a lane or a worker thread runs. */
export type EngineTask = ChunkTask | ExactTask;

/**
 * A chunk's outcome. A `GeoriskError` does not survive the trip back from a worker (only its
 * message would), so its issues come back as data and the receiving side throws them again.
 */
export type ChunkOutcome<S = RunSummary> = { summary: S } | { issues: Issue[] };

/** An exact analysis's outcome, with issues as data as for chunks. */
export type ExactOutcome = { exact: ExactResult } | { issues: Issue[] };
