/**
 * The plan of a two-level run: which parameters are still uncertain, their draws from the priors
 * (a Latin hypercube or a scrambled Sobol' sequence mapped through each prior's quantile function),
 * and whether each draw is solved exactly or sampled in chunks of trials.
 */
import { type Chunk, planChunks, SWEEP_CHUNK_TRIALS } from '../chunks/plan-chunks.ts';
import { GeoriskError, issue } from '../errors.ts';
import { analyzeExact, exactMeanAtMost, representabilityProblems } from '../exact/index.ts';
import { contentHash } from '../hash.ts';
import { buildModel, type Model, type Overrides } from '../model/model.ts';
import { parameterPrior } from '../parameter-prior.ts';
import { parameterProvenance } from '../parameter-warnings.ts';
import { checkRunOptions, DEFAULT_SEED, DEFAULT_TRIAL_STEP_BUDGET, RAISE_BUDGET } from '../run.ts';
import { latinHypercube, MAX_SOBOL_DIMENSIONS, sobolPoints } from '../sampling.ts';
import type { Distribution, Provenance, ScenarioDocument } from '../scenario-schema.ts';
import { chooseMetrics } from '../sweep.ts';
import { ENGINE_VERSION } from '../version.ts';

/** Parameter draws when none are given. */
export const DEFAULT_UNCERTAINTY_DRAWS = 200;
/** Trials per sampled draw when none are given. */
export const DEFAULT_TRIALS_PER_DRAW = 1000;
/** Below this many draws, a 5–95% band is said to be rough. */
export const FEW_DRAWS = 20;
/** Most parameter draws one run may make. */
export const MAX_UNCERTAINTY_DRAWS = 100_000;
/** Most draws solved exactly in one run (each is a full exact analysis). */
export const MAX_EXACT_DRAWS = 20_000;

/** How each draw is computed: `auto` solves exactly when every reported metric has an exact answer. */
export type UncertaintyMethod = 'auto' | 'exact' | 'sample';

/** Options of a two-level run. */
export interface UncertaintyOptions {
  /** Parameter draws (outer level), at least 2. */
  draws?: number;
  design?: 'lhs' | 'sobol';
  /** Trials per draw when draws are sampled (inner level). */
  trialsPerDraw?: number;
  seed?: number;
  /** Parameters fixed at a value: they leave the band. */
  overrides?: Overrides;
  /** Metrics to report (all when left out). */
  metrics?: string[];
  method?: UncertaintyMethod;
  /** Ceiling on draws × trials per draw × steps. */
  budget?: number;
}

/** A parameter still uncertain in a run, with its prior. */
export interface UncertainParameter {
  name: string;
  distribution: Distribution;
  source: 'declared' | 'default';
  provenance?: Provenance['kind'];
}

/** Everything needed to run the draws, in plain data. */
export interface UncertaintyPlan {
  scenario: ScenarioDocument;
  seed: number;
  draws: number;
  design: 'lhs' | 'sobol';
  method: 'exact' | 'sample';
  /** Trials per draw (sampled draws only; 0 when exact). */
  trialsPerDraw: number;
  /** The fixed values: overrides, applied to every draw. */
  fixed: Overrides;
  parameters: UncertainParameter[];
  /** Each draw's point in the unit cube, row-major (`draws × parameters`), for ranking drivers. */
  unit: number[];
  /** Each draw's parameter values, in the order of `parameters`. */
  values: number[][];
  /** The chunks of one sampled draw (trial numbers relative to the draw's first trial). */
  chunks: Chunk[];
  metrics: string[];
  fingerprint: string;
  notes: string[];
}

const bad = (path: string, message: string, hint: string): never => {
  throw new GeoriskError([issue('bad_run_options', path, message, hint)]);
};

/**
 * The parameters that keep a prior once the overrides are fixed (a prior outside its range never
 * gets here: building the model refuses it).
 */
export function uncertainParameters(scenario: ScenarioDocument, overrides: Overrides): UncertainParameter[] {
  const out: UncertainParameter[] = [];
  for (const [name, parameter] of Object.entries(scenario.parameters)) {
    if (Object.hasOwn(overrides, name)) continue;
    const prior = parameterPrior(parameter);
    if (prior === undefined) continue;
    const provenance = parameterProvenance(parameter)?.kind;
    out.push({ name, distribution: prior.distribution, source: prior.source, ...(provenance === undefined ? {} : { provenance }) });
  }
  return out;
}

function checkDraws(draws: number, design: 'lhs' | 'sobol', dims: number): void {
  if (!Number.isInteger(draws) || draws < 2)
    bad('draws', `the number of parameter draws must be a whole number >= 2, got ${draws}`, 'use e.g. 200 draws');
  if (draws > MAX_UNCERTAINTY_DRAWS)
    bad('draws', `at most ${MAX_UNCERTAINTY_DRAWS} parameter draws, got ${draws}`, 'a few hundred draws settle a 5–95% band');
  if (dims === 0)
    bad(
      'draws',
      'no parameter is uncertain: none has a range or an uncertainty, or every one is fixed',
      'give parameters a range, or fix fewer',
    );
  if (design === 'sobol' && dims > MAX_SOBOL_DIMENSIONS)
    bad(
      'design',
      `a Sobol' design handles at most ${MAX_SOBOL_DIMENSIONS} uncertain parameters, this run has ${dims}`,
      'use the Latin hypercube design (lhs), or fix some parameters with overrides',
    );
}

