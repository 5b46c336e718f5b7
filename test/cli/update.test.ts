/** `georisk update`: the run table and JSON plus the conditioning, the exact conditional on a Markov chain, and refusals that name the observation. */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE, runCli, type Scratch, scratchDir } from '../helpers/cli.ts';

const OBSERVED = `observations:
  - { at: 2, track: conflict, state: [clash, war] }
  - { at: 5, track: alliance, state: uninvolved }
`;

let scratch: Scratch;
beforeAll(() => {
  scratch = scratchDir('georisk-update-');
});
afterAll(() => scratch.remove());

describe('georisk update', () => {
  it('prints the run table, then the conditioning; JSON carries the receipt with the observations hash and the exact conditional', async () => {
    const seen = scratch.write('seen.yaml', OBSERVED);
    const table = await runCli(['update', REFERENCE, '--observed', seen, '--trials', '2000', '--seed', '4']);
    expect(table.stderr).toBe('');
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/2,000 trials · seed 4/);
    expect(table.stdout).toMatch(/conditioned on 2 observations, as of t = 5 days/);
    expect(table.stdout).toMatch(/effective sample size [\d,]+ of 2,000/);
    expect(table.stdout).toMatch(/track conflict \(exact, conditioned\)/);
    expect(table.stdout).toMatch(/metric \(exact, conditioned\)[\s\S]*war_reached/);
    const json = await runCli(['update', REFERENCE, '--observed', seen, '--trials', '2000', '--seed', '4', '--format', 'json']);
    const a = JSON.parse(json.stdout);
    expect(a.receipt.observationsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.conditioning.method).toBe('smc');
    expect(a.exact.method).toBe('exact');
    // The sampled conditional agrees with the exact one (2,000 trials: within 5 SE of a share).
    const p = a.exact.tracks.conflict.final.war;
    const se = Math.sqrt((p * (1 - p) * 2) / a.conditioning.effectiveSampleSize);
    expect(Math.abs(a.tracks.conflict.final.war - p)).toBeLessThan(5 * se + 1e-9);
    // Observed at t = 5 in "uninvolved": the alliance cannot have left it by then.
    expect(a.exact.tracks.alliance.firstPassage.intervention.cumulative[5]).toBe(0);
    // The exact conditional answers the metrics too: an ever() metric equals its track's "ever", and the sampled one agrees within 5 SE.
    const war = a.exact.metrics.war_reached.probability;
    expect(Math.abs(war - a.exact.tracks.conflict.ever.war)).toBeLessThan(1e-12);
    const seWar = Math.sqrt((war * (1 - war) * 2) / a.conditioning.effectiveSampleSize);
    expect(Math.abs(a.metrics.war_reached.probability.p - war)).toBeLessThan(5 * seWar + 1e-9);
    expect(a.exact.unavailable.fatalities).toMatch(/sampled update/);
    const again = JSON.parse(
      (await runCli(['update', REFERENCE, '--observed', seen, '--trials', '2000', '--seed', '4', '--format', 'json'])).stdout,
    );
    expect(again.receipt.outputHash).toBe(a.receipt.outputHash);
  });

  it('gives the same bits on one thread and on two (the 2022 hour-36 events, big enough to use worker threads)', async () => {
    const args = [
      'update',
      'scenarios/armenia-azerbaijan-2022.yaml',
      '--observed',
      'scenarios/observations/armenia-azerbaijan-2022-hour36-events.yaml',
      '--trials',
      '20000',
      '--format',
      'json',
    ];
    const [one, two] = await Promise.all([runCli([...args, '--workers', '1']), runCli([...args, '--workers', '2'])]);
    const a = JSON.parse(one.stdout);
    const b = JSON.parse(two.stdout);
    expect([a.timing.workers, b.timing.workers]).toEqual([1, 2]);
    expect(b.receipt.outputHash).toBe(a.receipt.outputHash);
    expect(b.conditioning).toEqual(a.conditioning);
    // Only track states are observed: the exact conditional comes with it, the same on both.
    expect(a.exact).toBeDefined();
    expect(b.exact).toEqual(a.exact);
  });

  it('refuses a state the track lacks and a time past the horizon, at file:line:column, and writes nothing', async () => {
    const bad = scratch.write(
      'bad.yaml',
      'observations:\n  - { at: 2, track: conflict, state: peace }\n  - { at: 9999, track: pipeline, state: damaged }\n',
    );
    const out = scratch.path('never.json');
    const r = await runCli(['update', REFERENCE, '--observed', bad, '--trials', '500', '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `${bad}:2:38 observations[0].state: error [bad_observation] observations[0]: track "conflict" has no state "peace"`,
    );
    expect(r.stderr).toMatch(
      /bad\.yaml:3:\d+ observations\[1\]\.at: error \[bad_observation\] t = 9999 days is after the scenario's horizon/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it("refuses an empty or binary observations file at its own first line, with an observations file's fix", async () => {
    const empty = scratch.write('empty.yaml', '');
    const r = await runCli(['update', REFERENCE, '--observed', empty, '--trials', '500']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `${empty}:1:1: error [invalid_type] the observations document is empty\n` +
        '  hint: write kind: observations, then observations: with one item per line, such as - { at: 9, track: conflict, state: clash }; ' +
        'see scenarios/observations/armenia-azerbaijan-2022-hour36.yaml\n',
    );
    const binary = scratch.write('binary.yaml', '\u0001\u0002garbage');
    const b = await runCli(['update', REFERENCE, '--observed', binary, '--trials', '500']);
    expect(b.status).toBe(1);
    expect(b.stderr).toContain(
      `${binary}:1:1: error [invalid_type] an observations document is a mapping of keys such as kind, title, as_of and observations`,
    );
    expect(b.stderr).not.toMatch(/scenario/);
    const items = scratch.write('items.yaml', 'observations: [5, ~]\n');
    const i = await runCli(['update', REFERENCE, '--observed', items, '--trials', '500']);
    expect(i.status).toBe(1);
    expect(i.stderr).toContain(`${items}:1:16 observations[0]: error [invalid_type] an observation is a mapping of keys such as at`);
    expect(i.stderr).toContain(`${items}:1:19 observations[1]: error [invalid_type] the observation is empty`);
  });

  it('reports the shape errors and every observation that parses in one pass, each at its line', async () => {
    const five = scratch.write(
      'five.yaml',
      [
        'bogus: 1',
        'observations:',
        '  - { at: "abc", track: conflict, state: clash }',
        '  - { at: 9999, track: conflict, state: clash }',
        '  - { at: 5, track: nosuch, state: clash }',
        '  - { at: 2.5, track: conflict, state: clash }',
        '  - { at: 3, track: conflict, state: nowhere }',
        '',
      ].join('\n'),
    );
    const r = await runCli(['update', REFERENCE, '--observed', five, '--trials', '500']);
    expect(r.status).toBe(1);
    const heads = r.stderr.split('\n').filter((l) => !l.startsWith('  hint: '));
    expect(heads).toEqual([
      `${five}:1:1 bogus: error [unknown_key] unknown key "bogus"`,
      expect.stringMatching(/^\S+five\.yaml:3:11 observations\[0\]\.at: error \[invalid_value\] the text "abc" is not allowed here/),
      expect.stringMatching(
        /^\S+five\.yaml:4:11 observations\[1\]\.at: error \[bad_observation\] t = 9999 days is after the scenario's horizon/,
      ),
      expect.stringMatching(/^\S+five\.yaml:5:\d+ observations\[2\]\.track: error \[bad_observation\] .*no track "nosuch"/),
      expect.stringMatching(/^\S+five\.yaml:6:11 observations\[3\]\.at: error \[bad_observation\] t = 2\.5 is not a whole number of steps/),
      expect.stringMatching(/^\S+five\.yaml:7:\d+ observations\[4\]\.state: error \[bad_observation\] .*has no state "nowhere"/),
      '',
    ]);
  });

  it('names an observation that is impossible under the model, and an inconsistent pair', async () => {
    // The reference conflict starts in clash and cannot reach settlement in one day.
    const impossible = scratch.write(
      'impossible.yaml',
      'observations:\n  - { at: 1, track: conflict, state: settlement, label: settled on day 1 }\n',
    );
    const r = await runCli(['update', REFERENCE, '--observed', impossible, '--trials', '500']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /impossible\.yaml:2:\d+ observations\[0\]: error \[impossible_observation\] observations\[0\] \(settled on day 1\) has probability zero/,
    );
    const pair = scratch.write(
      'pair.yaml',
      'observations:\n  - { at: 3, track: conflict, state: war }\n  - { at: 3, track: conflict, state: ceasefire }\n',
    );
    const p = await runCli(['update', REFERENCE, '--observed', pair, '--trials', '500']);
    expect(p.status).toBe(1);
    expect(p.stderr).toMatch(/pair\.yaml:3:\d+ observations\[1\]: error \[bad_observation\] .* contradicts observations\[0\]/);
  });
});
