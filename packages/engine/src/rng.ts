/**
 * Seeded random streams. Every component of every trial (a track's transitions, a flow, an event,
 * an uncertain parameter, a metric) draws from its own stream derived from (seed, trial index,
 * component id), so results never depend on how trials are split between workers or chunks, and a
 * change to one component leaves the draws of every component that does not read it unchanged.
 *
 * The generator is Tyche-i (Neves and Araujo, 2011), the `tychei` generator of seedrandom: a
 * test checks that `TrialStream` reproduces `seedrandom.tychei(seed)` bit for bit. It is written
 * out here only so that a stream can be re-seeded in place for each trial (about 40 ns instead of
 * the ~400 ns it takes seedrandom to build a new generator object), which matters when a whole
 * trial costs about a microsecond.
 */

/** A source of uniform numbers; the only thing samplers need. */
export interface Rng {
  /** A uniform draw in the open interval (0, 1) with 53 bits of resolution. */
  uniform(): number;
}

const TWO_POW_32 = 0x100000000;

/** A Tyche-i stream whose state can be reset in place. */
export class TrialStream implements Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  /** Set by `arm`: the state is derived from (trial key, component key) at the first draw. */
  private armed = false;
  private keyLo = 0;
  private keyHi = 0;

  /** `component` is a component key (see `componentKey`); 0 for a plain seeded stream. */
  constructor(
    seed = 0,
    private readonly component = 0,
  ) {
    this.reseed(seed);
  }

  /**
   * Restarts the stream for the trial whose key is (lo, hi) (see `trialKey`); the work of deriving
   * the state waits for the first draw, so components that draw nothing in a trial cost nothing.
   */
  arm(lo: number, hi: number): void {
    this.keyLo = lo;
    this.keyHi = hi;
    this.armed = true;
  }

  /**
   * Derives the state from (trial key, component key): four independently hashed words, then
   * STREAM_WARMUP generator rounds so that nearby keys share no visible structure (tested in
   * rng.test.ts: uniformity and cross-correlation of neighbouring trials and components).
   */
  private derive(): void {
    const k = this.component;
    const lo = this.keyLo;
    const hi = this.keyHi;
    let a = mix32(lo ^ k);
    let b = mix32(hi ^ Math.imul(k, 0x9e3779b9));
    let c = mix32((lo + 0x632be5ab) ^ Math.imul(k ^ hi, 0x85ebca77));
    // Tyche-i's only fixed point is the all-zero state; an odd d keeps it out of reach.
    let d = mix32(hi ^ Math.imul(k + 0x7f4a7c15, 0xc2b2ae3d)) | 1;
    // STREAM_WARMUP = 8 generator steps (as nextInt32), on locals, written out. Besides saving the
    // loop, this keeps `derive` too large for V8 to inline (its limit is 460 bytes of bytecode):
    // inlined, it made `uniform` too large to inline in turn, and every draw then paid a call and
    // a boxed double (with the multiplications below, a reference-model trial 2–3% cheaper, a 2022
    // trial unchanged; docs/benchmarks.md, "Streams derived out of line").
    // step 1
    b = (b << 25) ^ (b >>> 7) ^ c;
    c = (c - d) | 0;
    d = (d << 24) ^ (d >>> 8) ^ a;
    a = (a - b) | 0;
    b = (b << 20) ^ (b >>> 12) ^ c;
    c = (c - d) | 0;
    d = (d << 16) ^ (c >>> 16) ^ a;
    a = (a - b) | 0;
    // step 2
    b = (b << 25) ^ (b >>> 7) ^ c;
    c = (c - d) | 0;
    d = (d << 24) ^ (d >>> 8) ^ a;
    a = (a - b) | 0;
    b = (b << 20) ^ (b >>> 12) ^ c;
    c = (c - d) | 0;
    d = (d << 16) ^ (c >>> 16) ^ a;
    a = (a - b) | 0;
    // step 3
    b = (b << 25) ^ (b >>> 7) ^ c;
    c = (c - d) | 0;
    d = (d << 24) ^ (d >>> 8) ^ a;
    a = (a - b) | 0;
    b = (b << 20) ^ (b >>> 12) ^ c;
    c = (c - d) | 0;
    d = (d << 16) ^ (c >>> 16) ^ a;
    a = (a - b) | 0;
    // step 4
    b = (b << 25) ^ (b >>> 7) ^ c;
    c = (c - d) | 0;
    d = (d << 24) ^ (d >>> 8) ^ a;
    a = (a - b) | 0;
    b = (b << 20) ^ (b >>> 12) ^ c;
    c = (c - d) | 0;
    d = (d << 16) ^ (c >>> 16) ^ a;
    a = (a - b) | 0;
    // step 5
    b = (b << 25) ^ (b >>> 7) ^ c;
    c = (c - d) | 0;
    d = (d << 24) ^ (d >>> 8) ^ a;
    a = (a - b) | 0;
    b = (b << 20) ^ (b >>> 12) ^ c;
    c = (c - d) | 0;
    d = (d << 16) ^ (c >>> 16) ^ a;
    a = (a - b) | 0;
    // step 6
    b = (b << 25) ^ (b >>> 7) ^ c;
    c = (c - d) | 0;
    d = (d << 24) ^ (d >>> 8) ^ a;
    a = (a - b) | 0;
    b = (b << 20) ^ (b >>> 12) ^ c;
    c = (c - d) | 0;
    d = (d << 16) ^ (c >>> 16) ^ a;
    a = (a - b) | 0;
    // step 7
    b = (b << 25) ^ (b >>> 7) ^ c;
    c = (c - d) | 0;
    d = (d << 24) ^ (d >>> 8) ^ a;
    a = (a - b) | 0;
    b = (b << 20) ^ (b >>> 12) ^ c;
    c = (c - d) | 0;
    d = (d << 16) ^ (c >>> 16) ^ a;
    a = (a - b) | 0;
    // step 8
    b = (b << 25) ^ (b >>> 7) ^ c;
    c = (c - d) | 0;
    d = (d << 24) ^ (d >>> 8) ^ a;
    a = (a - b) | 0;
    b = (b << 20) ^ (b >>> 12) ^ c;
    c = (c - d) | 0;
    d = (d << 16) ^ (c >>> 16) ^ a;
    a = (a - b) | 0;
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    this.armed = false;
  }

  /** Restarts the stream exactly as `seedrandom.tychei(seed)` starts (integer seeds below 2^53). */
  reseed(seed: number): void {
    this.armed = false;
    this.a = (seed / TWO_POW_32) | 0;
    this.b = seed | 0;
    this.c = 2654435769 | 0;
    this.d = 1367130551;
    for (let k = 0; k < 20; k++) this.nextInt32();
  }

  /** The next raw 32-bit output (signed), as seedrandom's `int32()`. */
  nextInt32(): number {
    if (this.armed) this.derive();
    let b = this.b;
    let c = this.c;
    let d = this.d;
    let a = this.a;
    b = (b << 25) ^ (b >>> 7) ^ c;
    c = (c - d) | 0;
    d = (d << 24) ^ (d >>> 8) ^ a;
    a = (a - b) | 0;
    this.b = b = (b << 20) ^ (b >>> 12) ^ c;
    this.c = c = (c - d) | 0;
    this.d = (d << 16) ^ (c >>> 16) ^ a;
    this.a = (a - b) | 0;
    return this.a;
  }

  /** A uniform draw in (0, 1), identical to seedrandom's `double()` (two outputs, 53 bits). */
  uniform(): number {
    // Two generator steps written out: this is the hottest function of the engine.
    if (this.armed) this.derive();
    let a = this.a;
    let b = this.b;
    let c = this.c;
    let d = this.d;
    for (;;) {
      b = (b << 25) ^ (b >>> 7) ^ c;
      c = (c - d) | 0;
      d = (d << 24) ^ (d >>> 8) ^ a;
      a = (a - b) | 0;
      b = (b << 20) ^ (b >>> 12) ^ c;
      c = (c - d) | 0;
      d = (d << 16) ^ (c >>> 16) ^ a;
      a = (a - b) | 0;
      const top = a >>> 11;
      b = (b << 25) ^ (b >>> 7) ^ c;
      c = (c - d) | 0;
      d = (d << 24) ^ (d >>> 8) ^ a;
      a = (a - b) | 0;
      b = (b << 20) ^ (b >>> 12) ^ c;
      c = (c - d) | 0;
      d = (d << 16) ^ (c >>> 16) ^ a;
      a = (a - b) | 0;
      // (top + low / 2^32) / 2^21, as multiplications by exact powers of two written as numbers:
      // the same bits, without two divisions on the path of every draw.
      const result = (top + (a >>> 0) * 2.3283064365386963e-10) * 4.76837158203125e-7;
      if (result !== 0) {
        this.a = a;
        this.b = b;
        this.c = c;
        this.d = d;
        return result;
      }
    }
  }
}

