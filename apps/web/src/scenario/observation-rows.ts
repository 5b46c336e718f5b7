/**
 * The observation form's model: rows read from an observations document, written back as YAML,
 * and each field checked as typed against the scenario (a message naming the row and the field).
 */

/** One observation as the form holds it: every field as typed (text), so a half-typed number survives. */
export type ObservationRow =
  | { kind: 'track'; at: string; label: string; track: string; states: string[] }
  | { kind: 'event'; at: string; label: string; event: string; happened: boolean }
  | { kind: 'range'; at: string; label: string; variable: string; min: string; max: string }
  | { kind: 'reported'; at: string; label: string; variable: string; reported: string; sd: string };

/** The form's whole content: the rows and the "as of" time (empty: the last observation's). */
export interface ObservationForm {
  asOf: string;
  rows: ObservationRow[];
}

/** What the form's fields are checked against: the scenario's tracks, events, variables and time axis. */
export interface FormScenario {
  unit: 'hour' | 'day';
  dt: number;
  horizon: number;
  tracks: Record<string, string[]>;
  events: string[];
  variables: string[];
}

/** A field's problem: the row (undefined for "as of"), the field and the message shown. */
export interface FieldProblem {
  row: number | undefined;
  field: string;
  message: string;
}

/** The field names shown in messages. */
export const FIELD_NAMES: Record<string, string> = {
  at: 'time',
  asOf: 'as of',
  track: 'track',
  states: 'states',
  event: 'event',
  variable: 'variable',
  min: 'lowest value',
  max: 'highest value',
  reported: 'reported value',
  sd: 'reporting error (sd)',
  label: 'label',
};

/** A new, empty row of a kind, with the scenario's first track, event or variable chosen. */
export function emptyRow(kind: ObservationRow['kind'], s: FormScenario, at = ''): ObservationRow {
  const label = '';
  if (kind === 'track') return { kind, at, label, track: Object.keys(s.tracks)[0] ?? '', states: [] };
  if (kind === 'event') return { kind, at, label, event: s.events[0] ?? '', happened: true };
  if (kind === 'range') return { kind, at, label, variable: s.variables[0] ?? '', min: '', max: '' };
  return { kind, at, label, variable: s.variables[0] ?? '', reported: '', sd: '' };
}

/** A time of the document (a number in the scenario's unit, or "36h", "1.5d") as text in the scenario's unit; undefined when it is neither. */
function timeText(value: unknown, unit: 'hour' | 'day'): string | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([hd])$/.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  const inHours = m[2] === 'h' ? n : n * 24;
  return String(unit === 'hour' ? inHours : inHours / 24);
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const numberText = (v: unknown): string | undefined => (typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);

/** One observation of the document as a row, or why the form cannot show it. */
function rowOf(o: unknown, unit: 'hour' | 'day', i: number): ObservationRow | string {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return `observation ${i + 1} is not a set of fields`;
  const r = o as Record<string, unknown>;
  const at = timeText(r.at, unit);
  const label = r.label === undefined ? '' : text(r.label);
  if (at === undefined || label === undefined) return `observation ${i + 1} has no readable time or label`;
  const known = (keys: string[]) => Object.keys(r).every((k) => ['at', 'label', ...keys].includes(k));
  if ('track' in r && known(['track', 'state'])) {
    const states = typeof r.state === 'string' ? [r.state] : Array.isArray(r.state) ? r.state.filter((x) => typeof x === 'string') : [];
    const track = text(r.track);
    if (track !== undefined) return { kind: 'track', at, label, track, states };
  }
  if ('event' in r && known(['event', 'happened']) && typeof r.happened === 'boolean' && text(r.event) !== undefined) {
    return { kind: 'event', at, label, event: text(r.event)!, happened: r.happened };
  }
  const variable = text(r.variable);
  if (variable !== undefined && known(['variable', 'range']) && Array.isArray(r.range) && r.range.length === 2) {
    const [min, max] = r.range.map(numberText);
    if (min !== undefined && max !== undefined) return { kind: 'range', at, label, variable, min, max };
  }
  if (variable !== undefined && known(['variable', 'reported', 'error'])) {
    const e = r.error as Record<string, unknown> | undefined;
    const reported = numberText(r.reported);
    const sd = numberText(e?.sd);
    if (reported !== undefined && sd !== undefined && e?.dist === 'normal') return { kind: 'reported', at, label, variable, reported, sd };
  }
  return `observation ${i + 1} has fields the form does not show`;
}

/** The form's content read from a parsed observations document, or why the form cannot show it. */
export function formFromValue(value: unknown, unit: 'hour' | 'day'): ObservationForm | string {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { observations?: unknown }).observations)) {
    return 'the text has no list of observations';
  }
  const doc = value as { as_of?: unknown; observations: unknown[] };
  const asOf = doc.as_of === undefined ? '' : timeText(doc.as_of, unit);
  if (asOf === undefined) return 'its as_of is not a time';
  const rows: ObservationRow[] = [];
  for (const [i, o] of doc.observations.entries()) {
    const row = rowOf(o, unit, i);
    if (typeof row === 'string') return row;
    rows.push(row);
  }
  return { asOf, rows };
}

/** A number as typed, or the text itself when it is not one (the engine's check then names it). */
const yamlNumber = (typed: string): string =>
  typed.trim() !== '' && Number.isFinite(Number(typed)) ? String(Number(typed)) : JSON.stringify(typed);

