/**
 * `georisk run` names the scenario's switches and the flag that flips them (issue 18): scenario text
 * speaks the browser's language ("the switch …"), so the command line gives its own hint.
 */
import { describe, expect, it } from 'vitest';
import { switchHint } from '../../apps/cli/src/switch-hint.ts';
import { runCli } from '../helpers/cli.ts';

describe('the switch hint of georisk run', () => {
  it('lists each switch with its value in this run and its label, and says how to flip it', async () => {
    const plain = await runCli(['run', 'scenarios/armenia-azerbaijan-2022.yaml', '--trials', '50', '--seed', '1']);
    expect(plain.status).toBe(0);
    const header = plain.stdout.split('\n').slice(0, 5);
    expect(header[2]).toMatch(/^hindsight: A forecast from what was knowable at its start \(2022-09-13T00:05:00\+04:00\)\. /);
    expect(header[3]).toMatch(
      /^switches: replay_calendar=0 \("Replay the truce call of 14 September"\), .* · flip one with --set NAME=1 \(or 0\)$/,
    );
    expect(header[4]).toBe('');
    const flipped = await runCli(['run', 'scenarios/armenia-azerbaijan-2022.yaml', '--trials', '50', '--set', 'replay_calendar=1']);
    expect(flipped.stdout).toContain('switches: replay_calendar=1 ("Replay the truce call of 14 September")');
  });

  it('prints no switch line for a scenario without switches, and none in JSON or CSV', async () => {
    const none = await runCli(['run', 'scenarios/reference/caucasus-reference.yaml', '--trials', '50']);
    expect(none.status).toBe(0);
    expect(none.stdout).not.toContain('switches:');
    const json = await runCli(['run', 'scenarios/armenia-azerbaijan-2022.yaml', '--trials', '50', '--format', 'json']);
    expect(() => JSON.parse(json.stdout)).not.toThrow();
    expect(json.stdout).not.toContain('switches:');
  });

  it('says under the header what a scenario about a past episode knew of its end, in the table and the band alike', async () => {
    const pooled = await runCli(['run', 'scenarios/four-day-war-2016.yaml', '--trials', '50']);
    expect(pooled.stdout.split('\n')[2]).toBe(
      'hindsight: Not a forecast from its start: some of its defaults count later episodes, or this one. ' +
        "The modules' clash death rates are pooled over the limited episodes of 2016–2023, this one included, their " +
        "escalation prior counts clashes up to 2023, and their war rates are the 2020 war's. georisk backtest scores it " +
        "leave-one-out (its own episode's rates replaced); georisk calibrate's time split is the forecast test.",
    );
    const fitted = await runCli([
      'run',
      'scenarios/reconstruction/armenia-azerbaijan-2022-reconstruction.yaml',
      '--uncertainty',
      '4',
      '--method',
      'sample',
      '--trials-per-draw',
      '20',
    ]);
    expect(fitted.status).toBe(0);
    expect(fitted.stdout.split('\n')[1]).toMatch(/^hindsight: A reconstruction fitted to the outcome, not a forecast/);
    // A made-up scenario declares nothing, and says nothing.
    const none = await runCli(['run', 'scenarios/reference/caucasus-reference.yaml', '--trials', '50']);
    expect(none.stdout).not.toContain('hindsight:');
  });

  it('builds the line from the parameters alone', () => {
    expect(switchHint({ a: { default: 1, kind: 'switch' }, b: { default: 0.5 } }, {})).toBe(
      'switches: a=1 · flip one with --set NAME=1 (or 0)',
    );
    expect(switchHint({ b: { default: 0.5 } }, {})).toBeUndefined();
  });
});
