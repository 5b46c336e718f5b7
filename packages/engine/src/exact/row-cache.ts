/** Successor rows (where a joint state goes in one step) and their cache by joint state. */

/** Where a state goes in one step: successor indices and probabilities, and expected increments. */
export interface Successors {
  to: Int32Array;
  p: Float64Array;
  /** Expected increase of each variable during the step (flows, transition effects, condition events). */
  increments: Float64Array;
  /**
   * Base run: the probability mass that has taken this row since its increments were last added
   * to the variable means (adding them once per row, not once per row and step, saves most of the work).
   */
  weight: number;
}

/** Successor rows by joint state: an array for spaces up to a million states, a map beyond. */
export class RowCache {
  private readonly rows: (Successors | undefined)[] | undefined;
  private readonly map: Map<number, Successors> | undefined;

  constructor(size: number) {
    if (size <= 1 << 20) this.rows = new Array<Successors | undefined>(size).fill(undefined);
    else this.map = new Map();
  }

  get(i: number): Successors | undefined {
    return this.rows === undefined ? this.map?.get(i) : this.rows[i];
  }

  set(i: number, row: Successors): void {
    if (this.rows === undefined) this.map?.set(i, row);
    else this.rows[i] = row;
  }

  clear(): void {
    this.rows?.fill(undefined);
    this.map?.clear();
  }
}
