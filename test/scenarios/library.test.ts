/**
 * The scenario library: every scenario validates with no warnings and its headline outcomes stay
 * where they were pinned.
 *
 * Pins are the estimates of 200,000-trial runs at seed 7 (`georisk run FILE -n 200000 -s 7`);
 * the 2020, 2023 and Kyrgyz–Tajik pins moved when those scenarios took the fighting-side modules
 * (attacker objectives, truces without a mediator, the offensive season; issue 17), and the 2016 and
 * 2020 pipeline pins when their distances to the pipelines were measured (research notes §5.3);
 * the tests run 5,000 trials at seed 1, an independent sample. A probability passes when
 * |p − pin| ≤ 4.5·SE + 0.005 with SE = √(pin(1 − pin)/n) (the pin's own variance is 1/40 of that);
 * a mean when |mean − pin| ≤ 4.5·se + 1% of the pin, with se the run's own standard error. For an
 * unbiased change of random streams (a new engine version) each check fails with probability
 * about 1e-5 (4.45 combined SEs, two-sided), so the ~40 checks below raise a false alarm about once in 2,500 stream changes; a
 * real change to a rate or a module shifts most of them by far more than the tolerance (for
 * example, doubling the clash escalation hazard moves P(war) in 2016 from 12.7% to about 20%).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  buildModel,
  loadScenarioText,
  type ModuleResolver,
  type Overrides,
  type RunResult,
  runScenario,
} from '../../packages/engine/src/index.ts';

const SCENARIOS = resolve(dirname(fileURLToPath(import.meta.url)), '../../scenarios');
const TRIALS = 5000;
const SEED = 1;

const resolveModule: ModuleResolver = (ref, from) => {
  const base = from === undefined ? SCENARIOS : dirname(from);
  for (const candidate of [ref, `${ref}.yaml`]) {
    const path = resolve(base, candidate);
    if (existsSync(path) && statSync(path).isFile()) return { text: readFileSync(path, 'utf8'), file: path };
  }
  return undefined;
};

function load(name: string) {
  const file = join(SCENARIOS, name);
  return loadScenarioText(readFileSync(file, 'utf8'), { file, resolveModule });
}

function run(name: string, overrides: Overrides = {}): RunResult {
  return runScenario(load(name).scenario, { trials: TRIALS, seed: SEED, overrides });
}

/** Probability pins (share of trials) and mean pins (in the metric's unit). */
interface Pins {
  p?: Record<string, number>;
  mean?: Record<string, number>;
}

function checkPins(r: RunResult, pins: Pins): void {
  for (const [name, pin] of Object.entries(pins.p ?? {})) {
    const m = r.metrics[name];
    expect(m?.probability, `${name} is a probability`).toBeDefined();
    const p = m!.probability!.p;
    const se = Math.sqrt((pin * (1 - pin)) / r.trials);
    expect(Math.abs(p - pin), `${name}: ${p} against the pin ${pin}`).toBeLessThanOrEqual(4.5 * se + 0.005);
  }
  for (const [name, pin] of Object.entries(pins.mean ?? {})) {
    const m = r.metrics[name];
    expect(m, name).toBeDefined();
    const mean = m!.mean;
    expect(Math.abs(mean - pin), `${name}: mean ${mean} against the pin ${pin}`).toBeLessThanOrEqual(4.5 * m!.se + 0.01 * pin);
  }
}

const LIBRARY: [string, Pins][] = [
  [
    'four-day-war-2016.yaml',
    {
      p: {
        war_reached: 0.1273,
        ceasefire_within_7_days: 0.8276,
        csto_deployment: 0,
        russian_peacekeepers: 0.0391,
        pipeline_disruption: 0.0504,
      },
      mean: { fighting_days: 6.234, armenian_deaths: 513.4, azerbaijani_deaths: 396.8, territory_km2: 26.81 },
    },
  ],
  [
    'nagorno-karabakh-2020.yaml',
    {
      p: {
        war_over_30_days: 0.4864,
        ceasefire_within_7_days: 0.1594,
        russian_peacekeepers: 0.6222,
        pipeline_disruption: 0.2452,
        csto_deployment: 0,
      },
      mean: { fighting_days: 32.37, armenian_deaths: 2781.0, azerbaijani_deaths: 2133.3, civilian_deaths: 135.6 },
    },
  ],
  [
    'karabakh-2023.yaml',
    {
      p: { war_reached: 0.0742, ceasefire_within_7_days: 0.8398, russian_peacekeepers: 1, pipeline_disruption: 0.013 },
      mean: { fighting_days: 3.426, armenian_deaths: 277.0, azerbaijani_deaths: 214.2 },
    },
  ],
  [
    'kyrgyz-tajik-2022.yaml',
    {
      p: { war_reached: 0.0647, ceasefire_within_7_days: 0.7953, international_mediation: 0.1993, csto_deployment: 0 },
      mean: { fighting_days: 3.156, kyrgyz_deaths: 148.6, tajik_deaths: 104.4 },
    },
  ],
  [
    'teaching/two-state-border-dispute.yaml',
    { p: { clash_within_90_days: 0.4794, war_reached: 0.0672, ceasefire_within_7_days: 0.0166 }, mean: { military_deaths: 615.7 } },
  ],
  [
    'teaching/alliance-dilemma.yaml',
    { p: { article4_invoked: 0.9739, csto_assessment_mission: 0.9721, csto_deployment: 0.0366, troops_or_war: 0.1427 } },
  ],
];

describe('the scenario library', () => {
  it.each(LIBRARY)('%s validates with no warnings and keeps its pinned outcomes', (name, pins) => {
    const model = buildModel(load(name).scenario);
    expect(model.warnings).toEqual([]);
    checkPins(run(name), pins);
  });

  it('alliance dilemma: a patron with full bandwidth and no ties to the attacker sends troops about four times as often', () => {
    checkPins(run('teaching/alliance-dilemma.yaml', { russia_bandwidth: 1, ties_to_attacker: 0 }), {
      p: { csto_deployment: 0.1391, troops_or_war: 0.2179 },
    });
  });

  it('every parameter of every module and library scenario says where it comes from', () => {
    for (const [name] of LIBRARY) {
      const scenario = load(name).scenario;
      for (const [param, spec] of Object.entries(scenario.parameters ?? {})) {
        const sourced = (spec.sources?.length ?? 0) > 0 || (spec.assumption ?? '') !== '';
        expect(sourced, `${name}: parameter ${param} needs sources or an assumption`).toBe(true);
      }
    }
  });
});
