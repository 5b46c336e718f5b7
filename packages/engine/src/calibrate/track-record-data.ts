/** The track record as the web page shows it: the calibrate report without its per-episode rows, small enough to bundle. */
import type { CalibrateReport, FoldReport } from './calibrate-report.ts';

/** One fold of the track record: its description, per-question skill and reliability bins. */
export type TrackRecordFold = Omit<FoldReport, 'heldOut'> & { heldOut: number };

/** What `scenarios/reference-class/track-record.json` holds (written from `calibrateReport`, checked by the engine's calibrate test). */
export interface TrackRecordData {
  generatedBy: string;
  episodes: number;
  counts: CalibrateReport['counts'];
  settings: CalibrateReport['settings'];
  method: string;
  folds: TrackRecordFold[];
}

/** The report's summary for the web page: every fold's scores and reliability, the held-out episodes counted rather than listed. */
export function trackRecordData(report: CalibrateReport): TrackRecordData {
  const { folds: kinds, splitYear, bootstrap, seed } = report.settings;
  return {
    generatedBy: `trackRecordData(calibrateReport(generic-clash.yaml, clashes.yaml, { folds: [${kinds.join(', ')}], splitYear: ${splitYear}, bootstrap: ${bootstrap}, seed: ${seed} })); georisk calibrate --json prints the full report`,
    episodes: report.episodes,
    counts: report.counts,
    settings: report.settings,
    method: report.method,
    folds: report.folds.map(({ heldOut, ...fold }) => ({ ...fold, heldOut: heldOut.length })),
  };
}
