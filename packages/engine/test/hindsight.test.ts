/** What a scenario about a past episode knew of its end: the schema's field and the words every surface shows. */
import { describe, expect, it } from 'vitest';
import { hindsightWords, loadScenarioText, ModuleSchema } from '../src/index.ts';

const SCENARIO = `
id: h
start: "2016-04-02T00:00:00+04:00"
HINDSIGHT
time: { unit: day, dt: 1, horizon: 3 }
tracks:
  conflict:
    states: [clash, war]
    initial: clash
    transitions: [{ from: clash, to: war, rate: 0.1 }]
metrics:
  war: { expr: 'ever(conflict == "war")' }
`;
const load = (hindsight: string) => loadScenarioText(SCENARIO.replace('HINDSIGHT', hindsight)).scenario;

describe('hindsight', () => {
  it('words each kind, the forecast with its start, the note after the lead', () => {
    expect(hindsightWords(load('hindsight: { kind: none }'))).toEqual({
      kind: 'none',
      badge: 'forecast from its start',
      text: 'A forecast from what was knowable at its start (2016-04-02T00:00:00+04:00).',
    });
    const pooled = hindsightWords(load('hindsight: { kind: pooled, note: "Its death rates count 2023." }'));
    expect(pooled?.badge).toBe('not a forecast: uses later data');
    expect(pooled?.text).toBe(
      'Not a forecast from its start: some of its defaults count later episodes, or this one. Its death rates count 2023.',
    );
    expect(hindsightWords(load('hindsight: { kind: fitted }'))?.text).toMatch(/^A reconstruction fitted to the outcome, not a forecast/);
    expect(hindsightWords(load(''))).toBeUndefined();
  });

  it('refuses a kind it does not know, and an empty note, at their paths', () => {
    expect(() => load('hindsight: { kind: partly }')).toThrow(/hindsight\.kind/);
    expect(() => load('hindsight: { kind: none, note: "" }')).toThrow(/hindsight\.note/);
  });

  it('belongs to a scenario, not a module', () => {
    const parsed = ModuleSchema.safeParse({ kind: 'module', id: 'm', hindsight: { kind: 'none' } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toMatchObject([{ code: 'unrecognized_keys', keys: ['hindsight'] }]);
  });
});
