/** Turns sweep and sensitivity requests into job work: plans them on a document thread and checks their cost. */
import {
  exactPlanOutputs,
  GeoriskError,
  type Issue,
  type LoadedScenario,
  type QuantileName,
  type ScenarioDocument,
  type SensitivityPlan,
  type SensitivityResult,
  type SweepPlan,
  screenOnly,
  summaryOutputs,
  withScreening,
} from '@georisk/engine';
import type { AnalyseTask, PlanOutcome, PlanTask } from '@georisk/node';
import { ApiError } from './errors.ts';
import { type JobWork, sweepWork } from './jobs.ts';
import { parseBody } from './request-helpers.ts';
import { locateIssues, type ScenarioCatalog, type ScenarioSource } from './scenario-catalog.ts';
import { type SensitivityRequest, SensitivityRequestSchema, type SweepRequest, SweepRequestSchema } from './schemas.ts';

/** Plans jobs within the per-request trial budget and the per-job sweep budget. */
export class JobPlanner {
  constructor(
    private readonly scenarios: ScenarioCatalog,
    /** Ceiling on trials × steps for one point. */
    private readonly budget: number,
    /** Ceiling on points × trials × steps for one job. */
    private readonly sweepBudget: number,
    /** Ceiling on the numbers one point's summary holds (states × steps × series). */
    private readonly maxResultValues: number,
  ) {}

  /** A sweep job: each point's row as `georisk sweep` writes it, planned on a document thread. */
  async sweep(body: SweepRequest): Promise<JobWork> {
    const planned = await this.plan(body, {
      kind: 'sweep',
      options: {
        design: body.design,
        trials: body.trials,
        seed: body.seed,
        budget: this.budget,
        ...(body.metrics ? { metrics: body.metrics } : {}),
        ...(body.quantiles ? { quantiles: body.quantiles as QuantileName[] } : {}),
      },
    });
    if (!('sweep' in planned)) throw new Error('internal: a sweep was planned as another kind');
    return sweepWork(this.checkCost(planned.sweep), planned.facts);
  }

  /**
   * A sensitivity job, planned on a document thread: its points are a sweep; each point keeps its
   * metric values and their standard errors, analysed at the end. With the exact solver a point runs
   * one token trial (for progress and resuming) and its row is the exact answer.
   */
  async sensitivity(body: SensitivityRequest): Promise<JobWork> {
    const planned = await this.plan(body, {
      kind: 'sensitivity',
      options: {
        method: body.method,
        trials: body.trials,
        seed: body.seed,
        resamples: body.resamples,
        budget: this.budget,
        sampling: body.sampling,
        replicates: body.replicates,
        solver: body.solver,
        ...(body.vary ? { vary: body.vary } : {}),
        ...(body.metrics ? { metrics: body.metrics } : {}),
        ...(body.samples !== undefined ? { samples: body.samples } : {}),
        ...(body.percentiles ? { percentiles: body.percentiles } : {}),
        ...(body.groups ? { groups: body.groups } : {}),
      },
    });
    if (!('sensitivity' in planned)) throw new Error('internal: a sensitivity job was planned as another kind');
    return this.sensitivityStage(planned.sensitivity, this.scenarios.fromRequest(body));
  }

  /** The job a stored request describes (when resuming one after a restart); its document is parsed off the event loop. */
  async stored(kind: string, request: unknown): Promise<JobWork> {
    if (kind === 'sensitivity') {
      const body = parseBody(SensitivityRequestSchema, request);
      await this.scenarios.prepare(body);
      return this.sensitivity(body);
    }
    const body = parseBody(SweepRequestSchema, request);
    await this.scenarios.prepare(body);
    return this.sweep(body);
  }

  /** Plans a job on a document thread; its issues are placed in the scenario (a document's off the loop, by the route). */
  private async plan(body: ScenarioSource, job: PlanTask['job']): Promise<Exclude<PlanOutcome, { issues: Issue[] }>> {
    const loaded = this.scenarios.fromRequest(body);
    const outcome = await this.scenarios.documents.plan({ scenario: loaded.scenario, job, maxResultValues: this.maxResultValues });
    if ('issues' in outcome) throw locateIssues(loaded, new GeoriskError(outcome.issues));
    return outcome;
  }

