/**
 * Reads an observations document against a compiled scenario: times to steps, names to indices,
 * and every problem (a time outside the horizon, a state the track lacks, an inconsistent pair)
 * as an issue that names the observation and its line and column.
 */
import { exp } from '../det-math.ts';
import { GeoriskError, type Issue, issue } from '../errors.ts';
import { contentHash } from '../hash.ts';
import { locateIssues, readDocument } from '../load-document.ts';
import type { Model } from '../model/model.ts';
import { type DocumentKind, zodIssues } from '../scenario/zod-issues.ts';
import { type Observation, ObservationsOuterSchema, type ObservationTime, observationSchemaFor } from './observation-schema.ts';

/** What messages about a whole observations document call it, and the example they point to. */
const OBSERVATIONS_KIND: DocumentKind = {
  name: 'observations document',
  what: 'an observations document',
  keys: 'kind, title, as_of and observations',
  start:
    'write kind: observations, then observations: with one item per line, such as - { at: 9, track: conflict, state: clash }; see scenarios/observations/armenia-azerbaijan-2022-hour36.yaml',
};

/** The same for one item of its list. */
const OBSERVATION_KIND: DocumentKind = {
  name: 'observation',
  what: 'an observation',
  keys: 'at with track and state, event and happened, or variable and range',
  start: 'write { at: 9, track: conflict, state: clash }, or remove the empty item',
};

/** An observation resolved against a model; `likelihood` maps the observed quantity to a weight in [0, 1]. */
export type CheckedObservation = {
  /** Position in the document's list. */
  index: number;
  /** How messages name it, e.g. `observations[2] (conflict in clash at t = 30)`. */
  name: string;
  /** Time index (t = step · dt). */
  step: number;
} & (
  | { kind: 'track'; track: number; states: Set<number> }
  | { kind: 'event'; event: number; happened: boolean }
  /** `reported`: a value read with an error, whose likelihood is relative (peak 1), not a probability. */
  | { kind: 'variable'; variable: number; likelihood: (value: number) => number; reported: boolean }
);

/** A checked observations document. */
export interface Observations {
  list: CheckedObservation[];
  /** The time index the forecast is made at: the last observation's, unless `as_of` says later. */
  asOfStep: number;
  /** SHA-256 of the canonical JSON of the document, for receipts. */
  hash: string;
}

/**
 * Reads and checks observations (YAML or JSON) for a model; throws `GeoriskError` (`bad_observation`)
 * with every problem, located in the text.
 * @example const observed = readObservations(text, buildModel(scenario), 'hour36.yaml')
 */
export function readObservations(text: string, model: Model, file?: string): Observations {
  let doc: ReturnType<typeof readDocument>;
  try {
    doc = readDocument(text, file);
  } catch (error) {
    throw error instanceof GeoriskError ? new GeoriskError(atStart(error.issues)) : error;
  }
  const parsed = ObservationsOuterSchema.safeParse(doc.value);
  const issues = parsed.success ? [] : zodIssues(parsed.error, doc.value, ObservationsOuterSchema, OBSERVATIONS_KIND);
  // Every problem in one pass: with the outer shape wrong, a list of observations is still checked item by item.
  const values = parsed.success ? parsed.data.observations : observationList(doc.value);
  if (values === undefined) throw new GeoriskError(atStart(locateIssues(doc, issues)));
  const items: Observation[] = [];
  const list: CheckedObservation[] = [];
  values.forEach((value, index) => {
    const schema = observationSchemaFor(value);
    const item = schema.safeParse(value);
    if (!item.success) {
      issues.push(...zodIssues(item.error, value, schema, OBSERVATION_KIND).map((i) => itemIssue(i, index, Object.keys(schema.shape))));
      return;
    }
    items.push(item.data);
    const checked = checkObservation(model, item.data, index, issues);
    if (checked !== undefined) list.push(checked);
  });
  let asOfStep = list.reduce((m, o) => Math.max(m, o.step), 0);
  if (parsed.success && parsed.data.as_of !== undefined) {
    const step = toStep(model, parsed.data.as_of, 'as_of', issues);
    if (step !== undefined && step < asOfStep) {
      issues.push(
        issue(
          'bad_observation',
          'as_of',
          `as_of (t = ${step * model.dt}) is before the last observation (t = ${asOfStep * model.dt})`,
          'set as_of at or after every observation, or leave it out',
        ),
      );
    } else if (step !== undefined) asOfStep = step;
  }
  issues.push(...inconsistentPairs(list));
  if (!parsed.success || issues.length > 0) throw new GeoriskError(atStart(locateIssues(doc, issues)));
  list.sort((a, b) => a.step - b.step || a.index - b.index);
  return { list, asOfStep, hash: contentHash({ ...parsed.data, observations: items }) };
}

