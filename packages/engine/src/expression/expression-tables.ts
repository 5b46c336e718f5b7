/** The expression language's allowlist: operators, functions and reserved names, and the size limits. */
import * as dist from '../distributions.ts';
import { CALENDAR_NAMES } from './calendar.ts';

/** Longest accepted expression, in characters. */
export const MAX_EXPRESSION_LENGTH = 2000;
/** Deepest accepted nesting of the expression tree. */
export const MAX_EXPRESSION_DEPTH = 40;

/** The operators scenarios may use: mathjs name → symbol. */
export const OPERATORS: Record<string, string> = {
  add: '+',
  subtract: '-',
  multiply: '*',
  divide: '/',
  pow: '^',
  mod: 'mod',
  unaryMinus: '-',
  unaryPlus: '+',
  and: 'and',
  or: 'or',
  xor: 'xor',
  not: 'not',
  equal: '==',
  unequal: '!=',
  smaller: '<',
  larger: '>',
  smallerEq: '<=',
  largerEq: '>=',
};

/** Pure math functions: name → [min arity, max arity]. */
export const MATH_FUNCTIONS: Record<string, [number, number]> = {
  min: [1, 64],
  max: [1, 64],
  abs: [1, 1],
  exp: [1, 1],
  log: [1, 2],
  sqrt: [1, 1],
  pow: [2, 2],
  floor: [1, 1],
  ceil: [1, 1],
  round: [1, 1],
  clamp: [3, 3],
  sin: [1, 1],
  cos: [1, 1],
  tan: [1, 1],
};

/** Named constants, exact to the double (`e` is Math.E, not exp(1) computed at run time). */
export const EXPRESSION_CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, e: Math.E };

const STATE_FUNCTIONS = ['is'] as const;
export const METRIC_FUNCTIONS = ['ever', 'first', 'time_in'] as const;

/** Every function name scenarios may call. */
export const ALLOWED_FUNCTIONS: readonly string[] = [
  ...Object.keys(MATH_FUNCTIONS),
  ...STATE_FUNCTIONS,
  ...METRIC_FUNCTIONS,
  ...Object.keys(dist.SAMPLERS),
];

/** Names that scenarios may not declare because expressions already give them a meaning. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  't',
  'dt',
  'true',
  'false',
  'null',
  'undefined',
  'Infinity',
  'NaN',
  'and',
  'or',
  'not',
  'xor',
  'mod',
  'to',
  'in',
  'end',
  ...Object.keys(EXPRESSION_CONSTANTS),
  ...CALENDAR_NAMES,
  ...ALLOWED_FUNCTIONS,
]);
