/** A check for values the engine's own invariants guarantee, such as an index read within bounds. */

/** Returns the value, or throws an internal error naming the broken invariant where it is missing. */
export function defined<T>(value: T | undefined, invariant: string): T {
  if (value === undefined) throw new Error(`internal: ${invariant}`);
  return value;
}
