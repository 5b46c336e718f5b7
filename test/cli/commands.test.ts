/**
 * Usage and user errors: exit 2 for a wrong command line, 1 for a scenario or file problem, 0 for
 * help; every message is one or two plain lines on stderr, never a stack trace.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { REFERENCE, runCli, type Scratch, scratchDir, stackLines } from '../helpers/cli.ts';
import { PARAMETER_SCENARIO } from '../helpers/scenarios.ts';

let scratch: Scratch;
let parameterFile: string;
beforeAll(() => {
  scratch = scratchDir();
  parameterFile = scratch.write('parameter.yaml', PARAMETER_SCENARIO);
});
afterAll(() => scratch.remove());

describe.concurrent('georisk usage errors (exit 2)', () => {
  it('--set with an unknown parameter names it and suggests the nearest one', async ({ expect }) => {
    const r = await runCli(['run', parameterFile, '--trials', '10', '--set', 'war_rat=0.5']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--set war_rat: error [bad_override]');
    expect(r.stderr).toContain('"war_rat"');
    expect(r.stderr).toContain('did you mean "war_rate"?');
    // A command-line problem is not given a place in the scenario file.
    expect(r.stderr).not.toContain(`${parameterFile}:`);
    expect(stackLines(r.stderr)).toEqual([]);
  });

  it('--set without "=" is refused', async ({ expect }) => {
    const r = await runCli(['run', parameterFile, '--trials', '10', '--set', 'war_rate']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--set.*expected name=value, got "war_rate"/);
    expect(stackLines(r.stderr)).toEqual([]);
  });

  it('--trials and --set read decimal numbers only: 0x10, 0b1 and 0o7 are not taken for 16, 1 and 7', async ({ expect }) => {
    const trials = await runCli(['run', REFERENCE, '--trials', '0x10']);
    expect(trials.status).toBe(2);
    expect(trials.stderr).toMatch(/--trials must be a whole number >= 1, got "0x10"/);
    const set = await runCli(['run', REFERENCE, '--trials', '10', '--set', 'war_rate=0b1']);
    expect(set.status).toBe(2);
    expect(set.stderr).toContain('the value of war_rate must be a finite decimal number (e.g. 0.25 or 1e-3), got "0b1"');
  });

  it('--trials 0 is refused', async ({ expect }) => {
    const r = await runCli(['run', REFERENCE, '--trials', '0']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--trials must be a whole number >= 1, got "0"/);
  });

  it('a seed past 2^53 − 1 is refused as typed, not rounded to another number first', async ({ expect }) => {
    const r = await runCli(['run', REFERENCE, '--trials', '10', '--seed', '9007199254740993']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--seed must be at most 9007199254740991 (2^53 − 1), got "9007199254740993"');
    expect(r.stderr).not.toContain('9007199254740992');
  });

  it('a parameter set twice is refused, naming both values', async ({ expect }) => {
    const r = await runCli(['run', parameterFile, '--trials', '10', '--set', 'war_rate=0.01', '--set', 'war_rate=0.02']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('war_rate is set twice (war_rate=0.01 and war_rate=0.02): give each parameter one --set');
  });

  it('an unknown option is refused, with a pointer to --help', async ({ expect }) => {
    const r = await runCli(['run', REFERENCE, '--trails', '10']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/unknown option '--trails'/);
    expect(r.stderr).toContain('--help');
  });

  it('an unknown command is refused', async ({ expect }) => {
    const r = await runCli(['simulate', REFERENCE]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/unknown command 'simulate'/);
  });

  it('no command at all prints usage on stderr and fails', async ({ expect }) => {
    const r = await runCli([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Usage: georisk/m);
  });
});

describe.concurrent('georisk file errors (exit 1)', () => {
  it('a missing scenario file gives one clear message and no stack trace', async ({ expect }) => {
    const missing = scratch.path('no-such-scenario.yaml');
    const r = await runCli(['run', missing, '--trials', '10']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd()).toMatch(
      new RegExp(
        `^${literal(missing)}: error \\[file_not_found\\] cannot read "${literal(missing)}": the file does not exist\n  hint: check the path \\(relative paths start at .+\\)$`,
      ),
    );
    expect(stackLines(r.stderr)).toEqual([]);
  });

  it('an output file in a folder that does not exist is refused before the run, exit 2, with the fix and no stray file', async ({
    expect,
  }) => {
    // --out names a file in a folder that does not exist: nothing can be written, so nothing is run, and nothing stays behind.
    const target = scratch.path('no-such-folder/result.json');
    const r = await runCli(['run', REFERENCE, '--trials', '10', '--out', target]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const folder = scratch.path('no-such-folder');
    expect(r.stderr.trimEnd()).toBe(
      `georisk: cannot write "${target}": its directory "${folder}" does not exist; create it first (mkdir -p ${folder}), or choose a path in an existing one`,
    );
    expect(stackLines(r.stderr)).toEqual([]);
    expect(readdirSync(scratch.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe.concurrent('georisk help and schema (exit 0)', () => {
  it('--help lists the commands on stdout', async ({ expect }) => {
    const r = await runCli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: georisk/m);
    for (const command of ['validate', 'run', 'schema']) expect(r.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  it('schema prints a JSON Schema with an $id', async ({ expect }) => {
    const r = await runCli(['schema']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const schema = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(schema.$id).toEqual(expect.stringMatching(/\S/));
    expect(schema.$schema).toMatch(/json-schema\.org/);
  });
});

/** A string as a literal inside a regular expression. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
