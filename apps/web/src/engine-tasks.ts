/**
 * What an engine worker does with each request: load the bundled library, solve exactly, run a
 * chunk of trials (the engine's runChunkTask), merge and finalize. Free of worker globals, so tests run it in Node.
 */
import {
  analyzeExact,
  buildModel,
  checkRunOptions,
  finalizeResult,
  GeoriskError,
  type Issue,
  type LoadedScenario,
  loadScenarioText,
  representabilityProblems,
  type ScenarioDocument,
  valueCounts,
} from '@georisk/engine';
import { ModelCache, mergeAll, modelKey, PairedModelCache, runChunkTask, runPairedChunk } from '@georisk/engine/chunks';
import { finishBand, planBand, runBandTask } from './band-tasks.ts';
import { bundledResolver, scenarioPaths } from './library-paths.ts';
import type { LibraryItem, Validation, WorkerReply, WorkerRequest } from './protocol.ts';
import { type RoundHistogram, roundHistogram } from './round-histogram.ts';
import { SCENARIO_FILES } from './scenario-files.ts';
import { runSensitivityRequest } from './sensitivity-task.ts';
import { checkObservations, observationExamples, observedValue, updateRequest } from './update-task.ts';

/** Trials between progress messages. */
const PROGRESS_EVERY = 512;

// A worker runs many chunks of the same run; it compiles the scenario once.
const cache = new ModelCache();
// A paired comparison's chunks run both sides' models; they are kept apart from the run's.
const pairedCache = new PairedModelCache();

export function loadLibrary(): { items: LibraryItem[]; skipped: { file: string; why: string }[] } {
  const resolveModule = bundledResolver(SCENARIO_FILES);
  const items: LibraryItem[] = [];
  const skipped: { file: string; why: string }[] = [];
  for (const file of scenarioPaths(SCENARIO_FILES)) {
    const text = SCENARIO_FILES[file];
    if (text === undefined) throw new Error(`internal: scenarioPaths listed "${file}", which is not a bundled file`);
    try {
      const { scenario, parameterModules } = loadScenarioText(text, { file, resolveModule });
      if (items.some((i) => i.id === scenario.id)) {
        skipped.push({ file, why: `duplicate id "${scenario.id}"` });
        continue;
      }
      items.push(libraryItem(file, scenario, text, parameterModules));
    } catch (error) {
      skipped.push({ file, why: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error) });
    }
  }
  return { items, skipped };
}

function libraryItem(file: string, scenario: ScenarioDocument, text: string, parameterModules: Record<string, string>): LibraryItem {
  const model = buildModel(scenario);
  return {
    id: scenario.id,
    file,
    title: scenario.title ?? scenario.id,
    question: scenario.question?.trim() ?? '',
    tags: scenario.tags ?? [],
    scenario,
    notExact: representabilityProblems(model).map((i) => i.message),
    text,
    parameterModules,
  };
}

/**
 * Where a document edited from library file `from` pretends to live: beside it, so its includes
 * (`../modules/…` from scenarios/teaching/) resolve as they do for the original.
 */
export function editedFileBeside(from: string | undefined): string {
  const folder = from?.startsWith('scenarios/') ? from.slice(0, from.lastIndexOf('/')) : 'scenarios';
  return `${folder}/edited.yaml`;
}

/** Checks an edited document: every problem (and warning) with its line and column, and the scenario when it has no errors. */
export function validateText(text: string, from?: string): Validation {
  const resolveModule = bundledResolver(SCENARIO_FILES);
  const file = editedFileBeside(from);
  let loaded: LoadedScenario;
  try {
    loaded = loadScenarioText(text, { file, resolveModule });
  } catch (error) {
    if (error instanceof GeoriskError) return { issues: error.issues, file };
    throw error;
  }
  try {
    const model = buildModel(loaded.scenario);
    const item = libraryItem(file, loaded.scenario, text, loaded.parameterModules);
    return { issues: loaded.locate(model.warnings), item, file };
  } catch (error) {
    if (error instanceof GeoriskError) return { issues: loaded.locate(error.issues), file };
    throw error;
  }
}

