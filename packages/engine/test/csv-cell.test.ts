/** CSV cells (issue 14 §8): one cell in every locale's reader, formulas neutralised, in the debrief, run and sweep CSVs. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildDebrief, debriefCsv, type Exercise, ExerciseSchema, questionOutcomes } from '../src/classroom.ts';
import { csvCell } from '../src/csv-cell.ts';
import { buildModel, loadScenarioText, simulate } from '../src/index.ts';

/** An RFC 4180 reader with a chosen separator, as a spreadsheet in that locale reads a line. */
function readLine(line: string, sep: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === sep) {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

const FORMULA = /^[=+\-@\t\r]/;

/** Whether a cell as a reader sees it would be evaluated: a formula start, also after leading spaces. */
const isFormula = (cell: string) => FORMULA.test(cell) || /^\s*[=+\-@]/.test(cell);

/** The text again from a cell: the apostrophes csvCell put before formula starts taken out. */
const unneutralised = (cell: string) => cell.replace(/([,;\t\r\n][\s"]*)'(?=[=+\-@])/g, '$1').replace(/^'(?=\s*[=+\-@]|[\t\r])/, '');

describe('csvCell', () => {
  it('keeps `x;=1+2` one plain-text cell for a comma reader, and no formula for a semicolon or tab reader', () => {
    const line = ['x;=1+2', '=SUM(A1)', 'a,b', 'say "hi"', 'x;=1+2;'].map(csvCell).join(',');
    expect(line).toBe(`"x;'=1+2",'=SUM(A1),"a,b","say ""hi""","x;'=1+2;"`);
    expect(readLine(line, ',')).toEqual(["x;'=1+2", "'=SUM(A1)", 'a,b', 'say "hi"', "x;'=1+2;"]);
    for (const sep of [';', '\t']) for (const c of readLine(line, sep)) expect(isFormula(c)).toBe(false);
  });

  it('reads back as one cell holding the text, and as no formula in another locale (1,000 strings, seed 14)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '1', ',', ';', '\t', '"', '=', '+', '-', '@', ' ', '\n') });
    fc.assert(
      fc.property(text, (s) => {
        const line = `${csvCell(s)},z`;
        const cells = readLine(line, ',');
        expect(cells).toHaveLength(2);
        expect(unneutralised(cells[0] ?? '')).toBe(s);
        expect(isFormula(cells[0] ?? '')).toBe(false);
        // A reader of another locale splits the line elsewhere, but never where a formula starts.
        for (const sep of [';', '\t']) for (const c of readLine(line, sep)) expect(isFormula(c)).toBe(false);
      }),
      { seed: 14, numRuns: 1000 },
    );
  });

  it('writes numbers as they are (a negative number is a number, not a formula) and non-finite ones empty', () => {
    expect([-0.5, 3, Number.NaN, undefined, null].map(csvCell)).toEqual(['-0.5', '3', '', '', '']);
  });
});

describe('the debrief CSV', () => {
  const scenario = loadScenarioText(`id: csv
time: { unit: day, dt: 1, horizon: 10 }
parameters:
  war_rate: { default: 0.05, range: [0, 1] }
tracks:
  conflict:
    states: [clash, war]
    initial: clash
    transitions:
      - { from: clash, to: war, rate: war_rate }
metrics:
  war_reached: { expr: 'ever(conflict, "war")' }
`).scenario;
  const exercise: Exercise = ExerciseSchema.parse({
    scenarioId: 'csv',
    title: 'CSV',
    briefing: 'b',
    teams: [{ id: 't', name: 'Team;=2+3' }],
    levers: [],
    questions: [{ kind: 'probability', id: 'war', label: 'War?', metric: 'war_reached' }],
    deadline: '2030-01-01T00:00:00Z',
    trials: 2000,
  });
  const model = buildModel(scenario);
  const outcomes = questionOutcomes(exercise, model, simulate(model, { seed: 1, firstTrial: 0, trials: 2000 }));
  const students = [
    { id: 'a', name: 'x;=1+2', team: 't', forecasts: { war: 0.3 } },
    { id: 'b', name: '@SUM(1)', team: 't', forecasts: { war: 0.4 } },
  ];
  const csv = debriefCsv(exercise, buildDebrief(exercise, students, outcomes, outcomes));

  it('keeps every student row at the header’s width, with no cell a formula for comma, semicolon or tab readers', () => {
    const lines = csv.split('\n').slice(0, 3);
    const width = readLine(lines[0] ?? '', ',').length;
    for (const line of lines.slice(1)) {
      expect(readLine(line, ',')).toHaveLength(width);
      for (const sep of [',', ';', '\t']) for (const c of readLine(line, sep)) expect(isFormula(c)).toBe(false);
    }
    expect(csv).toContain(`"x;'=1+2","Team;'=2+3"`);
    expect(csv).toContain("'@SUM(1)");
  });
});
