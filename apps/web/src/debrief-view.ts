/**
 * The debrief after the reveal, for the teacher's projector and each student's screen: what the
 * class decided, each question's answer against the class's forecasts, the leaderboard, team
 * scores, a calibration chart and how the decisions moved the odds against no action. Every chart
 * has a text alternative and a table; every name is set as text.
 */
import type { Debrief, QuestionOutcome } from '@georisk/engine/classroom';
import { seriesColor, withAlpha } from './chart-data.ts';
import { type ChartFigure, figure } from './charts.ts';
import type { DebriefView } from './classroom-api.ts';
import { dataTable, h } from './dom.ts';
import { formatNumber, formatPercent } from './format.ts';

const percentAxis = { min: 0, ticks: { callback: (v: string | number) => formatPercent(Number(v)) } };

/** A score to three decimals, or a dash when there is none. */
export function formatScore(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

/** A number cell that carries its raw value for tests and copy-paste. */
function num(key: string, value: number | null | undefined, text: string): HTMLTableCellElement {
  return h('td', { class: 'num', 'data-key': key, 'data-value': value ?? '' }, text);
}

/** Forecasts of a probability question in tenths, with the engine's answer marked. */
function probabilityFigure(
  q: Debrief['questions'][number],
  outcome: Extract<QuestionOutcome, { kind: 'probability' }>,
  forecasts: number[],
): ChartFigure {
  const labels = Array.from({ length: 10 }, (_, i) => `${i * 10}–${i * 10 + 10}%`);
  const counts = labels.map((_, i) => forecasts.filter((f) => Math.min(9, Math.floor(f * 10)) === i).length);
  const summary = `The engine's answer: ${formatPercent(outcome.p)} (95% interval ${formatPercent(outcome.ci95[0])} to ${formatPercent(outcome.ci95[1])}). The class's ${forecasts.length} forecasts: ${labels
    .map((l, i) => (counts[i] ? `${counts[i]} in ${l}` : ''))
    .filter(Boolean)
    .join(', ')}.`;
  const table = dataTable(
    `Forecasts of "${q.label}"`,
    ['forecast', 'students'],
    labels.map((l, i) => [l, counts[i] ?? 0]),
  );
  return figure(`chart-q-${q.id}`, q.label, summary, table, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: 'students', data: counts, backgroundColor: withAlpha(seriesColor(4), 0.85), borderColor: seriesColor(0), borderWidth: 1 },
      ],
    },
    options: {
      layout: { padding: { top: 30, left: 24, right: 34 } },
      scales: {
        y: { min: 0, ticks: { precision: 0 }, title: { display: true, text: 'students' } },
        x: { title: { display: true, text: 'forecast probability' } },
      },
      plugins: {
        legend: { display: false },
        georiskMarks: { marks: [{ position: outcome.p * 10 - 0.5, label: `engine ${formatPercent(outcome.p)}`, dash: [] }] },
      } as never,
    },
  });
}

