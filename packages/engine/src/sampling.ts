/**
 * Designs of experiments in the unit cube: full-factorial grids, Latin hypercubes, Sobol'
 * sequences, Saltelli matrices and Morris trajectories. Every design is a pure function of its
 * arguments and a seed, so the same call gives the same points everywhere.
 */
import { defined } from './defined.ts';
import { GeoriskError, issue } from './errors.ts';
import { TrialStream, trialSeed } from './rng.ts';

/** Streams of the design generator, apart from the trials' own streams (0 and 1). */
const DESIGN_STREAM = 101;

/** A seeded uniform source for designs (not for trials). */
export function designRng(seed: number, salt = 0): TrialStream {
  return new TrialStream(trialSeed(seed, salt, DESIGN_STREAM));
}

/**
 * Joe and Kuo's direction numbers (new-joe-kuo-6.21201) for dimensions 2 to 37, one row each as
 * `s a m_1 … m_s`; dimension 1 is van der Corput and needs none.
 */
const JOE_KUO = [
  '1 0 1',
  '2 1 1 3',
  '3 1 1 3 1',
  '3 2 1 1 1',
  '4 1 1 1 3 3',
  '4 4 1 3 5 13',
  '5 2 1 1 5 5 17',
  '5 4 1 1 5 5 5',
  '5 7 1 1 7 11 19',
  '5 11 1 1 5 1 1',
  '5 13 1 1 1 3 11',
  '5 14 1 3 5 5 31',
  '6 1 1 3 3 9 7 49',
  '6 13 1 1 1 15 21 21',
  '6 16 1 3 1 13 27 49',
  '6 19 1 1 1 15 7 5',
  '6 22 1 3 1 15 13 25',
  '6 25 1 1 5 5 19 61',
  '7 1 1 3 7 11 23 15 103',
  '7 4 1 3 7 13 13 15 69',
  '7 7 1 1 3 13 7 35 63',
  '7 8 1 3 5 9 1 25 53',
  '7 14 1 3 1 13 9 35 107',
  '7 19 1 3 1 5 27 61 31',
  '7 21 1 1 5 11 19 41 61',
  '7 28 1 3 5 3 3 13 69',
  '7 31 1 1 7 13 1 19 1',
  '7 32 1 3 7 5 13 19 59',
  '7 37 1 1 3 9 25 29 41',
  '7 41 1 3 5 13 23 1 55',
  '7 42 1 3 7 3 13 59 17',
  '7 50 1 3 1 3 5 53 69',
  '7 55 1 1 5 5 23 33 13',
  '7 56 1 1 7 7 1 61 123',
  '7 59 1 1 7 9 13 61 49',
  '7 62 1 3 3 5 3 55 33',
];

/** Most dimensions of a Sobol' sequence (so a Saltelli design handles up to half as many parameters). */
export const MAX_SOBOL_DIMENSIONS = JOE_KUO.length + 1;

const BITS = 32;
const TWO_POW_32 = 0x100000000;

function directionNumbers(dim: number): Uint32Array {
  const v = new Uint32Array(BITS + 1);
  if (dim === 0) {
    for (let k = 1; k <= BITS; k++) v[k] = (1 << (BITS - k)) >>> 0;
    return v;
  }
  const [s, a, ...m] = defined(JOE_KUO[dim - 1], 'a Joe–Kuo row for each dimension past the first')
    .split(' ')
    .map(Number) as [number, number, ...number[]];
  for (let k = 1; k <= Math.min(s, BITS); k++) v[k] = (m[k - 1]! << (BITS - k)) >>> 0;
  for (let k = s + 1; k <= BITS; k++) {
    let x = (v[k - s]! ^ (v[k - s]! >>> s)) >>> 0;
    for (let i = 1; i < s; i++) if ((a >>> (s - 1 - i)) & 1) x = (x ^ v[k - i]!) >>> 0;
    v[k] = x;
  }
  return v;
}

/**
 * The first `n` points of a `dims`-dimensional Sobol' sequence, digitally shifted by a seeded
 * random word per dimension (which keeps the net structure and avoids the corner point 0).
 * Each `replicate` draws its own shifts, so replicates are independent randomizations of one net.
 * Values lie strictly inside (0, 1). Row-major: point i, dimension d at `i * dims + d`.
 */