/** Mixes 32 bits (the finalizer of MurmurHash3). */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** `fmix32` as a signed 32-bit integer (the same bits): it stays a small integer for the JIT. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Largest seed accepted: seeds are integers that a double holds exactly. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/**
 * The 53-bit seed of stream `stream` of trial `trial` under run seed `seed`; a pure function of
 * the three, so any worker can start any trial. Stream 0 drives the trial's events, stream 1 the
 * draws of uncertain parameters, so that fixing a parameter never shifts the other draws.
 */
export function trialSeed(seed: number, trial: number, stream = 0): number {
  const seedLo = seed >>> 0;
  const seedHi = Math.floor(seed / TWO_POW_32) >>> 0;
  const trialLo = trial >>> 0;
  const trialHi = Math.floor(trial / TWO_POW_32) >>> 0;
  const salt = Math.imul(stream + 1, 0x632be5ab);
  const h1 = fmix32(seedLo ^ fmix32((trialLo + 0x9e3779b9) ^ salt) ^ Math.imul(seedHi, 0x27d4eb2f));
  const h2 = fmix32(seedHi ^ fmix32(trialLo ^ 0x7f4a7c15 ^ salt) ^ Math.imul(trialHi + 1, 0x165667b1) ^ h1);
  return (h2 & 0x1fffff) * TWO_POW_32 + h1;
}

