/** How a choice lever's tie is decided: a divided team does not act, whichever options lead. */
import { describe, expect, it } from 'vitest';
import { classDecisions, type Exercise, ExerciseSchema } from '../src/classroom.ts';

/** The reviewer's lever: more, keep (no action, listed second) and less. */
const exercise: Exercise = ExerciseSchema.parse({
  scenarioId: 'api-small',
  title: 'Ties',
  briefing: 'A clash on the border.',
  levers: [
    {
      kind: 'choice',
      id: 'mediation',
      label: 'Mediation',
      noAction: 'keep',
      options: [
        { id: 'more', label: 'More', overrides: { ceasefire_rate: 0.3 } },
        { id: 'keep', label: 'Keep', overrides: {} },
        { id: 'less', label: 'Less', overrides: { ceasefire_rate: 0.05 } },
      ],
    },
  ],
  questions: [{ kind: 'probability', id: 'war', label: 'War?', metric: 'war' }],
  deadline: '2026-03-02T10:00:00Z',
});
const votes = (...choices: string[]) => choices.map((mediation) => ({ team: null, decisions: { mediation } }));

describe('a tie on a choice lever', () => {
  it('between two actions, no action not among the leaders, applies no action', () => {
    const tie = classDecisions(exercise, votes('more', 'less'));
    expect(tie.decisions[0]).toEqual({ lever: 'mediation', decision: 'keep', votes: { more: 1, keep: 0, less: 1 }, voters: 2 });
    expect(tie.overrides).toEqual({});
  });

  it('with no action among the leaders, applies no action', () => {
    expect(classDecisions(exercise, votes('less', 'keep')).decisions[0]?.decision).toBe('keep');
  });

  it('is no tie when one option leads', () => {
    const decided = classDecisions(exercise, votes('less', 'more', 'less'));
    expect(decided.decisions[0]?.decision).toBe('less');
    expect(decided.overrides).toEqual({ ceasefire_rate: 0.05 });
  });
});
