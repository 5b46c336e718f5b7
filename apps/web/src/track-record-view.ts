/** The track record screen (`#/track-record`): the generic clash model's out-of-sample skill per question beside the base rate, the time split, and a calibration curve. */
import type { TrackRecordData, TrackRecordFold } from '@georisk/engine/backtest';
import record from '../../../scenarios/reference-class/track-record.json';
import { type ChartFigure, figure } from './charts.ts';
import { dataTable, h, replace } from './dom.ts';
import { formatPercent } from './format.ts';
import { scrollBox } from './scroll-box.ts';

const data = record as unknown as TrackRecordData;

/** Whether a hash opens the track record. */
export function isTrackRecordHash(hash: string): boolean {
  return /^#\/track-record(\?|$)/.test(hash);
}

/** Two decimals with a true minus sign; a value that rounds to zero is 0.00, never −0.00. */
const two = (x: number) => {
  if (!Number.isFinite(x)) return 'n/a';
  const text = x.toFixed(2);
  return Number(text) === 0 ? '0.00' : text.replace('-', '−');
};
const three = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');

/** The verdict in plain words, as the table and the page's text give it. */
function plainly(verdict: string): string {
  if (verdict === 'positive') return 'Positive: the whole 95% interval is above 0.';
  if (verdict === 'not clearly positive') return 'Not clearly positive: the point estimate is above 0, the interval reaches below it.';
  if (verdict === 'negative') return 'Negative: the whole 95% interval is below 0, worse than the baseline.';
  return 'Not positive: the point estimate is at or below 0, the interval reaches above it.';
}

/** One fold's table: per question and score, the model's score beside the baseline, the skill with its interval, and the verdict. */
function foldTable(fold: TrackRecordFold): HTMLTableElement {
  const rows = fold.questions.map((q) => [
    q.label,
    q.score === 'crps' ? 'CRPS (days)' : q.score === 'log' ? 'log (bits)' : 'Brier',
    three(q.skill.score),
    `${three(q.skill.baseline)} (${q.baselineKind})`,
    two(q.skill.skill),
    `${two(q.skill.ci95[0])} to ${two(q.skill.ci95[1])}`,
    q.skill.verdict,
  ]);
  const table = dataTable(
    fold.fold === 'loo' ? 'Leave-one-out scores' : 'Time-split scores',
    ['question', 'score', 'model', 'baseline', 'skill', '95% interval', 'positive?'],
    rows,
  );
  table.classList.add('track-record-table');
  table.dataset.fold = fold.fold;
  return table;
}

/** The calibration curve of one fold: mean forecast against observed frequency per bin, for war and truce within 7 days. */
function calibrationCurve(fold: TrackRecordFold): ChartFigure {
  const points = (bins: TrackRecordFold['reliability']['war']['bins']) =>
    bins.filter((b) => b.n > 0 && b.meanForecast !== null).map((b) => ({ x: b.meanForecast, y: b.observed, n: b.n }));
  // Points only, sized by the episodes in each bin: a line through bins of one or two episodes would suggest a trend.
  const radius = (ps: { n: number }[]) => ps.map((p) => 3 + 1.5 * Math.sqrt(p.n));
  const war = points(fold.reliability.war.bins);
  const truce = points(fold.reliability.truce7.bins);
  const rows = [
    ...war.map((p) => ['war', formatPercent(p.x), formatPercent(p.y), p.n]),
    ...truce.map((p) => ['truce within 7 days', formatPercent(p.x), formatPercent(p.y), p.n]),
  ];
  const table = dataTable(`Reliability, ${fold.description}`, ['question', 'mean forecast', 'observed', 'episodes'], rows);
  const summary = `Calibration curve (${fold.fold === 'loo' ? 'leave-one-out' : 'time split'}): ${rows
    .map((r) => `${r[0]}, forecast ${r[1]}, observed ${r[2]} in ${r[3]} episode${r[3] === 1 ? '' : 's'}`)
    .join('; ')}. A calibrated model lies on the diagonal; larger points hold more episodes.`;
  const axis = (title: string) => ({
    type: 'linear' as const,
    min: 0,
    max: 1,
    title: { display: true, text: title },
    // Whole percents on the axis (a tick's "100.0%" claimed a precision no tick has).
    ticks: { callback: (v: string | number) => `${Math.round(Number(v) * 100)}%` },
  });
  return figure(
    `chart-calibration-${fold.fold}`,
    `Calibration curve: ${fold.fold === 'loo' ? 'leave-one-out' : 'time split'}`,
    summary,
    table,
    {
      type: 'line',
      data: {
        datasets: [
          {
            label: 'perfect calibration',
            data: [
              { x: 0, y: 0 },
              { x: 1, y: 1 },
            ],
            borderColor: '#999',
            borderDash: [4, 4],
            pointRadius: 0,
          },
          // Points at 0% and 100% drawn whole (clip: false), not cut in half by the plot's edge.
          {
            label: 'war',
            data: war,
            borderColor: '#b2182b',
            backgroundColor: '#b2182b',
            showLine: false,
            pointRadius: radius(war),
            clip: false,
          },
          {
            label: 'truce within 7 days',
            data: truce,
            borderColor: '#2166ac',
            backgroundColor: '#2166ac',
            showLine: false,
            pointStyle: 'rectRot',
            pointRadius: radius(truce),
            clip: false,
          },
        ],
      },
      options: {
        parsing: false,
        scales: { x: axis('mean forecast'), y: axis('observed frequency') },
        plugins: { legend: { position: 'bottom' } },
      },
    },
  );
}

