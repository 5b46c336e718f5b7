/** The commands' one progress bar: on stderr, only on a terminal, never with --no-progress. */
import { SingleBar } from 'cli-progress';

/** What a command calls as its work goes on. */
export interface ProgressBar {
  /** Whether a bar can show (asked for, and stderr is a terminal); when not, `update` does nothing and the work need not count. */
  active: boolean;
  /** How many `unit`s are done. */
  update(done: number): void;
  /** Clears the bar, when the work ends or fails. */
  stop(): void;
}

export interface ProgressBarOptions {
  /** False with --no-progress (or where another reporter shows progress, as a queue's does). */
  enabled: boolean;
  total: number;
  /** What is going on, first on the line: `running`, `sweeping`, `drawing`. */
  label: string;
  /** What is counted: `trials`, `points`, `draws`. */
  unit: string;
  /** How long the work must have taken before the bar appears, so a quick run shows none. */
  showAfterMs: number;
}

/**
 * A progress bar on stderr, once the work has taken `showAfterMs`, reading
 * `sweeping ████░░ 42% | 420/1000 points | ETA 3s`.
 * @example const progress = progressBar({ enabled: flags.progress, total: 1000, label: 'sweeping', unit: 'points', showAfterMs: 500 })
 */
export function progressBar(options: ProgressBarOptions): ProgressBar {
  if (!options.enabled || process.stderr.isTTY !== true) return { active: false, update: () => {}, stop: () => {} };
  const { total, label, unit, showAfterMs } = options;
  const started = performance.now();
  let bar: SingleBar | undefined;
  return {
    active: true,
    update(done) {
      if (bar === undefined && performance.now() - started > showAfterMs) {
        bar = new SingleBar({
          stream: process.stderr,
          format: `${label} {bar} {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}`,
          hideCursor: true,
          clearOnComplete: true,
        });
        bar.start(total, done);
      }
      bar?.update(done);
    },
    stop: () => bar?.stop(),
  };
}
