/** The engine worker's side of "Update on what has happened": check observations as typed, condition a forecast, list bundled examples. */
import {
  buildModel,
  GeoriskError,
  type Issue,
  locateIssues,
  type Overrides,
  readDocument,
  readObservations,
  type ScenarioDocument,
  type UpdateAnswer,
  updateScenario,
} from '@georisk/engine';
import { SCENARIO_FILES } from './scenario-files.ts';

/** The name observation issues are located in (the pasted text has no file). */
const OBSERVED_FILE = 'observations.yaml';

/** Issues about the observations with their line and column in `text`; others as the engine gave them. */
function locateObserved(issues: Issue[], text: string): Issue[] {
  let doc: ReturnType<typeof readDocument> | undefined;
  try {
    doc = readDocument(text, OBSERVED_FILE);
  } catch {
    return issues;
  }
  return issues.map((i) =>
    i.line === undefined && (i.path.startsWith('observations') || i.path === 'as_of') ? (locateIssues(doc, [i])[0] ?? i) : i,
  );
}

/** Every problem `readObservations` finds in `text` against the scenario at `overrides` (empty when it reads). */
export function checkObservations(scenario: ScenarioDocument, overrides: Overrides, text: string): Issue[] {
  try {
    readObservations(text, buildModel(scenario, overrides), OBSERVED_FILE);
    return [];
  } catch (error) {
    if (error instanceof GeoriskError) return locateObserved(error.issues, text);
    throw error;
  }
}

/** The plain value of an observations text (for the form), or undefined when it does not read as YAML or JSON. */
export function observedValue(text: string): unknown {
  try {
    return readDocument(text, OBSERVED_FILE).value;
  } catch {
    return undefined;
  }
}

/** The conditioned forecast (the engine's `updateScenario`, which the CLI's parallel update equals for any worker count), reporting the trials simulated of both passes. */
export function updateRequest(
  req: {
    scenario: ScenarioDocument;
    overrides: Overrides;
    text: string;
    trials: number;
    seed: number;
  },
  onProgress?: (done: number, total: number) => void,
): UpdateAnswer {
  const options = { trials: req.trials, seed: req.seed, overrides: req.overrides, file: OBSERVED_FILE, ...(onProgress && { onProgress }) };
  try {
    return updateScenario(req.scenario, req.text, options);
  } catch (error) {
    if (error instanceof GeoriskError) throw new GeoriskError(locateObserved(error.issues, req.text));
    throw error;
  }
}

/** Bundled observation files for the scenario in library file `file`: scenarios/observations/<its name>-*.yaml. */
export function observationExamples(
  file: string,
  files: Record<string, string> = SCENARIO_FILES,
): { file: string; text: string; title?: string }[] {
  const stem = file.slice(file.lastIndexOf('/') + 1).replace(/\.ya?ml$/, '');
  return Object.keys(files)
    .filter((p) => p.startsWith(`scenarios/observations/${stem}-`))
    .sort()
    .map((p) => {
      const text = files[p] ?? '';
      const title = exampleTitle(text);
      return title === undefined ? { file: p, text } : { file: p, text, title };
    });
}

/** A bundled observations file's `title` (what it holds, and what to expect of it), if it has one. */
function exampleTitle(text: string): string | undefined {
  try {
    const value = readDocument(text).value as { title?: unknown } | null;
    return typeof value?.title === 'string' ? value.title : undefined;
  } catch {
    return undefined;
  }
}
