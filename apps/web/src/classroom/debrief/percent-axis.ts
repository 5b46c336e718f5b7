/** The chart axis the debrief uses for probabilities: from 0, ticked in percent. */
import { formatPercent } from '../../format.ts';

/** A chart.js axis from 0 with percent ticks. */
export const percentAxis = { min: 0, ticks: { callback: (v: string | number) => formatPercent(Number(v)) } };
