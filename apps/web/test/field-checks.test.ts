/** The scenario screen's checks of typed values and permalinks: each names the field or parameter and says what to type. */
import type { Parameter } from '@georisk/engine';
import { describe, expect, it } from 'vitest';
import { parameterProblem, permalinkOverrides, wholeNumberProblem } from '../src/scenario/field-checks.ts';

const P_HOLD: Parameter = { default: 0.3, range: [0.1, 0.5] } as Parameter;

describe('field checks', () => {
  it('trials of 0, -5, 2.5, 5e9 or nothing are refused with the range; 1,000 is fine', () => {
    const check = (t: string) => wholeNumberProblem(t, 1, 10_000_000, 'Trials')?.message;
    expect(check('0')).toBe('Trials: 0 is below 1; type a whole number from 1 to 10,000,000');
    expect(check('-5')).toBe('Trials: -5 is below 1; type a whole number from 1 to 10,000,000');
    expect(check('2.5')).toBe('Trials: 2.5 is not a whole number; type one from 1 to 10,000,000');
    expect(check('5e9')).toBe('Trials: 5e9 is above 10,000,000; type a whole number from 1 to 10,000,000');
    expect(check('')).toBe('Trials: type a whole number from 1 to 10,000,000');
    expect(check('1000')).toBeUndefined();
  });

  it('a parameter outside its range gets a warning naming it; not a number is an error', () => {
    expect(parameterProblem('p_hold_war', 'War truce holds', P_HOLD, '7')).toEqual({
      level: 'warning',
      message:
        'War truce holds (p_hold_war): 7 is outside its declared range 0.1 to 0.5; the model was not built for it, and a run may fail',
    });
    expect(parameterProblem('p_hold_war', 'p_hold_war', P_HOLD, 'abc')).toEqual({ level: 'error', message: 'p_hold_war: type a number' });
    expect(parameterProblem('p_hold_war', 'p_hold_war', P_HOLD, '0.4')).toBeUndefined();
  });

  it('a permalink keeps known names (warning when outside the range) and drops unknown ones, saying so', () => {
    const out = permalinkOverrides({ p_hold_war: 7, nonexistent: 3 }, { p_hold_war: P_HOLD });
    expect(out.overrides).toEqual({ p_hold_war: 7 });
    expect(out.ignored).toEqual(['set.nonexistent: this scenario has no parameter "nonexistent"; ignored']);
    expect(out.outside).toEqual([
      {
        name: 'p_hold_war',
        text: 'set.p_hold_war=7: 7 is outside its declared range 0.1 to 0.5; the model was not built for it, and a run may fail',
      },
    ]);
  });

  it('a switch or choice takes only its values: anything else is an error as typed and ignored in a permalink', () => {
    const SWITCH = { default: 0, range: [0, 1], kind: 'switch' } as Parameter;
    const CHOICE = { default: 2, choices: [1, 2, 5] } as Parameter;
    expect(parameterProblem('replay_calendar', 'replay_calendar', SWITCH, '0.5')).toEqual({
      level: 'error',
      message: 'replay_calendar: 0.5 is not one of its values 0 or 1',
    });
    expect(parameterProblem('replay_calendar', 'replay_calendar', SWITCH, '1')).toBeUndefined();
    expect(parameterProblem('fronts', 'Fronts', CHOICE, '3')?.message).toBe('Fronts (fronts): 3 is not one of its values 1, 2 or 5');
    const out = permalinkOverrides({ replay_calendar: 0.5, fronts: 5 }, { replay_calendar: SWITCH, fronts: CHOICE });
    expect(out.overrides).toEqual({ fronts: 5 });
    expect(out.ignored).toEqual(['set.replay_calendar=0.5: "replay_calendar" takes 0 or 1; ignored']);
    expect(out.outside).toEqual([]);
  });
});
