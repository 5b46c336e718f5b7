/** How a state diagram's arrows and states read: short labels on the arrows, and the same in full words for the list beside it. */
import type { DiagramEdge, DiagramTerm } from '@georisk/engine';
import { formatCount, formatNumber, formatPercent } from './format.ts';

/** The scenario's clock: its time unit and step. */
export interface DiagramClock {
  unit: 'day' | 'hour';
  dt: number;
}

const SHORT_UNIT = { hour: 'h', day: 'd' } as const;

/** A rate or probability in plain decimals down to a millionth (0.00004, not 4.00e-5), three significant digits. */
export function formatRate(x: number): string {
  const abs = Math.abs(x);
  if (abs === 0 || abs >= 1e-3 || abs < 1e-6) return formatNumber(x);
  return String(Number.parseFloat(x.toPrecision(3)));
}

/** "per hour"; a probability is per step ("per step of 1 hour"). */
function unitWords(kind: DiagramTerm['kind'], clock: DiagramClock): string {
  return kind === 'rate' ? `per ${clock.unit}` : `per step of ${formatNumber(clock.dt)} ${clock.unit}${clock.dt === 1 ? '' : 's'}`;
}

/** One value with its unit, short: "0.05/h", "p 0.3". */
function shortValue(value: number, kind: DiagramTerm['kind'], clock: DiagramClock): string {
  return kind === 'rate' ? `${formatRate(value)}/${SHORT_UNIT[clock.unit]}` : `p ${formatRate(value)}`;
}

/** Whether a term needs the words of the list to be read (cases, or a note). */
export function needsWords(term: DiagramTerm): boolean {
  return term.cases.length !== 1 || term.note !== undefined;
}

/** A term on the arrow: its one value, or the largest of its cases ("≤ 0.024/h"), or "see list". */
function shortTerm(term: DiagramTerm, clock: DiagramClock): string {
  const [only] = term.cases;
  if (term.cases.length === 1 && only) return shortValue(only.value, term.kind, clock);
  if (term.cases.length === 0) return 'varies';
  const top = Math.max(...term.cases.map((c) => c.value));
  return `≤ ${shortValue(top, term.kind, clock)}`;
}

/** The arrow's label: each transition's value, and the arrow's number in the list when its words matter ("≤ 0.024/h [3]"). */
export function edgeLabel(edge: DiagramEdge, number: number, clock: DiagramClock): string {
  const values = edge.terms.map((t) => shortTerm(t, clock)).join(' + ');
  return edge.terms.some(needsWords) ? `${values} [${number}]` : values;
}

/** A term in full: "0.01 per hour while mediation is russia; 0.024 per hour while …; 0 otherwise (note)". */
export function termWords(term: DiagramTerm, clock: DiagramClock): string {
  const unit = unitWords(term.kind, clock);
  const kind = term.kind === 'rate' ? 'rate' : 'probability';
  const values = term.cases.map((c) => `${formatRate(c.value)} ${unit}${c.when ? ` ${c.when}` : ''}`).join('; ');
  const what = term.description ? ` (${term.description})` : '';
  const note = term.note ? `${values ? '; ' : ''}${term.note}` : '';
  return `${kind} ${values}${note}${what}`;
}

/** An arrow in full: "clash → ceasefire: rate … ; and probability …". */
export function edgeWords(edge: DiagramEdge, clock: DiagramClock): string {
  return `${edge.from} → ${edge.to}: ${edge.terms.map((t) => termWords(t, clock)).join('; and ')}`;
}

/** Where the occupancy of the states comes from, for the words. */
export type OccupancySource = { kind: 'exact' } | { kind: 'monte-carlo'; trials: number } | { kind: 'none'; why: string };

/** A state's occupancy in words: "war: 16.1% chance of being here at the horizon (30 days, exact)". */
export function stateWords(state: string, share: number | undefined, horizon: string, source: OccupancySource, initial: boolean): string {
  const start = initial ? ' (the starting state)' : '';
  if (source.kind === 'none' || share === undefined)
    return `${state}${start}: occupancy at the horizon not available (${source.kind === 'none' ? source.why : 'not computed'})`;
  const from = source.kind === 'exact' ? 'exact' : `Monte Carlo, ${formatCount(source.trials)} trials`;
  return `${state}${start}: ${formatPercent(share)} chance of being here at the horizon (${horizon}, ${from})`;
}
