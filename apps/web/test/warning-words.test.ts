import { describe, expect, it } from 'vitest';
import { warningWords } from '../src/classroom/warning-words.ts';
import type { TeacherView } from '../src/classroom-api.ts';

const levers: TeacherView['exercise']['levers'] = [
  {
    kind: 'choice',
    id: 'csto_request',
    label: 'Invoke CSTO Article 4?',
    description: '',
    options: [
      { id: 'invoke', label: 'Invoke Article 4 at once', overrides: {} },
      { id: 'hold', label: 'Do not invoke it', overrides: { article4_request_rate: 0 } },
    ],
  },
  { kind: 'range', id: 'ties', label: 'How close to stay', description: '', parameter: 'ties', min: 0, max: 2 },
];
const warning = (path: string, rest: string) => ({ path, message: `${path}: ${rest}` });

describe("the dashboard's lever warnings in the teacher's words", () => {
  it('names the decision and the option students see in place of the JSON path', () => {
    const w = warning(
      'levers[0].options[1].overrides',
      'the value 0 for "article4_request_rate" lies outside its range [1.2, 4.8]; the run uses it anyway',
    );
    expect(warningWords({ levers }, w)).toBe(
      '"Invoke CSTO Article 4?", option "Do not invoke it": the value 0 for "article4_request_rate" lies outside its range [1.2, 4.8]; the run uses it anyway',
    );
  });

  it("reads a range lever's ends as its lowest and highest value", () => {
    expect(warningWords({ levers }, warning('levers[1].max', 'the value 2 for "ties" lies outside its range [0, 1]'))).toBe(
      '"How close to stay", its highest value: the value 2 for "ties" lies outside its range [0, 1]',
    );
  });

  it('leaves a path it cannot place as the server wrote it', () => {
    for (const w of [warning('levers[5].min', 'x'), warning('levers[1].options[0].overrides', 'x'), warning('teams[0]', 'x')])
      expect(warningWords({ levers }, w)).toBe(w.message);
  });
});
