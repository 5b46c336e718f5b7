/**
 * What the scenario screen says about a value as it is typed or arrives in a permalink: a trial count
 * or seed that is not a whole number in range, a parameter value outside its declared range or not one of
 * a switch's or choice's values, a permalink naming a parameter the scenario lacks. Every message names
 * the field or parameter.
 */
import { describeLevels, type Parameter, parameterLevels } from '@georisk/engine';
import { formatCount, formatInputValue } from '../format.ts';

/** A problem with one field: an error stops a run; a warning lets it go ahead. */
export interface FieldProblem {
  level: 'error' | 'warning';
  message: string;
}

/** Why `text` is not a whole number from `min` to `max`, for the field called `what`; undefined when it is one. */
export function wholeNumberProblem(text: string, min: number, max: number, what: string): FieldProblem | undefined {
  const v = Number(text);
  const range = `from ${formatCount(min)} to ${formatCount(max)}`;
  if (text.trim() === '' || !Number.isFinite(v)) return { level: 'error', message: `${what}: type a whole number ${range}` };
  if (!Number.isInteger(v)) return { level: 'error', message: `${what}: ${text} is not a whole number; type one ${range}` };
  if (v < min) return { level: 'error', message: `${what}: ${text} is below ${formatCount(min)}; type a whole number ${range}` };
  if (v > max) return { level: 'error', message: `${what}: ${text} is above ${formatCount(max)}; type a whole number ${range}` };
  return undefined;
}

/** What is wrong with value `text` for parameter `name` (shown as `label`), if anything. */
export function parameterProblem(name: string, label: string, p: Parameter, text: string): FieldProblem | undefined {
  const v = Number(text);
  const who = label === name ? name : `${label} (${name})`;
  if (text.trim() === '' || !Number.isFinite(v)) return { level: 'error', message: `${who}: type a number` };
  const levels = parameterLevels(p);
  if (levels !== undefined && !levels.includes(v)) {
    return { level: 'error', message: `${who}: ${formatInputValue(v)} is not one of its values ${describeLevels(levels)}` };
  }
  const range = p.range;
  if (range !== undefined && (v < range[0] || v > range[1])) {
    return {
      level: 'warning',
      message: `${who}: ${formatInputValue(v)} is outside its declared range ${formatInputValue(range[0])} to ${formatInputValue(range[1])}; the model was not built for it, and a run may fail`,
    };
  }
  return undefined;
}

/**
 * The overrides a permalink may apply to this scenario, and what it said that was ignored: names the
 * scenario lacks, and the notes parseHash kept about unreadable trials, seed or values.
 */
export function permalinkOverrides(
  overrides: Record<string, number>,
  parameters: Record<string, Parameter>,
): { overrides: Record<string, number>; ignored: string[]; outside: { name: string; text: string }[] } {
  const kept: Record<string, number> = {};
  const ignored: string[] = [];
  // Each with the parameter it names, so that its note can go once the value does.
  const outside: { name: string; text: string }[] = [];
  for (const [name, v] of Object.entries(overrides)) {
    const p = parameters[name];
    if (p === undefined) {
      ignored.push(`set.${name}: this scenario has no parameter "${name}"; ignored`);
      continue;
    }
    const levels = parameterLevels(p);
    if (levels !== undefined && !levels.includes(v)) {
      ignored.push(`set.${name}=${formatInputValue(v)}: "${name}" takes ${describeLevels(levels)}; ignored`);
      continue;
    }
    kept[name] = v;
    const problem = parameterProblem(name, name, p, String(v));
    if (problem) outside.push({ name, text: `set.${name}=${formatInputValue(v)}: ${problem.message.replace(`${name}: `, '')}` });
  }
  return { overrides: kept, ignored, outside };
}
