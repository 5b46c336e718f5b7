/** Downloads of a run: the JSON of `georisk run --format json` (the CSV is the engine's formatCsv, as the CLI's). */

/** The JSON download: exactly `georisk run --format json` (pretty-printed, newline at the end). */
export function runJson(result: unknown): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** A file name for a download: scenario id, seed, trials and a receipt prefix. */
export function downloadName(id: string, seed: number, trials: number, outputHash: string, ext: 'csv' | 'json'): string {
  return `${id}-seed${seed}-n${trials}-${outputHash.slice(0, 8)}.${ext}`;
}