export function sobolPoints(n: number, dims: number, seed: number, replicate = 0): Float64Array {
  if (dims < 1 || dims > MAX_SOBOL_DIMENSIONS) {
    throw new GeoriskError([
      issue(
        'bad_run_options',
        'vary',
        `a Sobol' sequence has 1 to ${MAX_SOBOL_DIMENSIONS} dimensions here, not ${dims}`,
        `vary at most ${MAX_SOBOL_DIMENSIONS} parameters (name them in \`vary\`), or use a Latin hypercube (\`lhs\`)`,
      ),
    ]);
  }
  const rng = designRng(seed, replicate === 0 ? 1 : 1000 + replicate);
  const shifts = Array.from({ length: dims }, () => rng.nextInt32() >>> 0);
  const directions = Array.from({ length: dims }, (_, d) => directionNumbers(d));
  const x = new Uint32Array(dims);
  const out = new Float64Array(n * dims);
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      // Gray-code order: flip the direction number of the lowest zero bit of i − 1.
      let c = 1;
      let j = i - 1;
      while (j & 1) {
        j >>>= 1;
        c++;
      }
      for (let d = 0; d < dims; d++) x[d] = (x[d]! ^ directions[d]![c]!) >>> 0;
    }
    for (let d = 0; d < dims; d++) out[i * dims + d] = (((x[d]! ^ shifts[d]!) >>> 0) + 0.5) / TWO_POW_32;
  }
  return out;
}

/** A Latin hypercube of `n` points: each dimension's n strata hold exactly one point each (each `replicate` an independent one). */
export function latinHypercube(n: number, dims: number, seed: number, replicate = 0): Float64Array {
  const rng = designRng(seed, replicate === 0 ? 2 : 2000 + replicate);
  const out = new Float64Array(n * dims);
  const perm = new Int32Array(n);
  for (let d = 0; d < dims; d++) {
    for (let i = 0; i < n; i++) perm[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      const t = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = t;
    }
    for (let i = 0; i < n; i++) out[i * dims + d] = (perm[i]! + rng.uniform()) / n;
  }
  return out;
}

/**
 * Evenly spaced values from lo to hi inclusive (n ≥ 2), each rounded to 12 significant digits so that
 * 0.1:0.5:5 gives 0.3 rather than 0.30000000000000004 (the value run is the value printed).
 */
export function linspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, k) => (k === n - 1 ? hi : Number((lo + ((hi - lo) * k) / (n - 1)).toPrecision(12))));
}

/** Every combination of the given value lists; the last list varies fastest. */
export function fullFactorial(levels: readonly (readonly number[])[]): number[][] {
  let rows: number[][] = [[]];
  for (const values of levels) rows = rows.flatMap((row) => values.map((v) => [...row, v]));
  return rows;
}

/** True for 1, 2, 4, 8, … */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0 && n <= 2 ** 30;
}

/**
 * A Saltelli design for first- and total-order indices without second order: for each of the `n`
 * base rows, the points A_j, AB_j^1 … AB_j^D, B_j (D + 2 points per row, in that order), where
 * AB^i is A with column i taken from B. A and B are the two halves of a 2D-dimensional Sobol'
 * sequence; `n` must be a power of two (the sequence's balance holds only then).
 * `replicate` picks an independent random shift of the sequence (see `sobolPoints`).
 */
export function saltelliDesign(n: number, dims: number, seed: number, replicate = 0): Float64Array {
  if (!isPowerOfTwo(n) || n < 4) {
    const lower = 2 ** Math.max(2, Math.floor(Math.log2(Math.max(1, n))));
    throw new GeoriskError([
      issue(
        'bad_run_options',
        'samples',
        `Saltelli sampling needs a power of two of at least 4 base samples, got ${n}`,
        `use ${lower} or ${lower * 2}`,
      ),
    ]);
  }
  if (2 * dims > MAX_SOBOL_DIMENSIONS) {
    throw new GeoriskError([
      issue(
        'bad_run_options',
        'vary',
        `Sobol' indices are available for at most ${Math.floor(MAX_SOBOL_DIMENSIONS / 2)} parameters, got ${dims}`,
        'choose fewer parameters (screen them first with the morris method)',
      ),
    ]);
  }
  const base = sobolPoints(n, 2 * dims, seed, replicate);
  const rows = dims + 2;
  const out = new Float64Array(n * rows * dims);
  for (let j = 0; j < n; j++) {
    const a = j * 2 * dims;
    const b = a + dims;
    for (let r = 0; r < rows; r++) {
      const at = (j * rows + r) * dims;
      for (let d = 0; d < dims; d++) {
        const fromB = r === rows - 1 || (r >= 1 && r - 1 === d);
        out[at + d] = base[(fromB ? b : a) + d]!;
      }
    }
  }
  return out;
}

