/** Options shared by sweep, sensitivity and discover: parameter ranges and lists. */
import type { ParameterRange } from '@georisk/engine';
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
