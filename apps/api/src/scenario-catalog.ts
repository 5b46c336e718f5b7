/** Where the routes get scenarios: the library, saved scenarios by id, or a document sent in the request. */
import {
  GeoriskError,
  type Issue,
  type LoadedScenario,
  loadScenarioText,
  type ModuleResolver,
  nearest,
  type Overrides,
} from '@georisk/engine';
import type { CheckedDocument } from '@georisk/node';
import type { DocumentCheck, DocumentChecker } from './document-checker.ts';
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

/**
 * Issues about the request in the request's words: the engine names its options (`draws`,
 * `trialsPerDraw`), and `fields` maps those a request nests or renames to its own fields (`draws` →
 * `uncertainty.draws`), in the path and wherever a message or hint names one in backticks; a
 * field's own path below it is kept (`metrics[0]`). Routes whose fields are the engine's options
 * (sweeps, sensitivity: `trials`, `metrics`, `design.vary.x`) need no map; issues about the document
 * keep their path into it.
 */
export function inRequestTerms(error: unknown, fields: Readonly<Record<string, string>>): unknown {
  if (!(error instanceof GeoriskError)) return error;
  const fieldOf = (option: string) => (Object.hasOwn(fields, option) ? fields[option] : undefined);
  const inText = (text: string) =>
    text.replace(/`([A-Za-z_][A-Za-z0-9_]*)`/g, (whole, option: string) => {
      const field = fieldOf(option);
      return field === undefined ? whole : `\`${field}\``;
    });
  return new GeoriskError(
    error.issues.map((i) => {
      if (!REQUEST_CODES.has(i.code)) return i;
      const [, option = '', below = ''] = /^([A-Za-z_][A-Za-z0-9_]*)(.*)$/.exec(i.path) ?? [];
      const field = fieldOf(option);
      const path = field === undefined ? i.path : `${field}${below}`;
      const named = { ...i, path, message: inText(i.message) };
      return i.hint === undefined ? named : { ...named, hint: inText(i.hint) };
    }),
  );
}

/** A request naming its scenario: exactly one of a library or saved id and a document. */
export interface ScenarioSource {
  scenarioId?: string | undefined;
  text?: string | undefined;
  overrides?: Overrides | undefined;
}

/** A scenario checked on a document thread: its `locate` leaves issues as they are (`relocate` places them off the loop). */
function checkedScenario(checked: CheckedDocument): LoadedScenario {
  if (checked.scenario === undefined) throw new Error('internal: the document check returned no scenario');
  return { scenario: checked.scenario, parameterModules: checked.parameterModules ?? {}, locate: (issues) => issues };
}

/** The library and the saved scenarios; `include` reads only from the library's folder. */
export class ScenarioCatalog {
  /** Saved scenarios already parsed, by id. */
  private readonly saved = new Map<string, LoadedScenario>();
  /** Request bodies whose documents `prepare` checked off the event loop. */
  private readonly prepared = new WeakMap<object, LoadedScenario>();

  constructor(
    /** Reads `include`d modules (confinedResolver: the library's folder only). */
    private readonly resolveModule: ModuleResolver,
    readonly library: Map<string, LibraryEntry>,
    private readonly store: Store,
    /** Checks documents on threads of their own, off the event loop. */
    readonly documents: DocumentChecker,
  ) {}

  /** Checks a document all the way on a document thread: what it defines, or a `GeoriskError` with its located issues. */
  checkText(text: string, options: DocumentCheck = {}): Promise<CheckedDocument> {
    return this.documents.check(text, options);
  }

  /**
   * Checks the document a request sends (with its overrides), or a saved scenario not yet parsed,
   * on a document thread, so that `fromRequest(body)` afterwards costs the event loop nothing.
   */
  async prepare(body: ScenarioSource & object, options: Pick<DocumentCheck, 'maxResultValues'> = {}): Promise<void> {
    if (body.text !== undefined) {
      const overrides = body.overrides ?? {};
      this.prepared.set(body, checkedScenario(await this.checkText(body.text, { ...options, withScenario: true, overrides })));
      return;
    }
    const id = body.scenarioId;
    if (id === undefined || this.library.has(id) || this.saved.has(id)) return;
    const stored = this.store.getScenario(id);
    if (stored) this.saved.set(id, checkedScenario(await this.checkText(stored.text, { withScenario: true })));
  }

  /** Adds line and column, on a document thread, to the issues of `error` about a document `prepare` checked. */
  async relocate(body: ScenarioSource, error: unknown): Promise<unknown> {
    if (!(error instanceof GeoriskError)) return error;
    const text =
      body.text ??
      (body.scenarioId !== undefined && !this.library.has(body.scenarioId) ? this.store.getScenario(body.scenarioId)?.text : undefined);
    const unplaced = (i: Issue) => i.line === undefined && !REQUEST_CODES.has(i.code);
    if (text === undefined || !error.issues.some(unplaced)) return error;
    const located = await this.documents.locate(text, error.issues.filter(unplaced));
    let next = 0;
    return new GeoriskError(error.issues.map((i) => (unplaced(i) ? (located[next++] ?? i) : i)));
  }

  /** Parses a document (schema and includes). */
  load(text: string): LoadedScenario {
    return loadScenarioText(text, { resolveModule: this.resolveModule });
  }

  /** The 404 for an id that names no scenario, with the library id it likely meant. */
  unknown(id: string, path: string): ApiError {
    const error = new ApiError(404, 'not_found', `no scenario with id "${id}"`, path);
    const near = nearest(id, this.library.keys());
    error.hint =
      near === undefined ? 'GET /api/scenarios lists the library and the scenarios saved on this server' : `did you mean "${near}"?`;
    return error;
  }

  /** A library or saved scenario by id, or 404. */
  byId(id: string): { loaded: LoadedScenario; entry: LibraryEntry | undefined } {
    const entry = this.library.get(id);
    if (entry) return { loaded: entry.loaded, entry };
    let loaded = this.saved.get(id);
    if (!loaded) {
      const stored = this.store.getScenario(id);
      if (!stored) throw this.unknown(id, 'scenarioId');
      loaded = this.load(stored.text);
      this.saved.set(id, loaded);
    }
    return { loaded, entry: undefined };
  }

  /** The scenario a request names (its schema has checked that exactly one of id and text is given). */
  fromRequest(body: ScenarioSource): LoadedScenario {
    const prepared = this.prepared.get(body);
    if (prepared) return prepared;
    return body.scenarioId !== undefined ? this.byId(body.scenarioId).loaded : this.load(body.text ?? '');
  }
}
