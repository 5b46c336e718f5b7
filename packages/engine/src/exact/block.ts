/** Block storage: several probability distributions over the joint space, stepped together. */

/** Largest number of (state, distribution) entries held at once by one block of distributions. */
export const MAX_BLOCK_ENTRIES = 1 << 23;

/**
 * `k` probability distributions over the joint space, dense and interleaved (the mass of joint
 * state i in distribution v is at i·k + v), with the list of states that have been given mass.
 */
export class Block {
  readonly p: Float64Array;
  readonly support: Int32Array;
  count = 0;
  readonly listed: Uint8Array;

  constructor(
    size: number,
    readonly k: number,
  ) {
    this.p = new Float64Array(size * k);
    this.support = new Int32Array(size);
    this.listed = new Uint8Array(size);
  }

  /** Lists state i as holding mass (its entries are then added to). */
  touch(i: number): void {
    if (this.listed[i] === 0) {
      this.listed[i] = 1;
      this.support[this.count++] = i;
    }
  }

  add(i: number, v: number, mass: number): void {
    this.touch(i);
    this.p[i * this.k + v]! += mass;
  }

  holdsMass(i: number): boolean {
    const at = i * this.k;
    for (let v = 0; v < this.k; v++) if (this.p[at + v] !== 0) return true;
    return false;
  }

  /** Empties the block (only the entries in use are cleared). */
  clear(): void {
    for (let a = 0; a < this.count; a++) {
      const i = this.support[a]!;
      this.listed[i] = 0;
      const at = i * this.k;
      for (let v = 0; v < this.k; v++) this.p[at + v] = 0;
    }
    this.count = 0;
  }

  /** Distribution v as a map from joint state to probability (states with positive mass only). */
  distribution(v: number): Map<number, number> {
    const out = new Map<number, number>();
    for (let a = 0; a < this.count; a++) {
      const i = this.support[a]!;
      const p = this.p[i * this.k + v]!;
      if (p > 0) out.set(i, p);
    }
    return out;
  }
}

/** The current block and a spare one to step into; `flip` makes the spare current. */
export class BlockPair {
  cur: Block;
  spare: Block;

  constructor(size: number, k: number) {
    this.cur = new Block(size, k);
    this.spare = new Block(size, k);
  }

  flip(): void {
    [this.cur, this.spare] = [this.spare, this.cur];
  }

  /**
   * Moves the mass of each joint state to `target(index, p)` in every distribution at once (p is
   * the mass of the first distribution, for expectations of the base run).
   */
  remap(target: (index: number, p: number) => number): void {
    const { cur, spare } = this;
    const k = cur.k;
    spare.clear();
    for (let a = 0; a < cur.count; a++) {
      const i = cur.support[a]!;
      if (!cur.holdsMass(i)) continue;
      const y = target(i, cur.p[i * k]!);
      spare.touch(y);
      for (let v = 0; v < k; v++) spare.p[y * k + v]! += cur.p[i * k + v]!;
    }
    this.flip();
  }
}