  /**
   * One stage of a sensitivity job. A Morris screen before Sobol' (more parameters than one design
   * holds) is followed by the Sobol' stage over its leaders, planned from the screen's rows as
   * `georisk sensitivity` does, so both give the same numbers for the same seed.
   */
  private sensitivityStage(plan: SensitivityPlan, loaded: LoadedScenario): JobWork {
    const exact = plan.solver.solver === 'exact';
    const sweepPlan = this.checkCost(exact ? { ...plan.sweep, trials: 1, chunks: [{ firstTrial: 0, trials: 1 }] } : plan.sweep);
    const metrics = sweepPlan.metrics;
    type Rows = Map<number, (number | null)[]>;
    // The analysis (405 ms for a 64-trajectory Morris screen of the 2022 scenario) runs on a document thread.
    const analyse = async (rows: Rows, signal: AbortSignal | undefined, continueOn?: ScenarioDocument) => {
      const points = sweepPlan.points.map((_, i) => (rows.get(i) ?? []).map((x) => x ?? Number.NaN));
      const task: AnalyseTask = {
        plan,
        outputs: points.map((r) => r.slice(0, metrics.length)),
        ses: points.map((r) => r.slice(metrics.length)),
        ...(continueOn === undefined ? {} : { continueOn }),
      };
      const outcome = await this.scenarios.documents.analyse(task, signal);
      if ('issues' in outcome) throw locateIssues(loaded, new GeoriskError(outcome.issues));
      return outcome;
    };
    let screened: SensitivityResult | undefined;
    // The queue's rows of an exact stage: the library's path, answers kept across the stage's points.
    let exactPoints: ReturnType<typeof exactPlanOutputs> | undefined;
    return {
      plan: sweepPlan,
      columns: [...metrics.map((m) => `${m}.mean`), ...metrics.map((m) => `${m}.se`)],
      row: (index, summary) => {
        const p = exact ? (exactPoints ??= exactPlanOutputs(plan.sweep)).at(index) : summaryOutputs(sweepPlan, summary);
        return [...p.means, ...p.ses];
      },
      ...(exact ? { exactRow: (means: number[]) => [...means, ...means.map(() => 0)] } : {}),
      finish: async (rows, signal) => {
        if (plan.screenFor === undefined) return (await analyse(rows, signal)).result;
        // `next` analysed these rows already and found no leader to follow up.
        return screenOnly(screened ?? (await analyse(rows, signal)).result);
      },
      ...(plan.screenFor === undefined
        ? {}
        : {
            next: async (rows: Rows, signal?: AbortSignal) => {
              const { result: screen, next: sobol } = await analyse(rows, signal, loaded.scenario);
              screened = screen;
              if (sobol === undefined) return undefined;
              const stage = this.sensitivityStage(sobol, loaded);
              const finishSobol = stage.finish;
              return {
                ...stage,
                finish: async (own: Rows, s?: AbortSignal) => withScreening(screen, (await finishSobol?.(own, s)) as SensitivityResult),
              };
            },
          }),
    };
  }

  /** `plan`, or 400 `budget_exceeded` when its points × trials × steps pass the sweep budget (arithmetic: cheap here). */
  private checkCost(plan: SweepPlan): SweepPlan {
    const steps = Math.round(plan.scenario.time.horizon / plan.scenario.time.dt);
    const cost = plan.points.length * plan.trials * steps;
    if (cost > this.sweepBudget) {
      throw new ApiError(
        400,
        'budget_exceeded',
        `${plan.points.length} points × ${plan.trials} trials × ${steps} steps = ${cost.toExponential(2)} trial-steps exceeds the sweep budget of ${this.sweepBudget.toExponential(2)}`,
        'trials',
      );
    }
    return plan;
  }
}