/**
 * `replicates` independent Saltelli designs of `n` base rows each, one after another (replicated
 * randomized QMC: the spread of the replicates' estimates is an honest measure of their error).
 */
export function replicatedSaltelliDesign(n: number, dims: number, seed: number, replicates: number): Float64Array {
  const block = n * (dims + 2) * dims;
  const out = new Float64Array(replicates * block);
  for (let r = 0; r < replicates; r++) out.set(saltelliDesign(n, dims, seed, r), r * block);
  return out;
}

/**
 * A Saltelli design over groups: per base row A, AB^1 … AB^G, B (G + 2 points), where AB^g takes
 * from B the columns of every parameter in group g (`groupOf[d]` is parameter d's group). A and B
 * come from a Sobol' sequence when it has the dimensions, else from a Latin hypercube; `replicates`
 * independent randomizations follow one another.
 */
export function groupedSaltelliDesign(n: number, groupOf: readonly number[], seed: number, replicates: number): Float64Array {
  const dims = groupOf.length;
  const groups = Math.max(0, ...groupOf) + 1;
  const rows = groups + 2;
  const out = new Float64Array(replicates * n * rows * dims);
  for (let rep = 0; rep < replicates; rep++) {
    const base = 2 * dims <= MAX_SOBOL_DIMENSIONS ? sobolPoints(n, 2 * dims, seed, rep) : latinHypercube(n, 2 * dims, seed, rep);
    for (let j = 0; j < n; j++) {
      const a = j * 2 * dims;
      const b = a + dims;
      for (let r = 0; r < rows; r++) {
        const at = ((rep * n + j) * rows + r) * dims;
        for (let d = 0; d < dims; d++) {
          const fromB = r === rows - 1 || (r >= 1 && r - 1 === groupOf[d]);
          out[at + d] = base[(fromB ? b : a) + d]!;
        }
      }
    }
  }
  return out;
}

/** A Morris design: points and, for each step, which dimension moved and by how much. */
export interface MorrisDesign {
  /** Row-major points in the unit cube, `trajectories × (dims + 1)` of them. */
  points: Float64Array;
  /** For trajectory t and step k (1…dims): the dimension moved and the signed step (±Δ). */
  moves: { dim: number; delta: number }[][];
  levels: number;
}

/**
 * Morris elementary-effects trajectories on a `levels`-level grid with step Δ = levels / (2 (levels − 1)):
 * a random grid start, then each dimension in random order moves by +Δ (or −Δ where +Δ would leave the cube).
 */
export function morrisDesign(trajectories: number, dims: number, seed: number, levels = 4): MorrisDesign {
  const rng = designRng(seed, 3);
  const delta = levels / (2 * (levels - 1));
  const points = new Float64Array(trajectories * (dims + 1) * dims);
  const moves: MorrisDesign['moves'] = [];
  for (let t = 0; t < trajectories; t++) {
    const x = Array.from({ length: dims }, () => Math.floor(rng.uniform() * levels) / (levels - 1));
    const order = Array.from({ length: dims }, (_, d) => d);
    for (let i = dims - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const base = t * (dims + 1) * dims;
    points.set(x, base);
    const steps: { dim: number; delta: number }[] = [];
    order.forEach((dim, k) => {
      const step = x[dim]! + delta <= 1 + 1e-12 ? delta : -delta;
      x[dim] = x[dim]! + step;
      steps.push({ dim, delta: step });
      points.set(x, base + (k + 1) * dims);
    });
    moves.push(steps);
  }
  return { points, moves, levels };
}
