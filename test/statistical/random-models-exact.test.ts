/**
 * Small models no one wrote by hand, drawn from a fixed seed, run by Monte Carlo both ways through
 * a trial (quiet-step skipping, the default, and stepping one step at a time) and compared with the
 * exact answer. The library's scenarios (exact-vs-monte-carlo.test.ts) leave shapes untried; these
 * are made to try them: rates that read other tracks, probability transitions beside rates,
 * condition events that force a track back to the state it just left (the shape that once made
 * skipping take a spent move step for the next one), condition events made true by a later event
 * of the same look (which skipping once left unfired until the next move), a timed event that sets
 * a parameter a rate reads (and conditions that read it), timed events that force states, rates
 * that read time (stepped states beside skipped ones), transitions that add to a variable, a flow
 * whose Poisson mean reads a track, and a flow of another sampler while a track is in a state.
 *
 * Every track's final and ever shares and every metric's mean (and censored share) must lie within
 * 5 standard errors of the exact value: two-sided false alarm ≈ 5.7e-7 per check. The file makes
 * about 1,750 checks (the count is printed), so about 1e-3 overall; the seeds are fixed, so the
 * outcome is deterministic and a failure is a real disagreement or a very unlucky seed (rerun with
 * another MODEL_SEED to tell which).
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { analyzeExact, loadScenarioText, runScenario } from '../../packages/engine/src/index.ts';

const MODELS = 30;
const MODEL_SEED = 'random-models-1';
const TRIALS = 40_000;
const Z = 5;

type Rng = () => number;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
const between = (rng: Rng, lo: number, hi: number) => Number((lo + (hi - lo) * rng()).toFixed(3));

/** A random scenario in YAML, with its parts as described at the top. */
function randomScenario(rng: Rng, n: number): string {
  const trackCount = rng() < 0.5 ? 2 : 3;
  const tracks = Array.from({ length: trackCount }, (_, i) => ({
    name: `t${i}`,
    states: Array.from({ length: 2 + Math.floor(rng() * 3) }, (_, j) => `s${j}`),
  }));
  const horizon = 8 + Math.floor(rng() * 17);
  const lines = [`id: random-${n}`, `time: { unit: day, dt: 1, horizon: ${horizon} }`];
  // Some models scale one rate by a parameter that an event sets.
  const boosted = rng() < 0.5;
  if (boosted) lines.push('parameters:', '  boost: { default: 1, range: [0, 10], assumption: a test of events that set parameters }');
  lines.push('tracks:');
  let boostUsed = false;
  /** Per track, the transitions `[from, to]` it has (events are chosen to undo them). */
  const edges: [string, string][][] = [];
  for (const [i, t] of tracks.entries()) {
    lines.push(`  ${t.name}:`, `    states: [${t.states.join(', ')}]`, '    transitions:');
    const own: [string, string][] = [];
    for (const from of t.states) {
      let probabilities = 0;
      for (const to of t.states) {
        if (from === to || rng() > 0.5) continue;
        own.push([from, to]);
        const other = tracks[(i + 1 + Math.floor(rng() * (trackCount - 1))) % trackCount]!;
        const shape = rng();
        if (shape < 0.2 && probabilities < 2) {
          probabilities++;
          lines.push(`      - { from: ${from}, to: ${to}, probability: ${between(rng, 0.02, 0.3)} }`);
        } else if (shape < 0.55) {
          const rate = `'${other.name} == "${pick(rng, other.states)}" ? ${between(rng, 0.05, 0.8)} : ${between(rng, 0, 0.2)}'`;
          lines.push(`      - { from: ${from}, to: ${to}, rate: ${rate} }`);
        } else if (shape < 0.65) {
          // A rate that reads time: the state is stepped, beside skipped ones.
          lines.push(
            `      - { from: ${from}, to: ${to}, rate: 't < ${2 + Math.floor(rng() * 8)} ? ${between(rng, 0.1, 0.6)} : ${between(rng, 0, 0.15)}' }`,
          );
        } else if (shape < 0.75) {
          // A transition that adds to a variable (its effect).
          lines.push(
            `      - { from: ${from}, to: ${to}, rate: ${between(rng, 0.02, 0.5)}, add: { moves: ${1 + Math.floor(rng() * 3)} } }`,
          );
        } else if (boosted && !boostUsed) {
          boostUsed = true;
          lines.push(`      - { from: ${from}, to: ${to}, rate: 'boost * ${between(rng, 0.02, 0.3)}' }`);
        } else lines.push(`      - { from: ${from}, to: ${to}, rate: ${between(rng, 0.02, 0.6)} }`);
      }
    }
    if (own.length === 0) {
      own.push([t.states[0]!, t.states[1]!]);
      lines.push(`      - { from: ${t.states[0]}, to: ${t.states[1]}, rate: 0.2 }`);
    }
    edges.push(own);
  }
  lines.push('variables:', '  harm: {}', '  moves: {}', '  loss: {}', '  alerts: {}', 'flows:');
  const reader = pick(rng, tracks);
  lines.push(`  - { to: harm, amount: 'poisson(${reader.name} == "${pick(rng, reader.states)}" ? 3 : 0.5)' }`);
  // Flows of other samplers and a constant, each while some track is in some state.
  const gated = pick(rng, tracks);
  const sampler = pick(rng, ['negbin(2, 1.5)', 'gamma(2, 0.5)', '0.7', 'uniform(0, 2)']);
  lines.push(`  - { to: loss, when: '${gated.name} == "${pick(rng, gated.states)}"', amount: '${sampler}' }`);
  lines.push('events:');
  const conditions = 1 + Math.floor(rng() * 3);
  for (let e = 0; e < conditions; e++) {
    // Undo a transition: when the track reaches `to`, force it back to `from`, sometimes only
    // while another track is in a given state.
    const i = Math.floor(rng() * trackCount);
    const [from, to] = pick(rng, edges[i]!);
    const other = tracks[(i + 1) % trackCount]!;
    const also =
      rng() < 0.4
        ? ` and ${other.name} == "${pick(rng, other.states)}"`
        : boosted && rng() < 0.3
          ? ` and boost > ${between(rng, 0.5, 2)}`
          : '';
    // Sometimes an event listed before it notices the state the undo forces: in the look where the
    // undo applies, that condition was looked at first, so it can hold only from the next step.
    if (rng() < 0.6) lines.push(`  - { id: noticed_${e}, when: 't${i} == "${from}"', add: { alerts: 1 } }`);
    lines.push(`  - { id: undo_${e}, when: 't${i} == "${to}"${also}', force: { t${i}: ${from} } }`);
  }
  if (boosted) lines.push(`  - { at: ${1 + Math.floor(rng() * (horizon - 1))}, set: { boost: ${between(rng, 0, 6)} } }`);
  if (rng() < 0.5) {
    const t = pick(rng, tracks);
    lines.push(`  - { at: ${1 + Math.floor(rng() * (horizon - 1))}, force: { ${t.name}: ${pick(rng, t.states)} } }`);
  }
  lines.push('metrics:', '  harm: { expr: harm }', '  moves: { expr: moves }', '  loss: { expr: loss }', '  alerts: { expr: alerts }');
  for (const t of tracks) {
    const state = pick(rng, t.states.slice(1));
    lines.push(`  ${t.name}_ever: { expr: 'ever(${t.name}, "${state}")' }`);
    lines.push(`  ${t.name}_first: { expr: 'first(${t.name}, "${state}")' }`);
    lines.push(`  ${t.name}_time: { expr: 'time_in(${t.name}, "${pick(rng, t.states)}")' }`);
  }
  return `${lines.join('\n')}\n`;
}

