/** Grouping Sobol' factors by module: each parameter's module of origin is recorded on loading, beside the document. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentHash, type LoadedScenario, loadScenarioText, type ModuleResolver, parameterGroupNames, sensitivity } from '../src/index.ts';

const FILE = join(import.meta.dirname, '../../../scenarios/examples/modular-example.yaml');
const resolveModule: ModuleResolver = (ref, from) => {
  const file = join(dirname(from ?? FILE), ref);
  return { text: readFileSync(file, 'utf8'), file };
};
const load = (): LoadedScenario => loadScenarioText(readFileSync(FILE, 'utf8'), { file: FILE, resolveModule });

describe('parameters grouped by module', () => {
  it('records the include each parameter came from; a repeated module is told apart by its include number', () => {
    expect(load().parameterModules).toEqual({
      escalation_rate: 'clash-module',
      clash_deaths_per_day: 'clash-module',
      attempt_rate: 'mediation-module',
      p_hold: 'mediation-module',
      shutdown_rate: 'pipeline-module[2]',
      restart_rate: 'pipeline-module[2]',
      // The second pipeline renames only its shutdown rate; its restart rate is bound to the first's.
      scp_shutdown_rate: 'pipeline-module[3]',
    });
  });

  it("runs Sobol' on module groups: the same numbers as naming the groups; a group the metric does not read is exactly 0", () => {
    const loaded = load();
    const options = { method: 'sobol' as const, samples: 64, metrics: ['war_reached'] };
    const byModule = sensitivity(loaded.scenario, { ...options, groups: 'modules', parameterModules: loaded.parameterModules });
    const named = sensitivity(loaded.scenario, {
      ...options,
      groups: {
        'clash-module': ['escalation_rate', 'clash_deaths_per_day'],
        'mediation-module': ['attempt_rate', 'p_hold'],
        'pipeline-module[2]': ['shutdown_rate', 'restart_rate'],
        'pipeline-module[3]': ['scp_shutdown_rate'],
      },
    });
    expect(byModule).toEqual(named);
    expect(Object.keys(byModule.groups ?? {})).toHaveLength(4);
    // war_reached reads no pipeline parameter: the exact solver gives exactly zero total-order indices.
    const pipelines = byModule.metrics[0]?.sobol?.filter((s) => s.param.startsWith('pipeline-module')) ?? [];
    expect(pipelines.map((s) => s.total)).toEqual([0, 0]);
  });

  it('leaves the scenario document as it was (its hash is unchanged) and refuses module groups where nothing came from a module', () => {
    const loaded = load();
    expect(JSON.stringify(loaded.scenario)).not.toContain('pipeline-module[');
    const plain = loadScenarioText(
      `id: plain
time: { unit: day, dt: 1, horizon: 1 }
parameters:
  x1: { default: 0.5, range: [0, 1] }
tracks:
  track:
    states: [a, b]
    transitions:
      - { from: a, to: b, rate: x1 }
metrics:
  y: { expr: 'ever(track, "b")' }
`,
    );
    expect(plain.parameterModules).toEqual({});
    expect(() => sensitivity(plain.scenario, { method: 'sobol', samples: 64, groups: 'modules', parameterModules: {} })).toThrow(
      /groups: error \[bad_run_options\] grouping by module needs parameters that came from included modules[\s\S]*hint: name the groups yourself/,
    );
  });

  it("takes a parameter's declared `group` before its module, in Sobol' and for the web app's folds alike", () => {
    const loaded = load();
    const { scenario } = loaded;
    const before = contentHash(scenario);
    const declared = {
      ...scenario,
      parameters: {
        ...scenario.parameters,
        p_hold: { ...scenario.parameters.p_hold!, group: 'Truces' },
        escalation_rate: { ...scenario.parameters.escalation_rate!, group: 'Truces' },
      },
    };
    const groups = parameterGroupNames(declared.parameters, loaded.parameterModules);
    expect(groups).toMatchObject({ p_hold: 'Truces', escalation_rate: 'Truces', attempt_rate: 'mediation-module' });
    const options = { method: 'sobol' as const, samples: 64, metrics: ['war_reached'] };
    const r = sensitivity(declared, { ...options, groups: 'modules', parameterModules: loaded.parameterModules });
    expect(r.groups?.Truces).toEqual(['escalation_rate', 'p_hold']);
    expect(r.groups?.['mediation-module']).toEqual(['attempt_rate']);
    // The optional field changes nothing in a document that does not use it.
    expect(contentHash(scenario)).toBe(before);
    expect(
      loadScenarioText('id: x\ntime: { unit: day, dt: 1, horizon: 2 }\nparameters:\n  a: { default: 1, group: Rates }\n').scenario
        .parameters.a?.group,
    ).toBe('Rates');
  });
});
