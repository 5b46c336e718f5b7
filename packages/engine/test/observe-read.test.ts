/** Reading observations: every kind of bad input is refused with the observation named, at its line and column. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { libraryScenario } from '../../../test/helpers/library-scenarios.ts';
import { buildModel, GeoriskError, type Issue, loadScenarioText, readObservations } from '../src/index.ts';
import { FILTER_SCENARIO } from './observe-helpers.ts';

const model = buildModel(loadScenarioText(FILTER_SCENARIO).scenario);

/** The issues `readObservations` throws for `text`. */
function issuesOf(text: string): Issue[] {
  try {
    readObservations(text, model, 'seen.yaml');
  } catch (error) {
    if (error instanceof GeoriskError) return error.issues;
    throw error;
  }
  throw new Error('expected the observations to be refused');
}

describe('reading observations', () => {
  it('reads every kind, times with units, and as_of', () => {
    const observed = readObservations(
      'as_of: 6\nobservations:\n  - { at: 2h, track: conflict, state: clash }\n  - { at: 3, event: mediators, happened: false }\n',
      model,
    );
    expect(observed.asOfStep).toBe(6);
    expect(observed.list.map((o) => [o.kind, o.step])).toEqual([
      ['track', 2],
      ['event', 3],
    ]);
    expect(observed.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a time outside the horizon, pointing at its line and column', () => {
    const [i] = issuesOf('observations:\n  - at: 9\n    track: conflict\n    state: war\n');
    expect(i).toMatchObject({ code: 'bad_observation', path: 'observations[0].at', file: 'seen.yaml', line: 2, column: 9 });
    expect(i!.message).toMatch(/after the scenario's horizon \(8 hours\)/);
  });

  it('refuses a state the track lacks, naming the observation and listing its states', () => {
    const [i] = issuesOf('observations:\n  - { at: 2, track: conflict, state: [clash, peace] }\n');
    expect(i).toMatchObject({ code: 'bad_observation', path: 'observations[0].state', line: 2 });
    expect(i!.message).toBe('observations[0]: track "conflict" has no state "peace"');
    expect(i!.hint).toBe('its states are: calm, clash, war, truce');
  });

  it('refuses unknown tracks, events and variables, and a time off the step grid', () => {
    const issues = issuesOf(
      'observations:\n  - { at: 2, track: front, state: war }\n  - { at: 2, event: envoy, happened: true }\n  - { at: 2, variable: deaths, range: [1, 2] }\n  - { at: 2.5, track: ally, state: out }\n',
    );
    expect(issues.map((i) => i.path)).toEqual([
      'observations[0].track',
      'observations[1].event',
      'observations[2].variable',
      'observations[3].at',
    ]);
    expect(issues[3]!.hint).toBe('use t = 3');
  });

  it('refuses an inconsistent pair: two states of one track at one time, an event that happened then had not', () => {
    const issues = issuesOf(
      'observations:\n  - { at: 2, track: conflict, state: clash }\n  - { at: 2, track: conflict, state: war }\n  - { at: 3, event: mediators, happened: true }\n  - { at: 5, event: mediators, happened: false }\n',
    );
    expect(issues.map((i) => [i.path, i.line])).toEqual([
      ['observations[1]', 3],
      ['observations[3]', 5],
    ]);
    expect(issues[0]!.message).toBe(
      'observations[1] (conflict in war at t = 2) contradicts observations[0] (conflict in clash at t = 2): both cannot hold',
    );
  });

  it('refuses unknown keys and an as_of before the last observation', () => {
    expect(issuesOf('observations:\n  - { at: 2, track: conflict, stat: war }\n')).toMatchObject([
      { code: 'missing_key', path: 'observations[0].state' },
      {
        code: 'unknown_key',
        path: 'observations[0].stat',
        line: 2,
        column: 31,
        hint: 'this kind of observation has the keys: at, label, track, state',
      },
    ]);
    expect(issuesOf('as_of: 1\nobservations:\n  - { at: 2, track: conflict, state: war }\n')[0]).toMatchObject({ path: 'as_of', line: 1 });
  });

  it('reads the 2022 worked example against its scenario', () => {
    const root = new URL('../../../scenarios/', import.meta.url);
    const scenario = libraryScenario('scenarios/armenia-azerbaijan-2022.yaml');
    const text = readFileSync(new URL('observations/armenia-azerbaijan-2022-hour36.yaml', root), 'utf8');
    const observed = readObservations(text, buildModel(scenario));
    expect(observed.asOfStep).toBe(36);
    expect(observed.list.map((o) => o.kind)).toEqual(['track', 'track', 'track', 'track', 'track', 'variable']);
  });
});
