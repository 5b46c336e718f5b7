/** The generic clash model's fitting and out-of-sample scoring (`georisk calibrate`). */
export {
  type CalibrateReport,
  type CalibrateSettings,
  calibrateReport,
  type FoldKind,
  type FoldReport,
  type QuestionScore,
} from './calibrate-report.ts';
export { bootstrapSkill, eventScores, intervalCrps, type ReliabilityBin, reliability, type Skill } from './calibration-scores.ts';
export { type ClashForecast, type ClashParameters, clashForecast, clashForecasts, covariateSwitches } from './clash-forecast.ts';
export { type ClashFit, daysProbability, episodeLogLikelihood, fitClashModel, PRIOR_SD, START } from './fit-clash-model.ts';
export { daysDistribution, type FoldBaseline, foldBaseline, type HeldOut, heldOutScores } from './held-out-scores.ts';
export { nelderMead } from './nelder-mead.ts';
export { trackRecordParagraph } from './track-record.ts';
export { type TrackRecordData, type TrackRecordFold, trackRecordData } from './track-record-data.ts';
