/** How the observations moved each uncertain parameter: its prior and posterior mean, and the posterior share of each prior third. */
import type { Model } from '../model/model.ts';

/** One uncertain parameter, before and after conditioning. */
export interface ParameterShift {
  name: string;
  priorMean: number;
  posteriorMean: number;
  /** The prior's tercile cut points (from the drawn values). */
  thirds: [number, number];
  /** Posterior probability of the lower, middle and upper prior third (each 1/3 before). */
  posteriorThirds: [number, number, number];
  /** E.g. "now more likely in its upper third (0.52 against 0.33)". */
  summary: string;
}

/**
 * Prior and weighted posterior of each parameter that has an uncertainty distribution, from the
 * values the trials drew (as they stand at the horizon, so after any event that sets them); a summary of moments and thirds, not a fitted posterior distribution.
 */
export function parameterShifts(model: Model, drawn: (Float64Array | undefined)[], weights: Float64Array): ParameterShift[] {
  const out: ParameterShift[] = [];
  let total = 0;
  let squares = 0;
  for (const w of weights) {
    total += w;
    squares += w * w;
  }
  // A third's posterior share moves by sampling noise alone about sqrt((1/3)(2/3) / ESS).
  const noise = 2 * Math.sqrt(((1 / 3) * (2 / 3) * squares) / (total * total));
  model.params.uncertainty.forEach((d, p) => {
    const values = drawn[p];
    if (d === undefined || values === undefined) return;
    const sorted = Float64Array.from(values).sort();
    const cut: [number, number] = [sorted[Math.floor(sorted.length / 3)]!, sorted[Math.floor((2 * sorted.length) / 3)]!];
    let prior = 0;
    let posterior = 0;
    const thirds: [number, number, number] = [0, 0, 0];
    values.forEach((v, i) => {
      prior += v;
      posterior += v * weights[i]!;
      thirds[v < cut[0] ? 0 : v < cut[1] ? 1 : 2] += weights[i]! / total;
    });
    const top = thirds.indexOf(Math.max(...thirds));
    const which = ['lower', 'middle', 'upper'][top]!;
    out.push({
      name: model.params.names[p]!,
      priorMean: prior / values.length,
      posteriorMean: posterior / total,
      thirds: cut,
      posteriorThirds: thirds,
      summary:
        thirds[top]! - 1 / 3 > noise
          ? `now more likely in its ${which} prior third (${thirds[top]!.toFixed(2)} against 0.33)`
          : `hardly moved (its thirds ${thirds.map((x) => x.toFixed(2)).join(' / ')}, within sampling noise)`,
    });
  });
  return out;
}
