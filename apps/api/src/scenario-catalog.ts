/** Where the routes get scenarios: the library, saved scenarios by id, or a document sent in the request. */
import {
  buildModel,
  GeoriskError,
  type Issue,
  type LoadedScenario,
  loadScenarioText,
  type Model,
  type ModuleResolver,
} from '@georisk/engine';
import { ApiError } from './errors.ts';
import type { LibraryEntry } from './library.ts';
import type { Store } from './store.ts';

/** Issue codes about the request rather than a place in the document. */
const REQUEST_CODES = new Set<Issue['code']>(['bad_override', 'bad_run_options', 'budget_exceeded']);

/** Adds line and column to issues about the document; request issues have no place in it. */
export function locateIssues(loaded: LoadedScenario, error: unknown): unknown {
  if (!(error instanceof GeoriskError)) return error;
  return new GeoriskError(error.issues.map((i) => (REQUEST_CODES.has(i.code) ? i : (loaded.locate([i])[0] ?? i))));
}

/** A request naming its scenario: exactly one of a library or saved id and a document. */
export interface ScenarioSource {
  scenarioId?: string | undefined;
  text?: string | undefined;
}

/** The library and the saved scenarios; `include` reads only from the library's folder. */
export class ScenarioCatalog {
  /** Saved scenarios already parsed, by id. */
  private readonly saved = new Map<string, LoadedScenario>();

  constructor(
    /** Reads `include`d modules (confinedResolver: the library's folder only). */
    private readonly resolveModule: ModuleResolver,
    readonly library: Map<string, LibraryEntry>,
    private readonly store: Store,
  ) {}

  /** Parses a document (schema and includes). */
  load(text: string): LoadedScenario {
    return loadScenarioText(text, { resolveModule: this.resolveModule });
  }

  /** Checks a document all the way (schema, includes, expressions, references); returns its model. */
  check(text: string): { loaded: LoadedScenario; model: Model } {
    const loaded = this.load(text);
    try {
      return { loaded, model: buildModel(loaded.scenario) };
    } catch (error) {
      throw locateIssues(loaded, error);
    }
  }

  /** A library or saved scenario by id, or 404. */
  byId(id: string): { loaded: LoadedScenario; entry: LibraryEntry | undefined } {
    const entry = this.library.get(id);
    if (entry) return { loaded: entry.loaded, entry };
    let loaded = this.saved.get(id);
    if (!loaded) {
      const stored = this.store.getScenario(id);
      if (!stored) throw new ApiError(404, 'not_found', `no scenario with id "${id}"`, 'scenarioId');
      loaded = this.load(stored.text);
      this.saved.set(id, loaded);
    }
    return { loaded, entry: undefined };
  }

  /** The scenario a request names (its schema has checked that exactly one of id and text is given). */
  fromRequest(body: ScenarioSource): LoadedScenario {
    return body.scenarioId !== undefined ? this.byId(body.scenarioId).loaded : this.load(body.text ?? '');
  }
}
