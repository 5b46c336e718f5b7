/**
 * Every library scenario about an episode that has happened says what it knew of how it ended
 * (`hindsight`), so that no result passes a reconstruction or a pooled backtest case off as a
 * forecast from its start. Structure only: no outcome is a target here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';
import { libraryScenario, SCENARIOS } from '../helpers/library-scenarios.ts';

/** Folders of scenarios/ that hold modules or data rather than scenarios (as the server's library skips them). */
const NOT_SCENARIOS = new Set(['modules', 'backtest', 'reference-class', 'observations', 'exercises']);

function scenarioFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return NOT_SCENARIOS.has(name) ? [] : scenarioFiles(path);
    // Example modules sit beside the examples' scenarios.
    return name.endsWith('.yaml') && !/^kind: module$/m.test(readFileSync(path, 'utf8')) ? [relative(ROOT, path)] : [];
  });
}

const FILES = scenarioFiles(SCENARIOS);
/** The forecasts: from 00:05 on 13 September 2022, and from today. */
const FORECASTS = ['scenarios/armenia-azerbaijan-2022.yaml', 'scenarios/armenia-azerbaijan-present.yaml'];

describe('hindsight in the library', () => {
  it('finds the library (the two forecasts, the reconstruction and the backtest cases among them)', () => {
    expect(FILES).toEqual(expect.arrayContaining([...FORECASTS, 'scenarios/reconstruction/armenia-azerbaijan-2022-reconstruction.yaml']));
    expect(FILES.length).toBeGreaterThanOrEqual(12);
  });

  it('has every scenario dated on the calendar declare what it knew of the end, and nothing else declare it', () => {
    for (const file of FILES) {
      const s = libraryScenario(file);
      expect(s.hindsight !== undefined, `${file}: start ${s.start ?? 'none'}, hindsight ${s.hindsight?.kind ?? 'none'}`).toBe(
        s.start !== undefined,
      );
    }
  });

  it('calls a forecast only what its start knew, and the reconstruction fitted', () => {
    const kinds = Object.fromEntries(FILES.flatMap((f) => (libraryScenario(f).hindsight ? [[f, libraryScenario(f).hindsight?.kind]] : [])));
    for (const file of FORECASTS) expect(kinds[file], file).toBe('none');
    expect(kinds['scenarios/reconstruction/armenia-azerbaijan-2022-reconstruction.yaml']).toBe('fitted');
    // What the 2022 forecast may and may not know is pinned parameter by parameter in reconstruction-2022.test.ts.
  });
});
