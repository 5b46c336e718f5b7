/** Where each observation sits on the update panel's timeline: its share of the axis (t = 0 to the update's as-of time) and its numbered label. */

/** One mark on the timeline. */
export interface TimelineMark {
  /** 1-based, in time order (ties keep the given order). */
  number: number;
  t: number;
  /** Position along the axis, 0 (t = 0) to 100 (its end), clamped. */
  percent: number;
  label: string;
  /** How many earlier marks share this time: stacked marks are drawn above each other. */
  stack: number;
}

/** The marks for observations `{name, t}` on an axis from 0 to `end`, in time order. */
export function timelineMarks(observations: readonly { name: string; t: number }[], end: number): TimelineMark[] {
  const sorted = observations.map((o, i) => ({ ...o, i })).sort((a, b) => a.t - b.t || a.i - b.i);
  const seen = new Map<number, number>();
  return sorted.map((o, k) => {
    const stack = seen.get(o.t) ?? 0;
    seen.set(o.t, stack + 1);
    const percent = end > 0 ? Math.min(100, Math.max(0, (100 * o.t) / end)) : 0;
    return { number: k + 1, t: o.t, percent, label: o.name, stack };
  });
}
