/** A small Nelder–Mead simplex minimiser (mathjs has no derivative-free optimiser, and the likelihood has no gradient). */

/** Options of `nelderMead`. */
export interface NelderMeadOptions {
  /** Most evaluations of the objective (default 400). */
  maxEvaluations?: number;
  /** Stop when the simplex's values differ by less than this (default 1e-6). */
  tolerance?: number;
  /** Size of the first simplex's steps along each axis (default 0.5). */
  step?: number;
}

/** The minimum found: where, its value, and how many evaluations it took. */
export interface NelderMeadResult {
  x: number[];
  value: number;
  evaluations: number;
}

const sub = (a: readonly number[], b: readonly number[]) => a.map((v, i) => v - (b[i] ?? 0));
const axpy = (x: readonly number[], t: number, d: readonly number[]) => x.map((v, i) => v + t * (d[i] ?? 0));

/**
 * Minimises `f` from `start` with the standard coefficients (reflection 1, expansion 2, contraction ½, shrink ½).
 * @example nelderMead(([x = 0, y = 0]) => (x - 1) ** 2 + (y + 2) ** 2, [0, 0]).x // ≈ [1, −2]
 */
export function nelderMead(f: (x: number[]) => number, start: readonly number[], options: NelderMeadOptions = {}): NelderMeadResult {
  const max = options.maxEvaluations ?? 400;
  const tol = options.tolerance ?? 1e-6;
  const step = options.step ?? 0.5;
  let evaluations = 0;
  const value = (x: number[]) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let simplex = [start.slice(), ...start.map((_, i) => start.map((v, j) => (i === j ? v + step : v)))].map((x) => ({ x, v: value(x) }));
  while (evaluations < max) {
    simplex.sort((a, b) => a.v - b.v);
    const best = simplex[0]!;
    const worst = simplex[simplex.length - 1]!;
    if (Math.abs(worst.v - best.v) <= tol * (1 + Math.abs(best.v))) break;
    const rest = simplex.slice(0, -1);
    const centroid = start.map((_, i) => rest.reduce((s, p) => s + (p.x[i] ?? 0), 0) / rest.length);
    const dir = sub(centroid, worst.x);
    const reflected = axpy(centroid, 1, dir);
    const vr = value(reflected);
    const second = simplex[simplex.length - 2]!;
    if (vr < best.v) {
      const expanded = axpy(centroid, 2, dir);
      const ve = value(expanded);
      simplex[simplex.length - 1] = ve < vr ? { x: expanded, v: ve } : { x: reflected, v: vr };
    } else if (vr < second.v) {
      simplex[simplex.length - 1] = { x: reflected, v: vr };
    } else {
      const contracted = vr < worst.v ? axpy(centroid, 0.5, dir) : axpy(centroid, -0.5, dir);
      const vc = value(contracted);
      if (vc < Math.min(vr, worst.v)) simplex[simplex.length - 1] = { x: contracted, v: vc };
      else
        simplex = simplex.map((p, i) =>
          i === 0 ? p : { x: axpy(best.x, 0.5, sub(p.x, best.x)), v: value(axpy(best.x, 0.5, sub(p.x, best.x))) },
        );
    }
  }
  simplex.sort((a, b) => a.v - b.v);
  return { x: simplex[0]!.x, value: simplex[0]!.v, evaluations };
}
