/** Small scenarios shared by the conditioning tests. */

/** Two coupled tracks, a timed event that changes a rate and a condition event that forces a track: a Markov chain of 16 joint states. */
export const FILTER_SCENARIO = `
id: filter-small
time: { unit: hour, dt: 1, horizon: 8 }
parameters:
  esc: { default: 0.4 }
tracks:
  conflict:
    states: [calm, clash, war, truce]
    initial: calm
    transitions:
      - { from: calm, to: clash, rate: esc }
      - { from: clash, to: war, rate: 'ally == "engaged" ? 0.5 : 0.2' }
      - { from: clash, to: truce, rate: 0.3 }
      - { from: war, to: truce, probability: 0.1 }
      - { from: truce, to: clash, rate: 0.15 }
  ally:
    states: [out, engaged]
    initial: out
    transitions:
      - { from: out, to: engaged, rate: 'conflict == "war" ? 0.6 : 0.05' }
events:
  - { id: reinforce, at: 3, set: { esc: 0.9 } }
  - { id: mediators, when: 'conflict == "war"', force: { ally: engaged } }
metrics:
  war: { expr: 'ever(conflict, "war")' }
`;

/** One path of `FILTER_SCENARIO` so far: its states, what it visited and when, whether it agrees with the observations, its probability. */
export interface FilterPath {
  c: number;
  a: number;
  fired: number;
  /** Bit per (track, state) slot: conflict calm, clash, war, truce, then ally out, engaged. */
  ever: number;
  /** Per slot, the time index of first entry (NaN: not yet). */
  first: number[];
  /** Per slot, the time spent in it (dt = 1). */
  timeIn: number[];
  ok: boolean;
  p: number;
}

/**
 * Every path of `FILTER_SCENARIO` over its 8 steps, written out by hand from its rules (not with the
 * engine), each checked against `observe` at every time index; `given` is Bayes' rule over them.
 */
export function enumerateFilterPaths(observe: (m: number, c: number, a: number, fired: number) => boolean) {
  const steps = 8;
  const leaveConflict = (c: number, a: number, m: number): [number, number][] => {
    const esc = m >= 3 ? 0.9 : 0.4;
    if (c === 0) return [[1, 1 - Math.exp(-esc)]];
    if (c === 1) {
      const w = a === 1 ? 0.5 : 0.2;
      const leave = 1 - Math.exp(-(w + 0.3));
      return [
        [2, (leave * w) / (w + 0.3)],
        [3, (leave * 0.3) / (w + 0.3)],
      ];
    }
    if (c === 2) return [[3, 0.1]];
    return [[1, 1 - Math.exp(-0.15)]];
  };
  const leaveAlly = (c: number, a: number): [number, number][] => (a === 1 ? [] : [[1, 1 - Math.exp(-(c === 2 ? 0.6 : 0.05))]]);
  const withStay = (moves: [number, number][], from: number): [number, number][] => [
    [from, 1 - moves.reduce((s, [, p]) => s + p, 0)],
    ...moves,
  ];
  const start = [0, Number.NaN, Number.NaN, Number.NaN, 0, Number.NaN];
  let paths: FilterPath[] = [
    { c: 0, a: 0, fired: 0, ever: 1 | (1 << 4), first: start, timeIn: [0, 0, 0, 0, 0, 0], ok: observe(0, 0, 0, 0), p: 1 },
  ];
  const occupancy: FilterPath[][] = [paths];
  for (let m = 0; m < steps; m++) {
    const next: FilterPath[] = [];
    for (const x of paths) {
      const timeIn = x.timeIn.map((s, slot) => (slot === x.c || slot === 4 + x.a ? s + 1 : s));
      for (const [c, pc] of withStay(leaveConflict(x.c, x.a, m), x.c)) {
        for (const [a0, pa] of withStay(leaveAlly(x.c, x.a), x.a)) {
          let a = a0;
          let fired = x.fired;
          if (fired === 0 && c === 2) {
            fired = 1;
            a = 1;
          }
          const ever = x.ever | (1 << c) | (1 << (4 + a));
          const first = x.first.map((t, slot) => (Number.isNaN(t) && (slot === c || slot === 4 + a) ? m + 1 : t));
          next.push({ c, a, fired, ever, first, timeIn, ok: x.ok && observe(m + 1, c, a, fired), p: x.p * pc * pa });
        }
      }
    }
    paths = next;
    occupancy.push(paths);
  }
  const evidence = paths.reduce((s, x) => s + (x.ok ? x.p : 0), 0);
  const given = (list: FilterPath[], value: (x: FilterPath) => number | boolean) =>
    list.reduce((s, x) => s + (x.ok ? x.p * Number(value(x)) : 0), 0) / evidence;
  return { evidence, paths, occupancy, given };
}