/**
 * Generator rounds after deriving a component stream's state (written out in `derive`). Seeding
 * from a counter (seedrandom's tychei) needs 20 because two of its four words are constants; here
 * all four words are already hashed from the key, so fewer rounds suffice to decorrelate
 * neighbouring keys. Exported for the test that checks `derive` against the loop it unrolls.
 */
export const STREAM_WARMUP = 8;

/** The two 32-bit words of trial `trial`'s key under run seed `seed` (written into `out`). */
export function trialKey(seed: number, trial: number, out: Int32Array): void {
  const seedLo = seed >>> 0;
  // × 2^-32 is exact, as / 2^32 is (once a trial: multiplication is the cheaper operation).
  const seedHi = Math.floor(seed * 2.3283064365386963e-10) >>> 0;
  const trialLo = trial >>> 0;
  const trialHi = Math.floor(trial * 2.3283064365386963e-10) >>> 0;
  const h1 = mix32(seedLo ^ mix32((trialLo + 0x2545f491) ^ 0x5bd1e995) ^ Math.imul(seedHi, 0x27d4eb2f));
  out[0] = h1;
  out[1] = mix32(seedHi ^ mix32(trialLo ^ 0x68e31da4) ^ Math.imul(trialHi + 1, 0x165667b1) ^ h1);
}

/** A component's 32-bit stream key: a hash of its path in the expanded document (e.g. `tracks.front`). */
export function componentKey(path: string): number {
  // FNV-1a over UTF-16 code units, then a finalizer so that similar paths differ in every bit.
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  return fmix32(h) | 0;
}
