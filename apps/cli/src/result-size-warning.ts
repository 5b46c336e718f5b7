/** The CLI's warning about a result larger than the API accepts (the CLI runs it anyway). */
import { DEFAULT_MAX_RESULT_VALUES, estimateResultSize, type Model } from '@georisk/engine';

/** Writes a warning to stderr when a run of `model` would produce more numbers than the server accepts. */
export function warnIfLargeResult(model: Model): void {
  const size = estimateResultSize(model);
  if (size.values <= DEFAULT_MAX_RESULT_VALUES) return;
  process.stderr.write(
    `warning: the result will hold ${size.values.toExponential(2)} numbers (${size.states} states × ${size.steps + 1} time points × ${size.series} series; up to ${(size.maxBytes / 1e6).toFixed(0)} MB of JSON), more than the server accepts (${DEFAULT_MAX_RESULT_VALUES.toExponential(2)}); a coarser dt makes it smaller\n`,
  );
}
