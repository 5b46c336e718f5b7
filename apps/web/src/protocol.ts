/** Messages between the page and the engine workers (plain data only: it crosses postMessage). */
import type {
  ExactResult,
  Issue,
  Overrides,
  RunResult,
  RunSummary,
  ScenarioDocument,
  SensitivityMethod,
  SensitivityResult,
  UncertaintyMethod,
  UncertaintyPlan,
  UncertaintyResult,
  UpdateAnswer,
} from '@georisk/engine';
import type { ExactTask, PairedChunkTask, SweepPointChunkTask } from '@georisk/engine/chunks';
import type { PairedSummary } from '@georisk/engine/paired/accumulator';
import type { RoundHistogram } from './round-histogram.ts';

/** A two-level run the page asks for: parameter draws from the priors, the panel's values fixed. */
export interface BandRequest {
  scenario: ScenarioDocument;
  overrides: Overrides;
  seed: number;
  draws: number;
  trialsPerDraw: number;
  /** Solve draws exactly or sample them (`auto`, the default, solves a Markov chain exactly). */
  method?: UncertaintyMethod;
}

/** What the library lists for a scenario, with the scenario itself (modules expanded). */
export interface LibraryItem {
  id: string;
  file: string;
  title: string;
  question: string;
  tags: string[];
  scenario: ScenarioDocument;
  /** Why the exact preview is not available (empty when it is). */
  notExact: string[];
  /** The YAML as written (the editor starts from it). */
  text: string;
  /** The module each parameter came from (the loader's `parameterModules`; the scenario's own are absent). */
  parameterModules: Record<string, string>;
}

/** What validating an edited document found: problems with line and column, and the scenario when it is valid. */
export interface Validation {
  issues: Issue[];
  item?: LibraryItem;
  /** The name the text was checked under: an issue with another `file` is inside an included module. */
  file?: string;
}

/** A chunk of a run's trials (the engine's run chunk task, flat), as the page's scheduler hands it to a worker. */
export interface ChunkRequest {
  type: 'chunk';
  scenario: ScenarioDocument;
  overrides: Overrides;
  /** The model cache key the plan reply gave (computed again when left out). */
  key?: string;
  seed: number;
  firstTrial: number;
  trials: number;
}

/** The sensitivity methods the web app renders (a subset of the engine's `SENSITIVITY_METHODS`). */
export type WebSensitivityMethod = Extract<SensitivityMethod, 'tornado' | 'sobol'>;

export type WorkerRequest =
  | { type: 'library'; id: number }
  | { type: 'exact'; id: number; scenario: ScenarioDocument; overrides: Overrides }
  | { type: 'validate'; id: number; text: string; from?: string }
  | {
      type: 'sensitivity';
      id: number;
      scenario: ScenarioDocument;
      overrides: Overrides;
      method: WebSensitivityMethod;
      metric: string;
      trials: number;
      samples: number;
      seed: number;
    }
  | ({ type: 'band-plan'; id: number } & BandRequest)
  | { type: 'band-task'; id: number; task: SweepPointChunkTask | ExactTask }
  | { type: 'band-finish'; id: number; plan: UncertaintyPlan; outcomes: (RunSummary | ExactResult)[] }
  | { type: 'observe-examples'; id: number; file: string }
  | { type: 'observe-check'; id: number; scenario: ScenarioDocument; overrides: Overrides; text: string }
  | { type: 'update'; id: number; scenario: ScenarioDocument; overrides: Overrides; text: string; trials: number; seed: number }
  | { type: 'plan'; id: number; scenario: ScenarioDocument; overrides: Overrides; seed: number; trials: number }
  | (ChunkRequest & { id: number })
  | { type: 'paired-chunk'; id: number; task: PairedChunkTask }
  | {
      type: 'finalize';
      id: number;
      scenario: ScenarioDocument;
      overrides: Overrides;
      /** The plan's model key (computed again when left out). */
      key?: string;
      seed: number;
      parts: RunSummary[];
      seconds: number;
      workers: number;
    };

export type WorkerReply =
  | { type: 'library'; id: number; items: LibraryItem[]; skipped: { file: string; why: string }[] }
  | { type: 'exact'; id: number; result: ExactResult; ms: number }
  | { type: 'validate'; id: number; validation: Validation }
  | { type: 'plan'; id: number; steps: number; warnings: Issue[]; key: string }
  | { type: 'progress'; id: number; done: number; total?: number }
  /** `solved`: exact metric solves this analysis needed (answers kept from earlier ones are not counted). */
  | { type: 'sensitivity'; id: number; result: SensitivityResult; solved?: number }
  | { type: 'chunk'; id: number; summary: RunSummary }
  | { type: 'paired-chunk'; id: number; summary: PairedSummary }
  | { type: 'band-plan'; id: number; plan: UncertaintyPlan; tasks: (SweepPointChunkTask | ExactTask)[] }
  | { type: 'band-task'; id: number; summary: RunSummary | ExactResult }
  | { type: 'band-finish'; id: number; result: UncertaintyResult }
  | { type: 'observe-examples'; id: number; examples: { file: string; text: string; title?: string }[] }
  | { type: 'observe-check'; id: number; issues: Issue[]; value: unknown }
  | { type: 'update'; id: number; answer: UpdateAnswer }
  /** `bins`: each metric's histogram at round numbers, for the page (the result keeps the engine's). */
  | { type: 'finalize'; id: number; result: RunResult; bins: Record<string, RoundHistogram> }
  | { type: 'error'; id: number; issues: Issue[]; message: string };
