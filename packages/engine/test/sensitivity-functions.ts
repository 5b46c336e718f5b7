/** Test functions with known Sobol' indices (Ishigami, Sobol' G-function) on the unit cube. */

const A = 7;
const B = 0.1;
const PI = Math.PI;

/** Ishigami (a = 7, b = 0.1) with each x_i = −π + 2π u_i. */
export function ishigami(u: readonly number[]): number {
  const [x1, x2, x3] = u.map((v) => -PI + 2 * PI * v) as [number, number, number];
  return Math.sin(x1) + A * Math.sin(x2) ** 2 + B * x3 ** 4 * Math.sin(x1);
}

const V = (A * A) / 8 + (B * PI ** 4) / 5 + (B * B * PI ** 8) / 18 + 0.5;
const V1 = 0.5 * (1 + (B * PI ** 4) / 5) ** 2;
const V2 = (A * A) / 8;
const V13 = (8 * B * B * PI ** 8) / 225;

/** Ishigami's exact first- and total-order indices. */
export const ISHIGAMI = { s1: [V1 / V, V2 / V, 0], st: [(V1 + V13) / V, V2 / V, V13 / V] };

const G_A = [0, 1, 4.5, 9, 99, 99];
const VI = G_A.map((a) => 1 / (3 * (1 + a) ** 2));
const GV = VI.reduce((p, v) => p * (1 + v), 1) - 1;

/** Sobol' G-function with a = 0, 1, 4.5, 9, 99, 99. */
export function gFunction(u: readonly number[]): number {
  return u.reduce((p, x, i) => (p * (Math.abs(4 * x - 2) + G_A[i]!)) / (1 + G_A[i]!), 1);
}

/** The G-function's exact first- and total-order indices. */
export const G_FUNCTION = {
  s1: VI.map((v) => v / GV),
  st: VI.map((v, i) => (v * VI.reduce((p, w, j) => (j === i ? p : p * (1 + w)), 1)) / GV),
};
