/** The debrief's calibration chart: when the class said x%, what did the engine say? */
import type { Debrief } from '@georisk/engine/classroom';
import { seriesColor } from '../../chart-data.ts';
import { type ChartFigure, figure } from '../../charts.ts';
import { dataTable } from '../../dom.ts';
import { formatPercent } from '../../format.ts';
import { percentAxis } from './percent-axis.ts';

/** Mean forecast in each tenth against the engine's mean answer for the same forecasts; the diagonal is perfect calibration. */
export function calibrationFigure(bins: Debrief['calibration']): ChartFigure {
  const used = bins.filter((b) => b.count > 0);
  const binLabel = (b: Debrief['calibration'][number]) => `${Math.round(b.lo * 100)}–${Math.round(b.hi * 100)}%`;
  const labels = bins.map(binLabel);
  const summary =
    used.length === 0
      ? 'No probability forecasts.'
      : `Calibration: ${used
          .map((b) =>
            b.count === 1
              ? `1 forecast of ${formatPercent(b.meanForecast as number)} met an engine answer of ${formatPercent(b.meanOutcome as number)}`
              : `${b.count} forecasts averaging ${formatPercent(b.meanForecast as number)} met an engine answer averaging ${formatPercent(b.meanOutcome as number)}`,
          )
          .join('; ')}.`;
  const table = dataTable(
    'Calibration of the class',
    ['forecast bin', 'forecasts', 'mean forecast', "engine's mean answer"],
    bins.map((b) => [
      binLabel(b),
      b.count,
      b.meanForecast === null ? '–' : formatPercent(b.meanForecast),
      b.meanOutcome === null ? '–' : formatPercent(b.meanOutcome),
    ]),
  );
  return figure('chart-calibration', 'Calibration: when the class said x%, what did the engine say?', summary, table, {
    type: 'line',
    data: {
      labels,
      datasets: [
        {
          label: "engine's mean answer",
          data: bins.map((b) => b.meanOutcome),
          borderColor: seriesColor(5),
          backgroundColor: seriesColor(5),
          pointRadius: bins.map((b) => (b.count > 0 ? 3 + Math.min(8, b.count) : 0)),
          spanGaps: true,
        },
        {
          label: 'perfect calibration',
          data: bins.map((b) => (b.lo + b.hi) / 2),
          borderColor: '#555',
          borderDash: [5, 4],
          pointRadius: 0,
        },
      ],
    },
    options: {
      scales: {
        y: { ...percentAxis, max: 1, title: { display: true, text: "engine's answer" } },
        x: { title: { display: true, text: 'class forecast' } },
      },
    },
  });
}