/** The outcome distribution of a quantity question, with the engine's median and the class's median forecast. */
function quantityFigure(
  q: Debrief['questions'][number],
  outcome: Extract<QuestionOutcome, { kind: 'quantity' }>,
  forecasts: number[],
): ChartFigure {
  const { edges, counts } = outcome.histogram;
  const total = counts.reduce((a, b) => a + b, 0);
  const labels = counts.map((_, i) => `${formatNumber(edges[i] as number)}–${formatNumber(edges[i + 1] as number)}`);
  const position = (x: number) => {
    const n = counts.length;
    const lo = edges[0] as number;
    const hi = edges[n] as number;
    return hi > lo ? Math.max(-0.5, Math.min(n - 0.5, ((x - lo) / (hi - lo)) * n - 0.5)) : 0;
  };
  const sorted = [...forecasts].sort((a, b) => a - b);
  const classMedian = sorted.length ? (sorted[Math.floor((sorted.length - 1) / 2)] as number) : undefined;
  const unit = q.unit ? ` ${q.unit}` : '';
  const summary = `The engine's median: ${formatNumber(outcome.median)}${unit} (5th to 95th percentile ${formatNumber(outcome.quantiles.p5 as number)} to ${formatNumber(outcome.quantiles.p95 as number)}). ${
    classMedian === undefined ? 'No forecasts.' : `The class's median forecast: ${formatNumber(classMedian)}${unit}.`
  }`;
  const table = dataTable(
    `Outcome distribution of "${q.label}"`,
    ['bin', 'share of trials'],
    labels.map((l, i) => [l, formatPercent(total ? (counts[i] as number) / total : 0)]),
  );
  const marks = [{ position: position(outcome.median), label: `engine median ${formatNumber(outcome.median)}`, dash: [] as number[] }];
  if (classMedian !== undefined) marks.push({ position: position(classMedian), label: `class ${formatNumber(classMedian)}`, dash: [4, 3] });
  marks.sort((a, b) => a.position - b.position);
  return figure(`chart-q-${q.id}`, q.label, summary, table, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          label: 'share of trials',
          data: counts.map((c) => (total ? c / total : 0)),
          backgroundColor: withAlpha(seriesColor(4), 0.8),
          borderColor: seriesColor(0),
          borderWidth: 1,
          barPercentage: 1,
          categoryPercentage: 1,
        },
      ],
    },
    options: {
      layout: { padding: { top: 36, left: 12, right: 24 } },
      scales: {
        y: { ...percentAxis, title: { display: true, text: 'share of trials' } },
        x: { ticks: { maxRotation: 50, autoSkip: true, maxTicksLimit: 8 }, title: { display: true, text: `${q.label}${unit}` } },
      },
      plugins: { legend: { display: false }, georiskMarks: { marks } } as never,
    },
  });
}

/** Mean forecast in each tenth against the engine's mean answer for the same forecasts; the diagonal is perfect calibration. */
function calibrationFigure(bins: Debrief['calibration']): ChartFigure {
  const used = bins.filter((b) => b.count > 0);
  const labels = bins.map((b) => `${Math.round(b.lo * 100)}–${Math.round(b.hi * 100)}%`);
  const summary =
    used.length === 0
      ? 'No probability forecasts.'
      : `Calibration: ${used
          .map(
            (b) =>
              `${b.count} forecasts averaging ${formatPercent(b.meanForecast as number)} met an engine answer averaging ${formatPercent(b.meanOutcome as number)}`,
          )
          .join('; ')}.`;
  const table = dataTable(
    'Calibration of the class',
    ['forecast bin', 'forecasts', 'mean forecast', "engine's mean answer"],
    bins.map((b, i) => [
      labels[i] as string,
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

/** How the decisions moved each probability, in percentage points, with 95% intervals. */
function effectsFigure(view: DebriefView): ChartFigure | undefined {
  const rows = view.debrief.effects.filter((e) => e.measure === 'probability');
  if (rows.length === 0) return undefined;
  const label = new Map(view.debrief.questions.map((q) => [q.id, q.label]));
  const labels = rows.map((e) => label.get(e.question) ?? e.question);
  const summary = rows
    .map((e, i) => `${labels[i]}: ${signedPoints(e.difference)} (95% interval ${signedPoints(e.ci95[0])} to ${signedPoints(e.ci95[1])})`)
    .join('; ');
  const table = dataTable(
    'Change made by the decisions',
    ['question', 'change', '95% interval'],
    rows.map((e, i) => [labels[i] as string, signedPoints(e.difference), `${signedPoints(e.ci95[0])} to ${signedPoints(e.ci95[1])}`]),
  );
  return figure('chart-effects', "How the class's decisions moved the odds (percentage points)", summary, table, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          label: 'change',
          data: rows.map((e) => e.difference * 100),
          backgroundColor: rows.map((e) => withAlpha(e.difference < 0 ? seriesColor(2) : seriesColor(5), 0.8)),
          errorBars: rows.map((e) => [e.ci95[0] * 100, e.ci95[1] * 100]),
        } as never,
      ],
    },
    options: {
      indexAxis: 'y',
      scales: { x: { title: { display: true, text: 'percentage points (with − without the decisions)' } } },
      plugins: { legend: { display: false } },
    },
  });
}

/** A difference of probabilities in percentage points: "+3.1 pp". */
export function signedPoints(d: number): string {
  const pp = d * 100;
  return `${pp > 0 ? '+' : pp < 0 ? '−' : '±'}${Math.abs(pp).toFixed(1)} pp`;
}

/** Renders the debrief; `me` highlights a student's own row. Returns the charts to draw and destroy. */
export function renderDebrief(
  view: DebriefView,
  options: { me?: string; onCsv: () => void },
): { element: HTMLElement; charts: ChartFigure[] } {
  const { debrief, exercise } = view;
  const teamName = new Map(exercise.teams.map((t) => [t.id, t.name]));
  const charts: ChartFigure[] = [];
  const lever = new Map(exercise.levers.map((l) => [l.id, l]));

  const decisions = h(
    'table',
    { class: 'data', id: 'class-decisions' },
    h('caption', {}, "The class's decisions (most votes wins; a tie means no action)"),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'decision'),
        h('th', { scope: 'col' }, 'team'),
        h('th', { scope: 'col' }, 'outcome'),
        h('th', { scope: 'col' }, 'votes'),
      ),
    ),
    h(
      'tbody',
      {},
      ...view.decisions.map((d) => {
        const l = lever.get(d.lever);
        const optionLabel = (id: string) => (l?.kind === 'choice' ? (l.options.find((o) => o.id === id)?.label ?? id) : id);
        const outcome =
          d.decision === null
            ? 'nobody voted: no action'
            : typeof d.decision === 'number'
              ? formatNumber(d.decision)
              : optionLabel(d.decision);
        const votes = Array.isArray(d.votes)
          ? d.votes.map((v) => formatNumber(v)).join(', ') || '–'
          : Object.entries(d.votes)
              .map(([id, n]) => `${optionLabel(id)}: ${n}`)
              .join('; ');
        return h(
          'tr',
          { 'data-lever': d.lever },
          h('th', { scope: 'row' }, l?.label ?? d.lever),
          h('td', {}, l?.team ? (teamName.get(l.team) ?? l.team) : 'everyone'),
          h('td', { 'data-key': 'decision' }, outcome),
          h('td', {}, votes),
        );
      }),
    ),
  );

  const questionBlocks = debrief.questions.map((q) => {
    const forecasts = debrief.students.flatMap((s) => s.forecasts.filter((f) => f.question === q.id).map((f) => f.forecast));
    const chart = q.outcome.kind === 'probability' ? probabilityFigure(q, q.outcome, forecasts) : quantityFigure(q, q.outcome, forecasts);
    charts.push(chart);
    const answer =
      q.outcome.kind === 'probability'
        ? `${formatPercent(q.outcome.p)} (95% interval ${formatPercent(q.outcome.ci95[0])} to ${formatPercent(q.outcome.ci95[1])})`
        : `median ${formatNumber(q.outcome.median)}${q.unit ? ` ${q.unit}` : ''}, mean ${formatNumber(q.outcome.mean)}`;
    return h(
      'section',
      { class: 'question-result', 'data-question': q.id },
      h(
        'p',
        { class: 'answer' },
        h('strong', {}, 'Engine: '),
        h('span', { 'data-key': 'answer', 'data-value': q.outcome.kind === 'probability' ? q.outcome.p : q.outcome.median }, answer),
      ),
      chart.figure,
    );
  });

  const hasTeams = exercise.teams.length > 0;
  const leaderboard = h(
    'table',
    { class: 'data', id: 'leaderboard' },
    h(
      'caption',
      {},
      'Leaderboard: mean expected Brier score on the probability questions (lower is better; always saying 50% scores 0.250)',
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['rank', 'student', ...(hasTeams ? ['team'] : []), 'Brier', 'log score (bits)', 'quantity error (× best)'].map((c) =>
          h('th', { scope: 'col' }, c),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...debrief.students.map((s) =>
        h(
          'tr',
          { 'data-student': s.id, class: s.id === options.me ? 'me' : undefined },
          num('rank', s.rank, String(s.rank)),
          h('th', { scope: 'row' }, s.name, s.id === options.me ? h('span', { class: 'you' }, ' (you)') : null),
          hasTeams ? h('td', {}, s.team ? (teamName.get(s.team) ?? s.team) : '') : null,
          num('brier', s.brier, formatScore(s.brier)),
          num('log', s.log, formatScore(s.log, 2)),
          num('relativeError', s.relativeError, s.relativeError === null ? '–' : `${formatScore(s.relativeError, 2)}×`),
        ),
      ),
      crowdRow(debrief, hasTeams),
    ),
  );

  const teams = hasTeams
    ? dataTable(
        'Team scores (means of the members)',
        ['team', 'members', 'Brier', 'log score (bits)', 'quantity error (× best)'],
        debrief.teams.map((t) => [
          t.name,
          t.members,
          formatScore(t.brier),
          formatScore(t.log, 2),
          t.relativeError === null ? '–' : `${formatScore(t.relativeError, 2)}×`,
        ]),
      )
    : null;
  if (teams) teams.id = 'team-scores';

  const calibration = calibrationFigure(debrief.calibration);
  charts.push(calibration);
  const effectChart = effectsFigure(view);
  if (effectChart) charts.push(effectChart);
  const label = new Map(debrief.questions.map((q) => [q.id, q]));
  const effects = h(
    'table',
    { class: 'data', id: 'effects' },
    h(
      'caption',
      {},
      'With the class’s decisions against no action, same seed (intervals treat the runs as independent, so they are conservative)',
    ),
    h(
      'thead',
      {},
      h('tr', {}, ...['question', 'with the decisions', 'no action', 'change', '95% interval'].map((c) => h('th', { scope: 'col' }, c))),
    ),
    h(
      'tbody',
      {},
      ...debrief.effects.map((e) => {
        const q = label.get(e.question);
        const fmt = (x: number) => (e.measure === 'probability' ? formatPercent(x) : formatNumber(x));
        const diff = (x: number) =>
          e.measure === 'probability' ? signedPoints(x) : `${x > 0 ? '+' : x < 0 ? '−' : '±'}${formatNumber(Math.abs(x))}`;
        return h(
          'tr',
          { 'data-question': e.question },
          h('th', { scope: 'row' }, `${q?.label ?? e.question}${e.measure === 'mean' ? ' (mean)' : ''}`),
          num('with', e.withDecisions, fmt(e.withDecisions)),
          num('without', e.noAction, fmt(e.noAction)),
          num('difference', e.difference, diff(e.difference)),
          h('td', { class: 'num' }, `${diff(e.ci95[0])} to ${diff(e.ci95[1])}`),
        );
      }),
    ),
  );

  const me = debrief.students.find((s) => s.id === options.me);
  const mine = me
    ? h(
        'table',
        { class: 'data', id: 'my-scores' },
        h('caption', {}, `Your forecasts, ${me.name}: rank ${me.rank} of ${debrief.students.length}`),
        h('thead', {}, h('tr', {}, ...['question', 'you said', 'engine', 'your score'].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          {},
          ...me.forecasts.map((f) => {
            const q = label.get(f.question);
            const isP = f.brier !== undefined;
            const show = (x: number) => (isP ? formatPercent(x) : formatNumber(x));
            return h(
              'tr',
              { 'data-question': f.question },
              h('th', { scope: 'row' }, q?.label ?? f.question),
              num('forecast', f.forecast, show(f.forecast)),
              num('outcome', f.outcome, `${isP ? '' : 'median '}${show(f.outcome)}`),
              isP
                ? num('brier', f.brier, `Brier ${formatScore(f.brier)}`)
                : num(
                    'relativeError',
                    f.relativeError,
                    `error ${formatNumber(f.absoluteError as number)} (${formatScore(f.relativeError, 2)}× best)`,
                  ),
            );
          }),
        ),
      )
    : null;

  const r = view.receipts;
  const element = h(
    'section',
    { class: 'debrief', id: 'debrief', 'aria-labelledby': 'debrief-title' },
    h('h2', { id: 'debrief-title' }, 'Debrief'),
    h(
      'p',
      { class: 'lede' },
      `${view.submitted} ${view.submitted === 1 ? 'student' : 'students'} submitted. The engine played the 30 days ${formatNumber(r.withDecisions.trials)} times with the class's decisions and ${formatNumber(r.noAction.trials)} times with none, with the same seed (${r.withDecisions.seed}), so the difference is the decisions' and not the dice's. Scores are expected scores under the engine's answer: luck plays no part.`,
    ),
    h(
      'p',
      { class: 'debrief-actions no-print' },
      h('button', { type: 'button', id: 'download-csv', onclick: options.onCsv }, 'Download CSV'),
      h('button', { type: 'button', id: 'print', onclick: () => window.print() }, 'Print'),
    ),
    mine ? h('h3', {}, 'Your forecasts') : null,
    mine ? h('div', { class: 'table-scroll' }, mine) : null,
    h('h3', {}, 'What the class decided'),
    h('div', { class: 'table-scroll' }, decisions),
    h('h3', {}, 'Each question: the class against the engine'),
    h('div', { class: 'question-grid' }, ...questionBlocks),
    h('h3', {}, 'Leaderboard'),
    h('div', { class: 'table-scroll' }, leaderboard),
    teams ? h('div', { class: 'table-scroll' }, teams) : null,
    h('h3', {}, 'Calibration'),
    calibration.figure,
    h('h3', {}, 'Did the decisions matter?'),
    effectChart?.figure,
    h('div', { class: 'table-scroll' }, effects),
    h(
      'p',
      { class: 'receipt muted', id: 'debrief-receipt' },
      `Receipts: scenario ${r.withDecisions.scenarioId} (${r.withDecisions.scenarioHash.slice(0, 12)}), engine ${r.withDecisions.engineVersion}, seed ${r.withDecisions.seed}; with the decisions: output ${r.withDecisions.outputHash.slice(0, 16)}, overrides ${JSON.stringify(r.withDecisions.overrides)}; no action: output ${r.noAction.outputHash.slice(0, 16)}. Revealed ${new Date(view.revealedAt).toLocaleString()} in ${view.seconds.toFixed(1)} s.`,
    ),
  );
  return { element, charts };
}

function crowdRow(debrief: Debrief, hasTeams: boolean): HTMLTableRowElement | null {
  if (debrief.crowd.length === 0) return null;
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  const brier = mean(debrief.crowd.flatMap((f) => (f.brier === undefined ? [] : [f.brier])));
  const log = mean(debrief.crowd.flatMap((f) => (f.log === undefined ? [] : [f.log])));
  const rel = mean(debrief.crowd.flatMap((f) => (f.relativeError === undefined ? [] : [f.relativeError])));
  return h(
    'tr',
    { class: 'crowd', 'data-student': 'crowd' },
    h('td', { class: 'num' }, '–'),
    h('th', { scope: 'row' }, 'The class median (not ranked)'),
    hasTeams ? h('td', {}, '') : null,
    num('brier', brier, formatScore(brier)),
    num('log', log, formatScore(log, 2)),
    num('relativeError', rel, rel === null ? '–' : `${formatScore(rel, 2)}×`),
  );
}