/** The headline sentences: per question in the leave-one-out fold, the skill and whether it is positive. */
function headline(fold: TrackRecordFold | undefined): HTMLElement {
  const brier = (fold?.questions ?? []).filter((q) => q.score !== 'log');
  return h(
    'ul',
    { class: 'track-record-headline' },
    ...brier.map((q) =>
      h(
        'li',
        { 'data-question': q.question },
        h('strong', {}, q.label),
        `: skill ${two(q.skill.skill)} (95% ${two(q.skill.ci95[0])} to ${two(q.skill.ci95[1])}) against the ${q.baselineKind}. ${plainly(q.skill.verdict)}`,
      ),
    ),
  );
}

/** Renders the track record into `root`; returns a destroy function for the charts. */
export function renderTrackRecord(root: HTMLElement): () => void {
  document.title = 'georisk — track record';
  const loo = data.folds.find((f) => f.fold === 'loo');
  const charts = data.folds.map(calibrationCurve);
  replace(
    root,
    h(
      'section',
      { class: 'track-record-screen', 'aria-labelledby': 'track-record-title' },
      h('p', {}, h('a', { href: '#/' }, '← Scenario library')),
      h('h1', { id: 'track-record-title', tabindex: -1 }, 'Track record'),
      h(
        'p',
        { class: 'lede' },
        `The generic clash model, fitted in code to ${data.episodes} interstate clashes since 1990 and scored only on episodes left out of each fit. Base rates in the class: war ${data.counts.war} of ${data.episodes} (${formatPercent(data.counts.war / data.episodes)}), truce within 7 days ${data.counts.truce7} of ${data.episodes} (${formatPercent(data.counts.truce7 / data.episodes)}). Skill is 1 − score / baseline: above 0 beats the base rate, below 0 loses to it.`,
      ),
      h('h2', {}, 'Out of sample, leave-one-out'),
      headline(loo),
      ...data.folds.flatMap((f) => [
        h('h2', {}, f.fold === 'loo' ? 'Every score, leave-one-out' : `Time split at ${data.settings.splitYear}`),
        h('p', {}, `${f.description[0]?.toUpperCase() ?? ''}${f.description.slice(1)}.`),
        scrollBox(foldTable(f)),
      ]),
      h('h2', {}, 'Calibration curves'),
      ...charts.map((c) => c.figure),
      h(
        'p',
        { class: 'muted' },
        `Seed ${data.settings.seed}, ${data.settings.bootstrap} bootstrap resamples over episodes. Method: ${data.method}. Reproduce with georisk calibrate.`,
      ),
    ),
  );
  for (const c of charts) c.draw();
  return () => {
    for (const c of charts) c.destroy();
  };
}
