/** The trigonometric functions and the constants pi and e: their values, their use in a rate, and what is refused. */
import { describe, expect, it } from 'vitest';
import { cos, sin, tan } from '../src/det-math.ts';
import { analyzeExact, loadScenarioText } from '../src/index.ts';
import { problems, runYaml } from './helpers.ts';

/** A one-track scenario whose war rate is `rate` and whose metric `value` is `metric`. */
function scenario(rate: string, metric = '0', parameters = ''): string {
  return [
    'id: trig',
    'time: { unit: day, dt: 1, horizon: 60 }',
    `parameters: { base: { default: 0.05 }${parameters} }`,
    'tracks:',
    '  conflict:',
    '    states: [clash, war]',
    '    initial: clash',
    `    transitions: [{ from: clash, to: war, rate: "${rate}" }]`,
    'metrics:',
    '  war_reached: { expr: \'ever(conflict, "war")\' }',
    `  value: { expr: "${metric}" }`,
    '',
  ].join('\n');
}

describe('sin, cos, tan, pi and e', () => {
  it('evaluate to the deterministic values, pi and e exact to the double', () => {
    const r = runYaml(scenario('base', 'sin(pi / 6) + 10 * cos(pi) + 100 * tan(pi / 4) + 1000 * e'), 3);
    expect(r.metrics.value?.mean).toBe(sin(Math.PI / 6) + 10 * cos(Math.PI) + 100 * tan(Math.PI / 4) + 1000 * Math.E);
  });

  it('work in a rate: a constant one gives the bits of the number it equals, a seasonal one runs and has an exact answer', () => {
    const folded = runYaml(scenario('base * (1 + sin(pi / 2))'), 4000, 7);
    const plain = runYaml(scenario('0.1'), 4000, 7);
    expect(folded.metrics.war_reached).toEqual(plain.metrics.war_reached);
    const seasonal = loadScenarioText(scenario('base * (1 + cos(2 * pi * t / 30))')).scenario;
    const exact = analyzeExact(seasonal);
    const run = runYaml(scenario('base * (1 + cos(2 * pi * t / 30))'), 20_000, 3);
    const p = run.metrics.war_reached?.probability?.p ?? Number.NaN;
    expect(Math.abs(p - (exact.metrics.war_reached?.mean ?? Number.NaN))).toBeLessThan(4.5 * Math.sqrt((p * (1 - p)) / 20_000));
  });

  it('refuses a wrong number of arguments, and a constant called with brackets', () => {
    expect(problems(scenario('sin(1, 2)'))).toMatchObject([
      { code: 'wrong_arity', message: 'in "sin(1, 2)": sin() takes 1 argument, got 2' },
    ]);
    expect(problems(scenario('tan()'))).toMatchObject([{ code: 'wrong_arity', message: 'in "tan()": tan() takes 1 argument, got 0' }]);
    expect(problems(scenario('base * sin'))).toMatchObject([
      { code: 'unknown_name', message: expect.stringContaining('"sin" is a function') },
    ]);
    expect(problems(scenario('pi(2)'))).toMatchObject([
      { code: 'unknown_function', message: expect.stringContaining('"pi" is not allowed') },
    ]);
  });

  it('reserves pi and e: a parameter, variable or track cannot take their names, so they never mean two things', () => {
    for (const name of ['e', 'pi', 'sin']) {
      expect(problems(scenario('base', '0', `, ${name}: { default: 1 }`))).toMatchObject([
        { code: 'invalid_name', path: `parameters.${name}`, message: `"${name}" is reserved by the expression language` },
      ]);
    }
  });

  it('points the capitalised mathjs spellings at the lowercase constants', () => {
    expect(problems(scenario('base * PI'))).toMatchObject([{ code: 'unknown_name', hint: 'write pi instead' }]);
    expect(problems(scenario('base * E'))).toMatchObject([{ code: 'unknown_name', hint: 'write e instead' }]);
  });
});