/** The document's list of observations when it is one the outer schema takes, whatever else is wrong with the document. */
function observationList(value: unknown): unknown[] | undefined {
  if (typeof value !== 'object' || value === null || !('observations' in value)) return undefined;
  const listed = ObservationsOuterSchema.shape.observations.safeParse(value.observations);
  return listed.success ? listed.data : undefined;
}

/**
 * Issues about the whole document get its first line when it has none to point at (an empty one), so
 * that a caller never places them in the scenario instead.
 */
function atStart(issues: Issue[]): Issue[] {
  return issues.map((i) => (i.path === '' && i.line === undefined ? { ...i, line: 1, column: 1 } : i));
}

/** An issue inside item `index`, its path made whole; an unknown key's hint lists the keys this kind has. */
function itemIssue(i: Issue, index: number, keys: string[]): Issue {
  const path = i.path === '' ? `observations[${index}]` : `observations[${index}].${i.path}`;
  return i.code === 'unknown_key' ? { ...i, path, hint: `this kind of observation has the keys: ${keys.join(', ')}` } : { ...i, path };
}

/** A time (number in the scenario's unit, or "36h" / "1.5d") as a time index, or an issue. */
function toStep(model: Model, at: ObservationTime, path: string, issues: Issue[]): number | undefined {
  let t = typeof at === 'number' ? at : Number.parseFloat(at);
  if (typeof at === 'string') {
    const unit = at.trim().endsWith('h') ? 'hour' : 'day';
    if (unit !== model.unit) t = unit === 'hour' ? t / 24 : t * 24;
  }
  if (t > model.horizon) {
    issues.push(
      issue(
        'bad_observation',
        path,
        `t = ${t} ${model.unit}s is after the scenario's horizon (${model.horizon} ${model.unit}s)`,
        `observe within 0 … ${model.horizon}`,
      ),
    );
    return undefined;
  }
  const step = t / model.dt;
  const whole = Math.round(step);
  if (Math.abs(step - whole) > 1e-9) {
    issues.push(
      issue(
        'bad_observation',
        path,
        `t = ${t} is not a whole number of steps (dt = ${model.dt} ${model.unit})`,
        `use t = ${whole * model.dt}`,
      ),
    );
    return undefined;
  }
  return whole;
}

/** Where an observation sits, for its messages and issues. */
interface Context {
  model: Model;
  path: string;
  index: number;
  issues: Issue[];
  /** `at t = 30`. */
  where: string;
  /** How messages name it: its label, else `what`. */
  label(what: string): string;
}

/** Resolves one observation's names and time; pushes an issue for each problem. */
function checkObservation(model: Model, o: Observation, index: number, issues: Issue[]): CheckedObservation | undefined {
  const path = `observations[${index}]`;
  const before = issues.length;
  const step = toStep(model, o.at, `${path}.at`, issues);
  const ctx: Context = { model, path, index, issues, where: `at t = ${o.at}`, label: (what) => `${path} (${o.label ?? what})` };
  const checked = 'track' in o ? checkTrack(ctx, o) : 'event' in o ? checkEvent(ctx, o) : checkVariable(ctx, o);
  if (checked === undefined || issues.length > before || step === undefined) return undefined;
  return { ...checked, index, step } as CheckedObservation;
}

