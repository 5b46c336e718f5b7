/** Reading a whole-number input, putting back the last good value when it is out of range. */

/** The input's value when it is a whole number in [min, max]; otherwise resets the input to `fallback` and returns it. */
export function readWhole(input: HTMLInputElement, min: number, max: number, fallback: number): number {
  const v = Number(input.value);
  if (Number.isInteger(v) && v >= min && v <= max) return v;
  input.value = String(fallback);
  return fallback;
}
