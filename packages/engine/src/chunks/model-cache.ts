/** One compiled model at a time per thread: chunks of the same run (or sweep) compile their scenario once. */
import { contentHash } from '../hash.ts';
import { buildModel, type Model, type Overrides } from '../model/model.ts';
import type { ScenarioDocument } from '../scenario-schema.ts';
import { withParameterValues } from '../sweep.ts';
import type { ChunkTask } from './chunk-task.ts';

/** The cache key of a scenario compiled with overrides (a run task's `key`). */
export function modelKey(scenario: ScenarioDocument, overrides: Overrides): string {
  return contentHash({ scenario, overrides });
}

/**
 * The model of the latest task, and for sweeps the scenario compiled without overrides: compiling
 * costs about as much as a few hundred trials, so a sweep sets each point's values on one base model.
 * A run's key is `modelKey`; a sweep point's is its sweep's fingerprint and the point's index.
 */
export class ModelCache {
  private current: { key: string; model: Model } | undefined;
  private base: { key: string; model: Model } | undefined;

  /** The model a chunk task runs, compiled only when its key differs from the previous task's. */
  modelFor(task: ChunkTask): Model {
    if (task.kind === 'run') return this.modelOf(task.scenario, task.overrides, task.key);
    const key = `${task.sweep}:${task.point}`;
    if (this.current?.key !== key)
      this.current = { key, model: withParameterValues(this.baseModel(task.sweep, task.scenario), task.overrides) };
    return this.current.model;
  }

  /** The model of a scenario and overrides (e.g. to plan or finalize a run), cached under `key`. */
  modelOf(scenario: ScenarioDocument, overrides: Overrides, key = modelKey(scenario, overrides)): Model {
    if (this.current?.key !== key) this.current = { key, model: buildModel(scenario, overrides) };
    return this.current.model;
  }

  /** Takes a model already compiled under `key`, so the thread that planned a run need not compile it again. */
  remember(key: string, model: Model): void {
    this.current = { key, model };
  }

  private baseModel(sweep: string, scenario: ScenarioDocument): Model {
    if (this.base?.key !== sweep) this.base = { key: sweep, model: buildModel(scenario) };
    return this.base.model;
  }
}
