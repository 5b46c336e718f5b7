/** `georisk validate`: exit statuses, the `file:line:col path: error [code] message` format, hints, JSON. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { escapeRegExp, REFERENCE, ROOT, runCli, type Scratch, scratchDir, stackLines } from '../helpers/cli.ts';
import { BROKEN_SCENARIO, PARAMETER_SCENARIO, positionOf, YAML_SYNTAX_ERROR } from '../helpers/scenarios.ts';

let scratch: Scratch;
let broken: string;
let syntax: string;
let good: string;

beforeAll(() => {
  scratch = scratchDir();
  broken = scratch.write('broken.yaml', BROKEN_SCENARIO);
  syntax = scratch.write('syntax.yaml', YAML_SYNTAX_ERROR);
  good = scratch.write('parameter.yaml', PARAMETER_SCENARIO);
});
afterAll(() => scratch.remove());

describe.concurrent('georisk validate', () => {
  it('accepts the reference scenario with exit 0 and says ok on stdout', async ({ expect }) => {
    const r = await runCli(['validate', REFERENCE]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^ok\\s+${escapeRegExp(REFERENCE)}`, 'm'));
    expect(r.stderr).toBe('');
  });

  it('rejects a broken file with exit 1, one file:line:col line per problem and a hint for each', async ({ expect }) => {
    const r = await runCli(['validate', broken]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(stackLines(r.stderr)).toEqual([]);
    const rate = positionOf(BROKEN_SCENARIO, 'war_rat * 2');
    const to = positionOf(BROKEN_SCENARIO, 'peace');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`invalid  ${broken}`);
    // The misspelt parameter: exact location, code and a "did you mean" hint.
    const nameLine = lines.findIndex((l) => l.includes('[unknown_name]'));
    expect(lines[nameLine]).toBe(
      `${broken}:${rate.line}:${rate.column} tracks.conflict.transitions[0].rate: error [unknown_name] in "war_rat * 2": unknown name "war_rat"`,
    );
    expect(lines[nameLine + 1]).toBe('  hint: did you mean "war_rate"?');
    // The unknown state: every problem is reported, not just the first.
    const stateLine = lines.findIndex((l) => l.includes('[unknown_state]'));
    expect(lines[stateLine]).toMatch(
      new RegExp(
        `^${escapeRegExp(broken)}:${to.line}:${to.column} tracks\\.conflict\\.transitions\\[1\\]\\.to: error \\[unknown_state\\] .*"peace"`,
      ),
    );
    expect(lines[stateLine + 1]).toMatch(/^ {2}hint: .*calm, war/);
    // Every error line follows `file:line:col path: error [code] message`.
    for (const line of lines.filter((l) => l.includes(' error ['))) {
      expect(line).toMatch(new RegExp(`^${escapeRegExp(broken)}:\\d+:\\d+ \\S+: error \\[[a-z_]+\\] .+`));
    }
  });

  it('names where an unclosed flow bracket was opened, not only the line where the parser noticed', async ({ expect }) => {
    const lines = readFileSync(join(ROOT, 'scenarios/teaching/two-state-border-dispute.yaml'), 'utf8').split('\n');
    lines.splice(5, 0, 'bogus_key: [1, 2');
    const file = scratch.write('unclosed.yaml', lines.join('\n'));
    const r = await runCli(['validate', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `${file}:8:1: error [yaml_syntax] Flow sequence in block collection must be sufficiently indented and end with a ]: ` +
        'the list opened with "[" at line 6, column 12 is never closed\n' +
        '  hint: close it with "]" where the list ends, or write it as indented lines instead of "[ … ]"\n',
    );
  });

  it('checks several files in one call: reports each, exit 1 if any is invalid', async ({ expect }) => {
    const mixed = await runCli(['validate', REFERENCE, broken, good, syntax]);
    expect(mixed.status).toBe(1);
    expect(mixed.stdout).toContain(`ok  ${REFERENCE}`);
    expect(mixed.stdout).toContain(`ok  ${good}`);
    expect(mixed.stderr).toContain(`invalid  ${broken}`);
    expect(mixed.stderr).toContain(`invalid  ${syntax}`);
    expect(mixed.stderr).toContain('[unknown_name]');
    // YAML syntax errors have a line and column too.
    expect(mixed.stderr).toMatch(new RegExp(`^${escapeRegExp(syntax)}:\\d+:\\d+: error \\[yaml_syntax\\] .+\\n {2}hint: `, 'm'));
    expect(stackLines(mixed.stderr)).toEqual([]);
  });

  it('--format json prints one report per file, in order, with located issues', async ({ expect }) => {
    const r = await runCli(['validate', '--format', 'json', REFERENCE, broken]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as { file: string; valid: boolean; issues: Record<string, unknown>[] }[];
    expect(report.map((f) => [f.file, f.valid])).toEqual([
      [REFERENCE, true],
      [broken, false],
    ]);
    expect(report[0]?.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const issues = report[1]?.issues ?? [];
    expect(issues.map((i) => i.code).sort()).toEqual(['unknown_name', 'unknown_state']);
    const name = issues.find((i) => i.code === 'unknown_name');
    const rate = positionOf(BROKEN_SCENARIO, 'war_rat * 2');
    expect(name).toMatchObject({
      severity: 'error',
      path: 'tracks.conflict.transitions[0].rate',
      hint: 'did you mean "war_rate"?',
      line: rate.line,
      column: rate.column,
    });
  });

  it('several files, all valid: exit 0 (here with --format json)', async ({ expect }) => {
    const r = await runCli(['validate', '--format', 'json', good, REFERENCE]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as { file: string; valid: boolean; issues: { severity: string }[] }[];
    expect(report.map((f) => [f.file, f.valid])).toEqual([
      [good, true],
      [REFERENCE, true],
    ]);
    expect(report[0]?.issues).toEqual([]);
  });
});
