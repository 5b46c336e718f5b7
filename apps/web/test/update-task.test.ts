/** The worker's update tasks in Node: observations checked as typed (line:column, named), bundled examples found, the update equal to the engine's. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { updateScenario } from '@georisk/engine';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../apps/cli/src/load.ts';
import { timelineMarks } from '../src/scenario/timeline-marks.ts';
import { checkObservations, observationExamples, updateRequest } from '../src/update-task.ts';

const ROOT = join(import.meta.dirname, '../../..');
const scenario = loadScenarioFile(join(ROOT, 'scenarios/armenia-azerbaijan-2022.yaml')).scenario;
const events = readFileSync(join(ROOT, 'scenarios/observations/armenia-azerbaijan-2022-hour36-events.yaml'), 'utf8');

describe('update tasks', () => {
  it('accepts the bundled events file and locates a bad state at its line and column, naming the observation', () => {
    expect(checkObservations(scenario, {}, events)).toEqual([]);
    const bad = events.replace('state: clash\n', 'state: clashh\n');
    const issues = checkObservations(scenario, {}, bad);
    expect(issues.length).toBeGreaterThan(0);
    const line = bad.split('\n').findIndex((l) => l.includes('clashh')) + 1;
    expect(issues[0]?.message).toContain('observations[4]');
    expect(issues[0]?.message).toContain('"clashh"');
    expect(issues[0]?.line).toBe(line);
    expect(issues[0]?.column).toBeGreaterThan(0);
  });

  it('lists the scenario’s bundled observation files, and none for another scenario', () => {
    const files = {
      'scenarios/observations/armenia-azerbaijan-2022-hour36-events.yaml': 'a',
      'scenarios/observations/armenia-azerbaijan-2022-hour36.yaml': 'b',
      'scenarios/observations/other-x.yaml': 'c',
    };
    expect(observationExamples('scenarios/armenia-azerbaijan-2022.yaml', files).map((e) => e.text)).toEqual(['a', 'b']);
    expect(observationExamples('scenarios/taiwan.yaml', files)).toEqual([]);
  });

  it('labels each bundled example by its title, which says the toll example is refused', () => {
    const titles = observationExamples('scenarios/armenia-azerbaijan-2022.yaml').map((e) => [e.file.replace(/.*\//, ''), e.title]);
    expect(titles).toEqual([
      ['armenia-azerbaijan-2022-hour36-events.yaml', expect.stringContaining('five events')],
      ['armenia-azerbaijan-2022-hour36.yaml', expect.stringContaining('refused')],
    ]);
  });

  it('conditions exactly as the engine’s updateScenario does, and refuses an impossible observation by name', () => {
    const req = { scenario, overrides: {}, text: events, trials: 400, seed: 3 };
    const a = updateRequest(req);
    const b = updateScenario(scenario, events, { trials: 400, seed: 3 });
    expect(a.metrics).toEqual(b.metrics);
    expect(a.conditioning.effectiveSampleSize).toBe(b.conditioning.effectiveSampleSize);
    const toll = readFileSync(join(ROOT, 'scenarios/observations/armenia-azerbaijan-2022-hour36.yaml'), 'utf8');
    expect(() => updateRequest({ ...req, text: toll })).toThrow(/impossible|likelihood|zero/i);
  });

  it('places timeline marks in time order, as shares of the horizon, stacking equal times', () => {
    const marks = timelineMarks(
      [
        { name: 'c', t: 36 },
        { name: 'a', t: 9 },
        { name: 'b', t: 9 },
        { name: 'late', t: 200 },
      ],
      72,
    );
    expect(marks.map((m) => [m.number, m.label, m.percent, m.stack])).toEqual([
      [1, 'a', 12.5, 0],
      [2, 'b', 12.5, 1],
      [3, 'c', 50, 0],
      [4, 'late', 100, 0],
    ]);
    // An observation's own number (the form's, the file's) is kept wherever it falls in time, and an
    // engine's name shows its label alone.
    const own = timelineMarks(
      [
        { name: 'observations[0] (truce failed)', t: 9 },
        { name: 'observations[1]', t: 36 },
        { name: 'observations[2] (renewed attacks)', t: 30 },
      ],
      36,
    );
    expect(own.map((m) => [m.number, m.label, m.t])).toEqual([
      [1, 'truce failed', 9],
      [3, 'renewed attacks', 30],
      [2, 'observation 2', 36],
    ]);
  });
});
