/** The "Track record" paragraph of scenarios/README.md, written from a calibrate report so the recorded figures cannot drift. */
import type { CalibrateReport, FoldReport } from './calibrate-report.ts';

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2).replace(/^-0\.00$/, '0.00') : 'n/a');
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

function foldSentence(fold: FoldReport): string {
  const parts = fold.questions
    .filter((q) => q.score !== 'log')
    .map((q) => {
      const s = q.skill;
      return `${q.label} ${q.score === 'crps' ? 'CRPS' : 'Brier'} skill ${f2(s.skill)} (95% ${f2(s.ci95[0])} to ${f2(s.ci95[1])}; ${s.verdict})`;
    });
  return `${fold.description.charAt(0).toUpperCase()}${fold.description.slice(1)}: ${parts.join('; ')}.`;
}

/**
 * The paragraph, in Markdown, from a report made with the settings it names.
 * @example trackRecordParagraph(calibrateReport(scenario, file, settings))
 */
export function trackRecordParagraph(report: CalibrateReport): string {
  const n = report.episodes;
  const { war: wars, truce7: truces } = report.counts;
  const s = report.settings;
  return [
    `**Track record** (\`georisk calibrate\`, seed ${s.seed}, ${s.bootstrap} bootstrap resamples, split year ${s.splitYear}): the generic clash model`,
    `(scenarios/reference-class/generic-clash.yaml) fitted in code to the ${report.episodes} episodes of clashes.yaml and scored only on episodes left out of each fit.`,
    `Base rates in the class: war ${wars} of ${n} (${pct(wars / n)}), truce within 7 days ${truces} of ${n} (${pct(truces / n)}).`,
    ...report.folds.map(foldSentence),
    'Skill is 1 − score / baseline (the fold base rate for events, the fold climatology for days); "positive" means the whole bootstrap interval is above 0, "not clearly positive" that only the point estimate is.',
  ].join('\n');
}
