/** Where each observation sits on the update panel's timeline: its share of the axis (t = 0 to the update's as-of time) and its numbered label. */

/** One mark on the timeline. */
export interface TimelineMark {
  /** The observation's own number where it has one (its place in the form and the file), else 1-based in time order. */
  number: number;
  t: number;
  /** Position along the axis, 0 (t = 0) to 100 (its end), clamped. */
  percent: number;
  /** The words shown, and the name it was given (an engine's "observations[3] (label)"). */
  label: string;
  name: string;
  /** How many earlier marks share this time: stacked marks are drawn above each other. */
  stack: number;
}

/**
 * The marks for observations `{name, t, number?}` on an axis from 0 to `end`, in time order. A mark
 * keeps the observation's own number (the form's "Observation 4" is mark 4 wherever it falls in
 * time; numbering by time made the form's 4 the timeline's 3); the engine's names
 * ("observations[3] (its label)") number themselves and show their label alone.
 */
export function timelineMarks(observations: readonly { name: string; t: number; number?: number }[], end: number): TimelineMark[] {
  const sorted = observations.map((o, i) => ({ ...o, i })).sort((a, b) => a.t - b.t || a.i - b.i);
  const seen = new Map<number, number>();
  return sorted.map((o, k) => {
    const stack = seen.get(o.t) ?? 0;
    seen.set(o.t, stack + 1);
    const percent = end > 0 ? Math.min(100, Math.max(0, (100 * o.t) / end)) : 0;
    const path = /^observations\[(\d+)\](?: \((.*)\))?$/.exec(o.name);
    const number = o.number ?? (path ? Number(path[1]) + 1 : k + 1);
    const label = path ? (path[2] ?? `observation ${number}`) : o.name;
    return { number, t: o.t, percent, label, name: o.name, stack };
  });
}