/** Whether every chosen metric has an exact answer with its variance at the fixed values; the reason when not. */
function exactProblem(model: Model, scenario: ScenarioDocument, fixed: Overrides, metrics: string[]): string | undefined {
  const problems = representabilityProblems(model);
  if (problems.length > 0) return `the scenario is not a Markov chain (${problems[0]?.path}: ${problems[0]?.message})`;
  // Known from the expressions, without solving the chain.
  const meanAtMost = metrics.filter((m) => {
    const expr = model.metrics.find((x) => x.name === m)?.expr;
    return expr !== undefined && exactMeanAtMost(expr);
  });
  if (meanAtMost.length > 0) return `no exact distribution for ${meanAtMost.join(', ')}`;
  const exact = analyzeExact(scenario, fixed, { metrics });
  const missing = metrics.filter((m) => {
    const e = exact.metrics[m];
    return e === undefined || (e.sd === undefined && e.probability === undefined);
  });
  return missing.length === 0 ? undefined : `no exact distribution for ${missing.join(', ')}`;
}

/** Refuses more than MAX_EXACT_DRAWS draws to solve exactly (`budget_exceeded`, path `draws`): each is a full exact analysis. */
export function checkExactDraws(draws: number): void {
  if (draws > MAX_EXACT_DRAWS)
    throw new GeoriskError([
      issue(
        'budget_exceeded',
        'draws',
        `at most ${MAX_EXACT_DRAWS} draws are solved exactly, got ${draws}`,
        `use at most ${MAX_EXACT_DRAWS} draws`,
      ),
    ]);
}

/**
 * Plans a two-level run: checks the options, the priors and the budget, draws the parameters and
 * chooses exact solving or sampling.
 * @example const plan = planUncertainty(scenario, { draws: 200, design: 'lhs', seed: 1 })
 */
export function planUncertainty(scenario: ScenarioDocument, options: UncertaintyOptions): UncertaintyPlan {
  const seed = options.seed ?? DEFAULT_SEED;
  const draws = options.draws ?? DEFAULT_UNCERTAINTY_DRAWS;
  const design = options.design ?? 'lhs';
  const fixed = options.overrides ?? {};
  const model = buildModel(scenario, fixed);
  const parameters = uncertainParameters(scenario, fixed);
  checkDraws(draws, design, parameters.length);
  const metrics = chooseMetrics(model, options.metrics);
  const notes: string[] = [];
  let method: 'exact' | 'sample' = options.method === 'exact' ? 'exact' : 'sample';
  if (options.method !== 'sample') {
    const why = exactProblem(model, scenario, fixed, metrics);
    if (why === undefined) method = 'exact';
    else if (options.method === 'exact') bad('method', `the draws cannot be solved exactly: ${why}`, 'use the sampling method');
    else notes.push(`each draw is sampled, not solved exactly: ${why}`);
  }
  const trialsPerDraw = method === 'exact' ? 0 : (options.trialsPerDraw ?? DEFAULT_TRIALS_PER_DRAW);
  if (method === 'exact') checkExactDraws(draws);
  // One trial a draw has no spread of its own: its sampling noise would read as uncertainty about the world.
  if (method === 'sample' && trialsPerDraw < 2)
    bad(
      'trialsPerDraw',
      `a draw needs at least 2 trials to tell its sampling noise from the spread across assumptions, got ${trialsPerDraw}`,
      `use e.g. ${DEFAULT_TRIALS_PER_DRAW} trials per draw`,
    );
  if (draws < FEW_DRAWS)
    notes.push(
      `the 5–95% band comes from only ${draws} draws: its ends are interpolated between a few values, so read it as rough (a few hundred draws settle it)`,
    );
  if (method === 'sample') {
    const budget = options.budget ?? DEFAULT_TRIAL_STEP_BUDGET;
    // One draw's trials against the caller's budget first: the draws' hint below assumes one draw fits.
    checkRunOptions(model, { trials: trialsPerDraw, seed, budget }, 'trialsPerDraw');
    const work = draws * trialsPerDraw * model.steps;
    if (work > budget)
      throw new GeoriskError([
        issue(
          'budget_exceeded',
          'draws',
          `${draws} draws × ${trialsPerDraw} trials × ${model.steps} steps = ${work.toExponential(2)} trial-steps exceeds the budget of ${budget.toExponential(2)}`,
          `use at most ${Math.floor(budget / (trialsPerDraw * model.steps))} draws (\`draws\`) or fewer trials per draw (\`trialsPerDraw\`)${RAISE_BUDGET}`,
        ),
      ]);
  }
  const dims = parameters.length;
  const unitPoints = design === 'lhs' ? latinHypercube(draws, dims, seed) : sobolPoints(draws, dims, seed);
  const priors = parameters.map((p) => parameterPrior({ default: 0, uncertainty: p.distribution }));
  const values = Array.from({ length: draws }, (_, i) => priors.map((prior, d) => prior?.quantile(unitPoints[i * dims + d] ?? 0.5) ?? 0));
  const unit = Array.from(unitPoints);
  const fingerprint = contentHash({ engine: ENGINE_VERSION, scenario, seed, draws, design, method, trialsPerDraw, fixed, metrics });
  const chunks = method === 'exact' ? [] : planChunks(trialsPerDraw, SWEEP_CHUNK_TRIALS);
  return { scenario, seed, draws, design, method, trialsPerDraw, fixed, parameters, unit, values, chunks, metrics, fingerprint, notes };
}

/** The overrides of draw `index`: the fixed values and the draw's values of the uncertain parameters. */
export function drawOverrides(plan: UncertaintyPlan, index: number): Overrides {
  const out: Overrides = { ...plan.fixed };
  const row = plan.values[index] ?? [];
  plan.parameters.forEach((p, d) => {
    out[p.name] = row[d] ?? Number.NaN;
  });
  return out;
}
