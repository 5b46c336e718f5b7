/**
 * The scenario with observation snapshots added, for sampling: each observation becomes a timed
 * event at its time that copies what it observes into a fresh variable, read when the trial ends.
 */
import { buildModel, type Model, type Overrides } from '../model/model.ts';
import type { ScenarioDocument } from '../scenario-schema.ts';
import type { CheckedObservation } from './read-observations.ts';

/** The augmented document and, per observation (in the checked list's order), the variable holding its snapshot. */
export interface AugmentedScenario {
  scenario: ScenarioDocument;
  snapshots: string[];
}

/**
 * Adds a snapshot variable and a timed event per observation (after the scenario's own events, so
 * the streams of existing components are unchanged); an observed event also sets a "fired" flag.
 */
export function augmentScenario(model: Model, list: CheckedObservation[]): AugmentedScenario {
  const doc = JSON.parse(JSON.stringify(model.scenario)) as ScenarioDocument;
  const variables = (doc.variables ??= {});
  const events = (doc.events ??= []);
  const taken = new Set([...Object.keys(doc.parameters ?? {}), ...Object.keys(variables), ...Object.keys(doc.tracks ?? {})]);
  const fresh = (base: string) => {
    let name = base;
    while (taken.has(name)) name = `_${name}`;
    taken.add(name);
    variables[name] = { initial: 0 };
    return name;
  };
  const firedFlags = new Map<number, string>();
  const snapshots = list.map((o, i) => {
    const name = fresh(`_observed_${i}`);
    let expr: string;
    if (o.kind === 'track') {
      const track = model.tracks[o.track]!;
      const states = [...o.states].map((s) => JSON.stringify(track.states[s]));
      expr = `is(${track.name}, ${states.join(', ')}) ? 1 : 0`;
    } else if (o.kind === 'event') {
      let flag = firedFlags.get(o.event);
      if (flag === undefined) {
        flag = fresh(`_fired_${o.event}`);
        firedFlags.set(o.event, flag);
        const e = events[o.event]!;
        e.set = { ...(e.set ?? {}), [flag]: 1 };
      }
      expr = flag;
    } else {
      expr = model.vars.names[o.variable]!;
    }
    return { name, expr, at: o.step };
  });
  return {
    scenario: doc,
    snapshots: snapshots.map(({ name, expr, at }) => {
      events.push({ at: at * doc.time.dt, set: { [name]: expr } });
      return name;
    }),
  };
}

/** The augmented scenario compiled, its snapshots marked to apply after the condition events due at their time. */
export function buildAugmentedModel(
  model: Model,
  list: CheckedObservation[],
  overrides: Overrides = {},
): { model: Model; snapshots: number[] } {
  const augmented = augmentScenario(model, list);
  const sampled = buildModel(augmented.scenario, overrides);
  // Snapshots see the state at their time as recorded: after the condition events due then too.
  for (const e of sampled.events.slice(model.events.length)) e.afterConditions = true;
  return { model: sampled, snapshots: augmented.snapshots.map((name) => sampled.vars.names.indexOf(name)) };
}