/** Answers any request: a band's last step asynchronously (the engine schedules it), the rest through `handle`. */
export function answer(req: WorkerRequest, post: (reply: WorkerReply) => void): WorkerReply | Promise<WorkerReply> {
  if (req.type === 'band-finish') return finishBand(req.plan, req.outcomes).then((result) => ({ type: 'band-finish', id: req.id, result }));
  return handle(req, post);
}

/** Answers one request; `post` sends progress messages while a chunk runs. Throws on engine errors. */
export function handle(req: WorkerRequest, post: (reply: WorkerReply) => void): WorkerReply {
  switch (req.type) {
    case 'band-plan':
      return { type: 'band-plan', id: req.id, ...planBand(req) };
    case 'band-task': {
      const outcome = runBandTask(cache, req.task);
      if ('issues' in outcome) throw new GeoriskError(outcome.issues);
      return { type: 'band-task', id: req.id, summary: outcome.summary };
    }
    case 'band-finish':
      throw new Error('internal: a band-finish request is answered by answer()');
    case 'library':
      return { type: 'library', id: req.id, ...loadLibrary() };
    case 'observe-examples':
      return { type: 'observe-examples', id: req.id, examples: observationExamples(req.file) };
    case 'observe-check':
      return {
        type: 'observe-check',
        id: req.id,
        issues: checkObservations(req.scenario, req.overrides, req.text),
        value: observedValue(req.text),
      };
    case 'update':
      return {
        type: 'update',
        id: req.id,
        answer: updateRequest(req, (done, total) => post({ type: 'progress', id: req.id, done, total })),
      };
    case 'sensitivity': {
      const { result, solved } = runSensitivityRequest(req, (done, total) => post({ type: 'progress', id: req.id, done, total }));
      return { type: 'sensitivity', id: req.id, result, ...(solved === undefined ? {} : { solved }) };
    }
    case 'validate':
      return { type: 'validate', id: req.id, validation: validateText(req.text, req.from) };
    case 'exact': {
      const started = performance.now();
      const result = analyzeExact(req.scenario, req.overrides);
      return { type: 'exact', id: req.id, result, ms: performance.now() - started };
    }
    case 'plan': {
      const key = modelKey(req.scenario, req.overrides);
      const model = cache.modelOf(req.scenario, req.overrides, key);
      checkRunOptions(model, { trials: req.trials, seed: req.seed });
      return { type: 'plan', id: req.id, steps: model.steps, warnings: model.warnings.filter((w) => w.code === 'bad_override'), key };
    }
    case 'chunk': {
      const key = req.key ?? modelKey(req.scenario, req.overrides);
      const chunk = { firstTrial: req.firstTrial, trials: req.trials };
      const task = { kind: 'run', scenario: req.scenario, key, overrides: req.overrides, seed: req.seed, chunk } as const;
      const outcome = runChunkTask(cache, task, { every: PROGRESS_EVERY, report: (done) => post({ type: 'progress', id: req.id, done }) });
      if ('issues' in outcome) throw new GeoriskError(outcome.issues);
      return { type: 'chunk', id: req.id, summary: outcome.summary };
    }
    case 'paired-chunk': {
      const outcome = runPairedChunk(pairedCache, req.task, {
        every: PROGRESS_EVERY,
        report: (done) => post({ type: 'progress', id: req.id, done }),
      });
      if ('issues' in outcome) throw new GeoriskError(outcome.issues);
      return { type: 'paired-chunk', id: req.id, summary: outcome.summary };
    }
    case 'finalize': {
      const model = cache.modelOf(req.scenario, req.overrides, req.key);
      const summary = mergeAll(model, req.parts);
      const result = finalizeResult(model, summary, {
        seed: req.seed,
        overrides: req.overrides,
        seconds: req.seconds,
        workers: req.workers,
      });
      const bins: Record<string, RoundHistogram> = {};
      model.metrics.forEach((m, i) => {
        const acc = summary.metrics[i];
        if (acc && acc.n > 0) bins[m.name] = roundHistogram(valueCounts(acc), acc.min, acc.max);
      });
      return { type: 'finalize', id: req.id, result, bins };
    }
  }
}

/** An error reply for a failed request. */
export function errorReply(id: number, error: unknown): WorkerReply {
  const issues: Issue[] = error instanceof GeoriskError ? error.issues : [];
  return { type: 'error', id, issues, message: error instanceof Error ? error.message : String(error) };
}
