/** The observations on a time axis from t = 0 to an end time (numbered marks), with each one listed beneath. */
import { h } from '../dom.ts';
import { formatNumber } from '../format.ts';
import { timelineMarks } from './timeline-marks.ts';

/** What one timeline shows: the observations `{name, t}` and, per mark, an optional note after its label. */
export interface TimelineInput {
  id: string;
  caption: string;
  unit: string;
  end: number;
  observations: readonly { name: string; t: number; number?: number }[];
  note?: (mark: { t: number; name: string }) => string | undefined;
}

/** The timeline figure (axis with marks, then the numbered list). */
export function timelineFigure(input: TimelineInput): HTMLElement {
  const { end, unit } = input;
  const marks = timelineMarks(input.observations, end);
  return h(
    'figure',
    { id: input.id, class: 'obs-timeline' },
    h('figcaption', {}, input.caption),
    h(
      'div',
      { class: 'obs-axis', role: 'img', 'aria-label': `timeline from 0 to ${end} ${unit}s with ${marks.length} observations` },
      ...marks.map((m) =>
        h('span', { class: 'obs-mark', style: `left: ${m.percent}%; bottom: ${0.5 + 1.4 * m.stack}rem`, title: m.label }, String(m.number)),
      ),
      h('span', { class: 'obs-tick obs-tick-start' }, '0'),
      h('span', { class: 'obs-tick obs-tick-end' }, `as of ${formatNumber(end)} ${unit}s`),
    ),
    h(
      'ol',
      { class: 'obs-list' },
      ...marks.map((m) => {
        const note = input.note?.(m);
        return h(
          'li',
          // The list runs in time order; each item keeps its mark's number.
          { 'data-t': String(m.t), value: String(m.number) },
          h('strong', {}, `t = ${formatNumber(m.t)}`),
          ` ${m.label} `,
          note === undefined ? null : h('span', { class: 'muted' }, note),
        );
      }),
    ),
  );
}
