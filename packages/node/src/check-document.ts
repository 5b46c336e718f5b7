/**
 * Checking a scenario document off the event loop: parse, expand includes, validate and build the
 * model on a worker thread, and hand back plain data (what the document defines, or its issues).
 */
import {
  buildModel,
  checkResultSize,
  checkRunOptions,
  GeoriskError,
  type Issue,
  type LoadedScenario,
  loadScenarioText,
  type ModuleResolver,
  type Overrides,
  parameterWarnings,
  type ScenarioDocument,
  scenarioHash,
} from '@georisk/engine';
import { modelKey } from '@georisk/engine/chunks';
import { confinedResolver } from './confined-resolver.ts';
import { pack } from './packed-run.ts';

/** A document to check (or, with `locate`, issues to place in it), `include` confined to `root`. */
export interface DocumentTask {
  text: string;
  /** The only folder `include` may read from. */
  root: string;
  /** Return the expanded scenario too (the simulation routes need it; validation does not). */
  withScenario?: boolean;
  /** Return it packed (`scenarioPacked`) instead, for a run whose chunks and result stay off the event loop. */
  packed?: boolean;
  /** Build the model with these overrides, so that their issues come with the document's. */
  overrides?: Overrides;
  /** Check these run options too, and return what running the document takes (`CheckedDocument.run`). */
  run?: { trials: number; seed: number; budget: number; maxResultValues?: number };
  /** Refuse a model whose result would hold more numbers than this (`result_too_large`; an exact analysis's check). */
  maxResultValues?: number;
  /** Instead of checking, add line and column to these issues about the (valid) document. */
  locate?: Issue[];
  /** Warn as `georisk validate` does: the model's warnings, then each parameter's (`parameterWarnings`). */
  validate?: boolean;
}

/** What a valid document defines: plain data, cheap to send back to the event loop. */
export interface CheckedDocument {
  id: string;
  title: string | null;
  question: string | null;
  tags: string[];
  hash: string;
  steps: number;
  tracks: string[];
  parameters: string[];
  metrics: string[];
  warnings: Issue[];
  /** The scenario with its modules expanded, when asked for. */
  scenario?: ScenarioDocument;
  /** With the scenario: each included parameter's module of origin (for Sobol' groups by module). */
  parameterModules?: Record<string, string>;
  /** `packed`: the expanded scenario as bytes (`v8.serialize`), never unpacked on the event loop. */
  scenarioPacked?: Uint8Array;
  /** For a run: the model cache key of (scenario, overrides). */
  run?: { key: string };
}

/** A check's outcome: issues come back as data (a `GeoriskError` would lose them crossing threads). */
export type DocumentOutcome = { checked: CheckedDocument } | { issues: Issue[] } | { located: Issue[] };

/** Issue codes about the request rather than a place in the document (never located). */
const REQUEST_CODES = new Set<Issue['code']>(['bad_override', 'bad_run_options', 'budget_exceeded']);

// One resolver per library folder, made once per thread.
const resolvers = new Map<string, ModuleResolver>();

function resolverFor(root: string): ModuleResolver {
  let resolver = resolvers.get(root);
  if (resolver === undefined) {
    resolver = confinedResolver(root);
    resolvers.set(root, resolver);
  }
  return resolver;
}

/** Checks a document all the way (schema, includes, expressions, references), as the API's routes used to on their own thread. */
export function checkDocument(task: DocumentTask): DocumentOutcome {
  let loaded: LoadedScenario;
  try {
    loaded = loadScenarioText(task.text, { resolveModule: resolverFor(task.root) });
  } catch (error) {
    if (error instanceof GeoriskError) return task.locate ? { located: task.locate } : { issues: error.issues };
    throw error;
  }
  if (task.locate) return { located: loaded.locate(task.locate) };
  try {
    const model = buildModel(loaded.scenario, task.overrides ?? {});
    if (task.run) checkRunOptions(model, task.run);
    if (task.maxResultValues !== undefined) checkResultSize(model, task.maxResultValues);
    const s = loaded.scenario;
    const checked: CheckedDocument = {
      id: s.id,
      title: s.title ?? null,
      question: s.question ?? null,
      tags: s.tags ?? [],
      hash: scenarioHash(model),
      steps: model.steps,
      tracks: model.tracks.map((t) => t.name),
      parameters: Object.keys(s.parameters),
      metrics: model.metrics.map((m) => m.name),
      warnings: loaded.locate(task.validate === true ? [...model.warnings, ...parameterWarnings(s)] : model.warnings),
      ...(task.withScenario === true && task.packed !== true ? { scenario: s, parameterModules: loaded.parameterModules } : {}),
      ...(task.packed === true ? { scenarioPacked: pack(s) } : {}),
      ...(task.run ? { run: { key: modelKey(s, task.overrides ?? {}) } } : {}),
    };
    return { checked };
  } catch (error) {
    if (error instanceof GeoriskError)
      return { issues: error.issues.map((i) => (REQUEST_CODES.has(i.code) ? i : (loaded.locate([i])[0] ?? i))) };
    throw error;
  }
}
