/** What exact analysis says when it cannot solve a scenario: the real reason, and a fix that applies. */
import { describe, expect, it } from 'vitest';
import { analyzeExact, loadScenarioText } from '../src/index.ts';
import { issuesOf } from './helpers.ts';

function refusal(text: string) {
  const issues = issuesOf(() => analyzeExact(loadScenarioText(text).scenario));
  if (issues.length === 0) throw new Error('solved');
  return issues;
}

describe('exact refusals', () => {
  it('a parameter set when a condition on time alone holds: the same time in every trial, so the fix is `at:`', () => {
    const [issue] = refusal(`id: x
time: { unit: day, dt: 1, horizon: 20 }
parameters:
  r: { default: 0.1 }
tracks:
  c: { states: [a, b], transitions: [{ from: a, to: b, rate: r }] }
events:
  - { when: 't >= 10', set: { r: 0.3 } }
metrics:
  m: { expr: 'ever(c, "b")' }
`);
    expect(issue?.message).toBe('sets parameter "r" when its condition holds; exact analysis follows parameters set only at fixed times');
    expect(issue?.message).not.toContain('differs between trials');
    expect(issue?.hint).toContain('write it with `at:`');
  });

  it('a joint space too large: the hint is about its size, not about what the rates read', () => {
    const tracks = Array.from(
      { length: 6 },
      (_, i) => `  t${i}: { states: [${Array.from({ length: 20 }, (_, k) => `s${k}`).join(', ')}] }`,
    ).join('\n');
    const issues = refusal(
      `id: y\ntime: { unit: day, dt: 1, horizon: 5 }\ntracks:\n${tracks}\nmetrics:\n  m: { expr: 'ever(t0, "s1")' }\n`,
    );
    const size = issues.find((i) => i.path === 'tracks');
    expect(size?.message).toMatch(/^the joint state space has 6\.40e\+7 states/);
    expect(size?.hint).toContain('only fewer or smaller tracks would bring it within reach');
    expect(size?.hint).not.toContain('track states, parameters and time only');
  });
});
