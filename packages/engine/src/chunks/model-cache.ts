/** One compiled model at a time per thread: chunks of the same run (or sweep) compile their scenario once. */
import { contentHash } from '../hash.ts';
import { buildModel, type Model, type Overrides } from '../model.ts';
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
 */
export class ModelCache {
  private current: { key: string; model: Model } | undefined;
  private base: { key: string; model: Model } | undefined;

  /** The model a chunk task runs, compiled only when its key differs from the previous task's. */
  modelFor(task: ChunkTask): Model {
    const key = task.kind === 'run' ? task.key : `${task.sweep}:${task.point}`;
    if (this.current?.key === key) return this.current.model;
    const model =
      task.kind === 'run'
        ? buildModel(task.scenario, task.overrides)
        : withParameterValues(this.baseModel(task.sweep, task.scenario), task.overrides);
    this.current = { key, model };
    return model;
  }

  /** The model of a scenario and overrides (e.g. to plan or finalize a run), cached under `modelKey`. */
  modelOf(scenario: ScenarioDocument, overrides: Overrides, key = modelKey(scenario, overrides)): Model {
    return this.modelFor({ kind: 'run', scenario, key, overrides, seed: 0, chunk: { firstTrial: 0, trials: 0 } });
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
