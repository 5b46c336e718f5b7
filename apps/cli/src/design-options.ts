/** Options shared by sweep, sensitivity and discover: parameter ranges, lists, progress. */
import type { ParameterRange } from '@georisk/engine';
import { SingleBar } from 'cli-progress';
import { InvalidArgumentError } from 'commander';

/** Parses `name`, `name=lo:hi` or `name=lo:hi:n` (repeatable). */
export function collectVary(value: string, previous: ParameterRange[]): ParameterRange[] {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=([^:]+):([^:]+)(?::([^:]+))?)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`expected name, name=lo:hi or name=lo:hi:n, got "${value}"`);
  const name = m[1]!;
  if (m[2] === undefined) return [...previous, { name }];
  const lo = Number(m[2]);
  const hi = Number(m[3]);
  if (!Number.isFinite(lo) || !Number.isFinite(hi))
    throw new InvalidArgumentError(`the range of ${name} must be two numbers lo:hi, got "${m[2]}:${m[3]}"`);
  if (m[4] === undefined) return [...previous, { name, lo, hi }];
  const n = Number(m[4]);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`the number of levels of ${name} must be a whole number, got "${m[4]}"`);
  return [...previous, { name, lo, hi, n }];
}

/** Parses a comma-separated list. */
export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Parses a number. */
export function finiteNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number, got "${value}"`);
    return n;
  };
}

/** A progress bar on stderr for long runs, only on a terminal; call the result with points (or other `unit`s) done. */
export function pointProgress(
  enabled: boolean,
  total: number,
  label: string,
  unit = 'points',
): { update: (done: number) => void; stop: () => void } {
  if (!enabled || process.stderr.isTTY !== true) return { update: () => {}, stop: () => {} };
  const started = performance.now();
  let bar: SingleBar | undefined;
  return {
    update(done) {
      if (bar === undefined && performance.now() - started > 500) {
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
