/**
 * The 2022 classroom exercise's no-action run carries no hindsight truce (issue 17): the debrief
 * runs the scenario with the class's overrides and with none, so neither the scenario's default
 * nor any lever may put the truce call of 14 September on the calendar. Exact solver, no sampling.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classDecisions, ExerciseSchema, noActionOption } from '../../packages/engine/src/classroom.ts';
import { analyzeExact } from '../../packages/engine/src/index.ts';
import { ROOT } from '../helpers/cli.ts';
import { exactMean, libraryScenario } from '../helpers/library-scenarios.ts';

const template = JSON.parse(readFileSync(join(ROOT, 'scenarios/exercises/border-escalation-2022.json'), 'utf8'));
// The teacher sets the deadline when starting a session; any will do here.
const exercise = ExerciseSchema.parse({ ...template.exercise, deadline: '2030-01-01T00:00:00Z' });
const scenario = libraryScenario(`scenarios/${exercise.scenarioId}.yaml`);
/** The parameters that replay the 2022 outcome's calendar (hindsight). */
const HINDSIGHT = ['replay_calendar', 'truce_call'];

/** The two-turn 2022 seminar, whose levers and no-action runs must carry no hindsight either. */
const seminar = ExerciseSchema.parse({
  ...JSON.parse(readFileSync(join(ROOT, 'scenarios/exercises/seminar-2022.json'), 'utf8')).exercise,
  deadline: '2030-01-01T00:00:00Z',
});

describe('the 2022 exercise without hindsight', () => {
  it('neither does the two-turn seminar: no lever puts the calendar truce back, and no action is the scenario as written', () => {
    for (const lever of seminar.levers) {
      if (lever.kind === 'range') expect(HINDSIGHT).not.toContain(lever.parameter);
      else {
        for (const option of lever.options) for (const name of HINDSIGHT) expect(option.overrides).not.toHaveProperty(name);
        expect(lever.options.find((o) => o.id === noActionOption(lever))?.overrides).toEqual({});
      }
    }
    expect(classDecisions(seminar, []).overrides).toEqual({});
    expect(seminar.scenarioId).toBe(exercise.scenarioId);
  });

  it('no lever and no "no action" option puts the calendar truce back', () => {
    for (const lever of exercise.levers) {
      if (lever.kind === 'range') {
        expect(HINDSIGHT).not.toContain(lever.parameter);
        continue;
      }
      for (const option of lever.options) for (const name of HINDSIGHT) expect(option.overrides).not.toHaveProperty(name);
      expect(lever.options.find((o) => o.id === noActionOption(lever))?.overrides).toEqual({});
    }
  });

  it('a class that does nothing runs the scenario as written, whose calendar truce is off', () => {
    expect(classDecisions(exercise, []).overrides).toEqual({});
    expect(scenario.parameters.replay_calendar?.default).toBe(0);
    const metric = exercise.questions.find((q) => q.id === 'truce48')!.metric;
    const noAction = analyzeExact(scenario, {}).metrics[metric]!.mean;
    const hindsight = analyzeExact(scenario, { replay_calendar: 1 }).metrics[metric]!.mean;
    // The switch matters (so the check above is not vacuous), and the no-action run is the one without it.
    expect(hindsight).toBeGreaterThan(noAction + 0.1);
    expect(noAction).toBe(analyzeExact(scenario, { replay_calendar: 0 }).metrics[metric]!.mean);
  });
});

describe("the 2022 exercise's offensive lever acts through the attacker's aims", () => {
  const options = exercise.levers.find((l) => l.id === 'offensive');
  const overrides = (id: string) => {
    if (options === undefined || options.kind === 'range') throw new Error('no offensive choice lever');
    const option = options.options.find((o) => o.id === id);
    if (option === undefined) throw new Error(`no option ${id}`);
    return option.overrides;
  };
  // Exact answers, so the margins below are not sampling noise: each is about half the gap measured.
  it('halting early takes the aims sooner and lowers the chance of war; pressing on does the opposite', () => {
    const aims48 = (id: string) => exactMean(scenario, 'aims_secured', overrides(id));
    expect(aims48('halt')).toBeGreaterThan(aims48('plan'));
    expect(aims48('press')).toBeLessThan(aims48('plan'));
    const war = (id: string) => exactMean(scenario, 'war_reached', overrides(id));
    expect(war('press') - war('plan')).toBeGreaterThan(0.035);
    expect(war('plan') - war('halt')).toBeGreaterThan(0.007);
  });
});
