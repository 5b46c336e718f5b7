/** The observation form's model: rows read from a document and written back, and each field's check naming its row and field. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type FormScenario, formFromValue, formProblems, formText, rowProblems } from '../src/scenario/observation-rows.ts';

const SCENARIO: FormScenario = {
  unit: 'hour',
  dt: 1,
  horizon: 720,
  tracks: { conflict: ['calm', 'clash', 'war'] },
  events: ['truce_call'],
  variables: ['deaths'],
};

const DOC = {
  kind: 'observations',
  as_of: '1.5d',
  observations: [
    { at: 30, track: 'conflict', state: ['clash', 'war'], label: 'renewed attacks' },
    { at: '9h', event: 'truce_call', happened: false },
    { at: 36, variable: 'deaths', range: [105, 315] },
    { at: 36, variable: 'deaths', reported: 105, error: { dist: 'normal', sd: 20 } },
  ],
};

describe('observation form rows', () => {
  it('reads every kind of observation, times with units in the scenario’s unit, and writes a document that reads back the same', () => {
    const form = formFromValue(DOC, 'hour');
    if (typeof form === 'string') throw new Error(form);
    expect(form.asOf).toBe('36');
    expect(form.rows.map((r) => [r.kind, r.at])).toEqual([
      ['track', '30'],
      ['event', '9'],
      ['range', '36'],
      ['reported', '36'],
    ]);
    expect(formProblems(form, SCENARIO)).toEqual([]);
    const again = formFromValue(parse(formText(form)), 'hour');
    expect(again).toEqual(form);
    // In a scenario counted in days, "9h" is 0.375 days.
    const days = formFromValue(DOC, 'day');
    expect(typeof days !== 'string' && days.rows[1]?.at).toBe('0.375');
  });

  it('says why the form cannot show a document with fields it lacks', () => {
    expect(formFromValue({ observations: [{ at: 1, track: 'conflict', state: 'war', extra: 1 }] }, 'hour')).toBe(
      'observation 1 has fields the form does not show',
    );
    expect(formFromValue({ nothing: [] }, 'hour')).toBe('the text has no list of observations');
  });

  it('checks each field, naming the row and the field', () => {
    const messages = (row: Parameters<typeof rowProblems>[0]) => rowProblems(row, 1, SCENARIO).map((p) => p.message);
    expect(messages({ kind: 'track', at: '800', label: '', track: 'conflict', states: [] })).toEqual([
      'Row 2, time: 800 is past the horizon (720 hours)',
      'Row 2, states: tick at least one state',
    ]);
    expect(messages({ kind: 'track', at: '1.5', label: '', track: 'conflict', states: ['peace'] })).toEqual([
      'Row 2, time: 1.5 is not a whole number of steps (a step is 1 hour)',
      'Row 2, states: track "conflict" has no state "peace"',
    ]);
    expect(messages({ kind: 'range', at: '3', label: '', variable: 'deaths', min: '10', max: '5' })).toEqual([
      'Row 2, highest value: 5 is below the lowest value 10',
    ]);
    expect(messages({ kind: 'reported', at: '', label: '', variable: 'cost', reported: 'x', sd: '-1' })).toEqual([
      'Row 2, time: enter a time in hours (0 to 720)',
      'Row 2, variable: the scenario has no variable "cost"',
      'Row 2, reported value: "x" is not a number',
      'Row 2, reporting error (sd): the reporting error must be above 0',
    ]);
  });
});
