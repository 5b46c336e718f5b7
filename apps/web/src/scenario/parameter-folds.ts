/**
 * The folds of the parameter panel: each parameter's declared group or module (the engine's
 * `parameterGroupNames`, the same groups Sobol' uses), and for a parameter with neither, the part of
 * the model that reads it (a track's transitions, the flows, the events), so that a scenario that
 * declares everything itself still reads in sections.
 */
import { buildModel, type Model, type Parameter, parameterGroupNames, type ScenarioDocument } from '@georisk/engine';

/** What the folds read of a compiled expression: the parameters it reads. */
type Reading = { reads: { params: ReadonlySet<number> } } | undefined;

/** One fold: its title and its parameters, in declaration order. */
export interface ParameterFold {
  title: string;
  names: string[];
}

/** Folds with at most this many parameters start open. */
export const OPEN_FOLD_SIZE = 6;

/** Every fold starts open in a scenario with at most this many parameters. */
export const OPEN_ALL_FOLDS = 12;

/** Whether a fold starts open: a small fold, any fold of a small scenario, or one holding a changed value (a permalink's). */
export function startsOpen(foldSize: number, parameters: number, changed: boolean): boolean {
  return foldSize <= OPEN_FOLD_SIZE || parameters <= OPEN_ALL_FOLDS || changed;
}

/** For each parameter index, the first part of the model that reads it (tracks in order, then flows, events, metrics). */
function readers(model: Model): Map<number, string> {
  const out = new Map<number, string>();
  const note = (title: string, ...exprs: Reading[]) => {
    for (const e of exprs) for (const p of e?.reads.params ?? []) if (!out.has(p)) out.set(p, title);
  };
  for (const t of model.tracks) {
    for (const list of t.outgoing)
      for (const tr of list) note(`How ${t.name} moves`, tr.value, ...tr.set.map((a) => a.value), ...tr.add.map((a) => a.value));
  }
  for (const f of model.flows) note('What adds up each step (flows)', f.amount, f.when);
  for (const e of model.events) note('Events', e.when, ...e.set.map((a) => a.value), ...e.add.map((a) => a.value));
  for (const m of model.metrics) note('Read by the outcomes only', m.expr);
  return out;
}

/** The part of the model reading each parameter that has no group; undefined when the model cannot be built. */
function modelReaders(scenario: ScenarioDocument): Map<string, string> | undefined {
  try {
    const model = buildModel(scenario);
    const byIndex = readers(model);
    return new Map(model.params.names.map((n, i) => [n, byIndex.get(i) ?? 'Read by nothing in the model']));
  } catch {
    return undefined;
  }
}

/**
 * The panel's folds, in the order their first parameter is declared. A scenario whose parameters
 * all fall in one fold gets that one fold (the panel then shows no fold at all).
 */
export function parameterFolds(scenario: ScenarioDocument, parameterModules: Readonly<Record<string, string>>): ParameterFold[] {
  const params = Object.entries(scenario.parameters) as [string, Parameter][];
  const declared = parameterGroupNames(scenario.parameters, parameterModules);
  const byModel = modelReaders(scenario);
  const folds = new Map<string, string[]>();
  for (const [name] of params) {
    const module = Object.hasOwn(parameterModules, name) && declared[name] === parameterModules[name];
    const title =
      declared[name] !== undefined ? (module ? `Module ${declared[name]}` : declared[name]) : (byModel?.get(name) ?? 'Parameters');
    const list = folds.get(title) ?? [];
    list.push(name);
    folds.set(title, list);
  }
  return [...folds.entries()].map(([title, names]) => ({ title, names }));
}