/** One row as a line of YAML (flow style). */
function rowYaml(row: ObservationRow): string {
  const parts = [`at: ${yamlNumber(row.at)}`];
  if (row.kind === 'track') {
    parts.push(`track: ${JSON.stringify(row.track)}`);
    parts.push(
      `state: ${row.states.length === 1 ? JSON.stringify(row.states[0]) : `[${row.states.map((s) => JSON.stringify(s)).join(', ')}]`}`,
    );
  } else if (row.kind === 'event') {
    parts.push(`event: ${JSON.stringify(row.event)}`, `happened: ${row.happened}`);
  } else if (row.kind === 'range') {
    parts.push(`variable: ${JSON.stringify(row.variable)}`, `range: [${yamlNumber(row.min)}, ${yamlNumber(row.max)}]`);
  } else {
    parts.push(`variable: ${JSON.stringify(row.variable)}`, `reported: ${yamlNumber(row.reported)}`);
    parts.push(`error: { dist: normal, sd: ${yamlNumber(row.sd)} }`);
  }
  if (row.label.trim() !== '') parts.push(`label: ${JSON.stringify(row.label)}`);
  return `  - { ${parts.join(', ')} }`;
}

/** The form's content as an observations document (YAML). */
export function formText(form: ObservationForm): string {
  const lines = ['kind: observations'];
  if (form.asOf.trim() !== '') lines.push(`as_of: ${yamlNumber(form.asOf)}`);
  lines.push(form.rows.length === 0 ? 'observations: []' : 'observations:', ...form.rows.map(rowYaml));
  return `${lines.join('\n')}\n`;
}

/** A time field's problem, or undefined: a number from 0 to the horizon, a whole number of steps. */
function timeProblem(typed: string, s: FormScenario): string | undefined {
  if (typed.trim() === '') return `enter a time in ${s.unit}s (0 to ${s.horizon})`;
  const t = Number(typed);
  if (!Number.isFinite(t)) return `"${typed}" is not a number of ${s.unit}s`;
  if (t < 0) return `${t} is before the start (t = 0)`;
  if (t > s.horizon) return `${t} is past the horizon (${s.horizon} ${s.unit}s)`;
  const steps = t / s.dt;
  if (Math.abs(steps - Math.round(steps)) > 1e-9)
    return `${t} is not a whole number of steps (a step is ${s.dt} ${s.unit}${s.dt === 1 ? '' : 's'})`;
  return undefined;
}

/** A number field's problem, or undefined. */
function numberProblem(typed: string, what: string): string | undefined {
  if (typed.trim() === '') return `enter the ${what}`;
  return Number.isFinite(Number(typed)) ? undefined : `"${typed}" is not a number`;
}

/** The problems of one row's fields, each naming the row and the field. */
export function rowProblems(row: ObservationRow, index: number, s: FormScenario): FieldProblem[] {
  const found: [string, string | undefined][] = [['at', timeProblem(row.at, s)]];
  if (row.kind === 'track') {
    const states = s.tracks[row.track];
    found.push(['track', states === undefined ? `the scenario has no track "${row.track}"` : undefined]);
    const unknown = row.states.find((x) => states !== undefined && !states.includes(x));
    found.push([
      'states',
      row.states.length === 0 ? 'tick at least one state' : unknown ? `track "${row.track}" has no state "${unknown}"` : undefined,
    ]);
  } else if (row.kind === 'event') {
    found.push(['event', s.events.includes(row.event) ? undefined : `the scenario has no event with id "${row.event}"`]);
  } else {
    found.push(['variable', s.variables.includes(row.variable) ? undefined : `the scenario has no variable "${row.variable}"`]);
    if (row.kind === 'range') {
      found.push(['min', numberProblem(row.min, 'lowest value')], ['max', numberProblem(row.max, 'highest value')]);
      if (Number(row.min) > Number(row.max)) found.push(['max', `${row.max} is below the lowest value ${row.min}`]);
    } else {
      found.push(['reported', numberProblem(row.reported, 'reported value')], ['sd', numberProblem(row.sd, 'reporting error')]);
      if (Number(row.sd) <= 0) found.push(['sd', 'the reporting error must be above 0']);
    }
  }
  found.push(['label', row.label.length > 200 ? `it has ${row.label.length} characters; at most 200` : undefined]);
  return found.flatMap(([field, problem]) =>
    problem === undefined ? [] : [{ row: index, field, message: `Row ${index + 1}, ${FIELD_NAMES[field]}: ${problem}` }],
  );
}

/** The problems of every field of the form, "as of" first. */
export function formProblems(form: ObservationForm, s: FormScenario): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (form.asOf.trim() !== '') {
    const last = Math.max(0, ...form.rows.map((r) => Number(r.at)).filter(Number.isFinite));
    const problem =
      timeProblem(form.asOf, s) ?? (Number(form.asOf) < last ? `${form.asOf} is before the last observation (t = ${last})` : undefined);
    if (problem !== undefined) out.push({ row: undefined, field: 'asOf', message: `As of: ${problem}` });
  }
  form.rows.forEach((r, i) => out.push(...rowProblems(r, i, s)));
  return out;
}

/** A row's one-line description for the timeline. */
export function rowSummary(row: ObservationRow): string {
  if (row.label.trim() !== '') return row.label;
  if (row.kind === 'track') return `${row.track} in ${row.states.join(' or ') || '…'}`;
  if (row.kind === 'event') return `${row.event} ${row.happened ? 'happened' : 'had not happened'}`;
  if (row.kind === 'range') return `${row.variable} between ${row.min} and ${row.max}`;
  return `${row.variable} reported ${row.reported} (sd ${row.sd})`;
}
