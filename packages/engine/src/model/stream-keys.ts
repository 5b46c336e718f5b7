/** The random-stream key of every component of a model, from its path in the expanded document. */
import { componentKey } from '../rng.ts';
import type { ScenarioDocument } from '../scenario-schema.ts';

/** Per kind of component, in model order: the key its stream is derived from (see rng.ts). */
export interface StreamKeys {
  tracks: number[];
  flows: number[];
  events: number[];
  /** Per parameter (drawn only when it has an uncertainty distribution). */
  params: number[];
  metrics: number[];
}

/**
 * Keys from paths that do not shift when something else is added, removed or reordered:
 * `tracks.NAME`, `parameters.NAME`, `metrics.NAME`, `flows.VARIABLE` (`#2`, `#3`… for further
 * flows into the same variable) and `events.ID` (or, without an id, the event's time or condition).
 */
export function streamKeys(
  scenario: ScenarioDocument,
  paramNames: readonly string[],
  trackNames: readonly string[],
  metricNames: readonly string[],
): StreamKeys {
  return {
    tracks: trackNames.map((n) => componentKey(`tracks.${n}`)),
    flows: numbered(scenario.flows.map((f) => `flows.${f.to}`)).map(componentKey),
    events: numbered(
      scenario.events.map((e) => (e.id !== undefined ? `events.${e.id}` : e.at !== undefined ? `events@${e.at}` : `events?${e.when}`)),
    ).map(componentKey),
    params: paramNames.map((n) => componentKey(`parameters.${n}`)),
    metrics: metricNames.map((n) => componentKey(`metrics.${n}`)),
  };
}

/** Marks repeats of a path with their occurrence number, so that every path is distinct. */
function numbered(paths: string[]): string[] {
  const seen = new Map<string, number>();
  return paths.map((p) => {
    const n = (seen.get(p) ?? 0) + 1;
    seen.set(p, n);
    return n === 1 ? p : `${p}#${n}`;
  });
}