type Resolved = DistributiveOmit<CheckedObservation, 'index' | 'step'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A track observation's track and states. */
function checkTrack(ctx: Context, o: Extract<Observation, { track: string }>): Resolved | undefined {
  const { model, path, issues } = ctx;
  const track = model.tracks.find((t) => t.name === o.track);
  if (track === undefined) {
    const hint = `use one of: ${model.tracks.map((t) => t.name).join(', ')}`;
    issues.push(issue('bad_observation', `${path}.track`, `${path}: the scenario has no track "${o.track}"`, hint));
    return undefined;
  }
  const names = typeof o.state === 'string' ? [o.state] : o.state;
  const states = new Set<number>();
  for (const name of names) {
    const s = track.states.indexOf(name);
    if (s >= 0) states.add(s);
    else {
      const message = `${path}: track "${track.name}" has no state "${name}"`;
      issues.push(issue('bad_observation', `${path}.state`, message, `its states are: ${track.states.join(', ')}`));
    }
  }
  return { kind: 'track', track: track.index, states, name: ctx.label(`${track.name} in ${names.join('|')} ${ctx.where}`) };
}

/** An event observation's event (by its id). */
function checkEvent(ctx: Context, o: Extract<Observation, { event: string }>): Resolved | undefined {
  const events = ctx.model.scenario.events ?? [];
  const event = events.findIndex((e) => e.id === o.event);
  if (event < 0) {
    const ids = events.flatMap((e) => (e.id === undefined ? [] : [e.id]));
    const hint = ids.length > 0 ? `use one of: ${ids.join(', ')}` : 'give the event an id in the scenario';
    ctx.issues.push(issue('bad_observation', `${ctx.path}.event`, `${ctx.path}: the scenario has no event with id "${o.event}"`, hint));
    return undefined;
  }
  const what = `${o.event} ${o.happened ? 'happened' : 'had not happened'} by ${ctx.where.slice(3)}`;
  return { kind: 'event', event, happened: o.happened, name: ctx.label(what) };
}

/** A variable observation's variable and likelihood. */
function checkVariable(ctx: Context, o: Extract<Observation, { variable: string }>): Resolved | undefined {
  const { model, path, issues } = ctx;
  const variable = model.vars.names.indexOf(o.variable);
  if (variable < 0) {
    const hint = `use one of: ${model.vars.names.join(', ')}`;
    issues.push(issue('bad_observation', `${path}.variable`, `${path}: the scenario has no variable "${o.variable}"`, hint));
    return undefined;
  }
  if ('range' in o && o.range[0] > o.range[1]) {
    const message = `${path}: the range [${o.range[0]}, ${o.range[1]}] is empty`;
    issues.push(issue('bad_observation', `${path}.range`, message, 'write it as [min, max]'));
  }
  const what = `${o.variable} ${'range' in o ? `in [${o.range.join(', ')}]` : `reported ${o.reported}`} ${ctx.where}`;
  return { kind: 'variable', variable, likelihood: variableLikelihood(o), reported: 'reported' in o, name: ctx.label(what) };
}

/** The likelihood of a variable observation as a function of the true value (at most 1). */
function variableLikelihood(o: Extract<Observation, { variable: string }>): (value: number) => number {
  if ('range' in o) {
    const [lo, hi] = o.range;
    return (v) => (v >= lo && v <= hi ? 1 : 0);
  }
  const { reported, error } = o;
  // Unnormalized (peak 1): the normal's constant cancels in the posterior.
  return (v) => gaussian((reported - v) / error.sd);
}

/** exp(−z²/2) through det-math, so weights are bit-identical everywhere. */
function gaussian(z: number): number {
  return exp(-0.5 * z * z);
}

/** Pairs that cannot both hold: a track in disjoint state sets at one time, an event that "un-happened". */
function inconsistentPairs(list: CheckedObservation[]): Issue[] {
  const out: Issue[] = [];
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i]!;
      const b = list[j]!;
      let clash = false;
      if (a.kind === 'track' && b.kind === 'track' && a.track === b.track && a.step === b.step) {
        clash = ![...a.states].some((s) => b.states.has(s));
      } else if (a.kind === 'event' && b.kind === 'event' && a.event === b.event && a.happened !== b.happened) {
        const [yes, no] = a.happened ? [a, b] : [b, a];
        clash = yes.step <= no.step;
      }
      if (clash) {
        out.push(
          issue(
            'bad_observation',
            `observations[${b.index}]`,
            `${b.name} contradicts ${a.name}: both cannot hold`,
            'remove or correct one of the two',
          ),
        );
      }
    }
  }
  return out;
}
