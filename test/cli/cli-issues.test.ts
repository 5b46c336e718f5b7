/** The CLI's one mapping of engine issues to its own words: option paths become flags, scenario paths stay. */
import { describe, expect, it } from 'vitest';
import { cliIssue, cliPath, cliText } from '../../apps/cli/src/cli-issues.ts';

describe('engine issues in the command line words', () => {
  it('maps option paths to flags', () => {
    expect(cliPath('overrides.war_rate')).toBe('--set war_rate');
    expect(cliPath('vary')).toBe('--vary');
    expect(cliPath('vary.war_rate')).toBe('--vary war_rate');
    expect(cliPath('design.vary.war_rate')).toBe('--vary war_rate');
    expect(cliPath('design.samples')).toBe('--samples');
    expect(cliPath('quantiles')).toBe('--quantiles');
    expect(cliPath('percentiles')).toBe('--percentiles');
    expect(cliPath('outcome')).toBe('--outcome');
    expect(cliPath('trials')).toBe('--trials');
    expect(cliPath('trialsPerDraw')).toBe('--trials-per-draw');
    expect(cliPath('draws')).toBe('--uncertainty');
  });

  it('rewrites the options a hint names in backticks, and nothing else', () => {
    expect(cliText('leave out `percentiles` to use the range ends, or give the range in `vary`')).toBe(
      'leave out --percentiles to use the range ends, or give the range in --vary',
    );
    expect(cliText('give it an `uncertainty`')).toBe('give it an `uncertainty`');
    expect(cliText('use at most 666 trials (`trialsPerDraw`) or a larger dt, or raise `budget`')).toBe(
      'use at most 666 trials (--trials-per-draw) or a larger dt, or raise --budget',
    );
  });

  it('leaves issues about the scenario alone, even where a path looks like an option', () => {
    const scenarioIssue = { code: 'unknown_name', severity: 'error', path: 'metrics.war_reached.expr', message: 'x' } as const;
    expect(cliIssue(scenarioIssue)).toBe(scenarioIssue);
    expect(cliIssue({ code: 'bad_override', severity: 'warning', path: 'overrides.x', message: 'm', hint: 'h in `vary`' })).toEqual({
      code: 'bad_override',
      severity: 'warning',
      path: '--set x',
      message: 'm',
      hint: 'h in --vary',
    });
  });
});
