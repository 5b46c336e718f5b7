/**
 * A worker's sensitivity analysis of the panel's values. An exact tornado keeps its answers between
 * requests (`ExactPoints`), so a panel following its sliders solves again only the metric's points
 * whose read parameters moved; other analyses run as `sensitivity` does.
 */
import {
  analyseSensitivity,
  ExactPoints,
  exactPlanOutputs,
  planModel,
  planSensitivity,
  type ScenarioDocument,
  type SensitivityOptions,
  type SensitivityResult,
  sensitivity,
} from '@georisk/engine';
import type { WorkerRequest } from './protocol.ts';

type SensitivityRequest = Extract<WorkerRequest, { type: 'sensitivity' }>;

/** The kept answers: for one scenario structure (its text without parameter defaults) and metric. */
let kept: { key: string; points: ExactPoints } | undefined;

/** The scenario with each parameter's default set to the panel's value (the analysis varies around what the panel shows). */
function atPanelValues(req: SensitivityRequest): ScenarioDocument {
  const scenario: ScenarioDocument = structuredClone(req.scenario);
  for (const [name, value] of Object.entries(req.overrides)) {
    const p = scenario.parameters[name];
    if (p) p.default = value;
  }
  return scenario;
}

/** What stays the same while only sliders move: the document without its parameter defaults, and the metric. */
function structureKey(scenario: ScenarioDocument, metric: string): string {
  const parameters = Object.fromEntries(Object.entries(scenario.parameters).map(([name, { default: _, ...rest }]) => [name, rest]));
  return JSON.stringify([metric, { ...scenario, parameters }]);
}

/** Runs the request's analysis; `solved` counts the exact metric solves it needed (undefined for Monte Carlo). */
export function runSensitivityRequest(
  req: SensitivityRequest,
  onPoint: (done: number, total: number) => void,
): { result: SensitivityResult; solved?: number } {
  const scenario = atPanelValues(req);
  const options: SensitivityOptions = {
    method: req.method,
    metrics: [req.metric],
    trials: req.trials,
    seed: req.seed,
    ...(req.method === 'sobol' ? { samples: req.samples } : {}),
  };
  const plan = planSensitivity(scenario, options);
  if (req.method !== 'tornado' || plan.solver.solver !== 'exact') return { result: sensitivity(scenario, options, onPoint) };
  const key = structureKey(scenario, req.metric);
  if (kept?.key !== key) kept = { key, points: new ExactPoints(planModel(plan.sweep), plan.sweep.metrics) };
  const before = kept.points.solves;
  const exact = exactPlanOutputs(plan.sweep, kept.points);
  const total = plan.sweep.points.length;
  const outputs = plan.sweep.points.map((_, i) => {
    const p = exact.at(i);
    onPoint(i + 1, total);
    return p.means;
  });
  return { result: analyseSensitivity(plan, outputs), solved: kept.points.solves - before };
}