const rng = seedrandom(MODEL_SEED);
const models = Array.from({ length: MODELS }, (_, n) => randomScenario(rng, n));
let checks = 0;

function within(estimate: number, exact: number, se: number, what: string): void {
  checks++;
  const tolerance = se === 0 ? 1e-9 * Math.max(1, Math.abs(exact)) : Z * se;
  expect(Math.abs(estimate - exact), `${what}: ${estimate} against exact ${exact} (se ${se})`).toBeLessThanOrEqual(tolerance);
}

const binomialSe = (p: number) => Math.sqrt((Math.min(1, Math.max(0, p)) * (1 - Math.min(1, Math.max(0, p)))) / TRIALS);

describe.each(models.map((yaml, n) => [n, yaml] as const))('random model %i', (n, yaml) => {
  const { scenario } = loadScenarioText(yaml);
  const exact = analyzeExact(scenario);
  it.each([
    ['skipping', false],
    ['stepping', true],
  ])('%s agrees with the exact answer', (_way, stepOnly) => {
    const mc = runScenario(scenario, { trials: TRIALS, seed: 1000 + n, stepOnly });
    for (const [name, t] of Object.entries(exact.tracks)) {
      for (const state of t.states) {
        for (const kind of ['final', 'ever'] as const) {
          const p = t[kind][state]!;
          within(mc.tracks[name]![kind][state]!, p, binomialSe(p), `${name} ${kind} ${state}`);
        }
      }
    }
    for (const [name, m] of Object.entries(exact.metrics)) {
      const estimate = mc.metrics[name]!;
      // A probability's standard error from its exact value, another metric's from its exact sd
      // where known: all trials alike (se 0) is no proof. Where neither is known and every trial
      // gave the same value, an outcome rarer than about Z / TRIALS can have gone unseen, so the
      // floor is that share of the value's scale.
      const exactSe = m.sd === undefined ? 0 : m.sd / Math.sqrt(TRIALS);
      const floor = estimate.se === 0 && exactSe === 0 ? Math.max(1, Math.abs(m.mean)) / TRIALS : 0;
      const se = m.probability !== undefined ? binomialSe(m.probability) : Math.max(estimate.se, exactSe, floor);
      within(estimate.mean, m.mean, se, `metric ${name}`);
      if (m.censored !== undefined) within(estimate.censored!, m.censored, binomialSe(m.censored), `metric ${name} censored`);
    }
  });
});

describe('coverage of the random models', () => {
  it('undo a move in the step it was taken in every model, and report the checks made', () => {
    for (const yaml of models) expect(yaml).toMatch(/when: 't\d == "s\d".*force/);
    console.log(`random models against exact answers: ${checks} checks over ${MODELS} models`);
  });
});
