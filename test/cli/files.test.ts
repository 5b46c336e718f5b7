/**
 * What the CLI reads and writes must be regular files. `--out` goes only to a regular file or a new
 * path: a named pipe, a symbolic link, a directory or a device is refused with exit 2 and left as it
 * was. Inputs are read with the document size limit enforced while reading; a pipe, a device or a
 * directory is refused at once (exit 1 for a scenario, as for a missing file) instead of hanging.
 */
import { spawnSync } from 'node:child_process';
import { linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { CONTROL_CHARACTERS } from '../../packages/engine/src/index.ts';
import { REFERENCE, runCli, type Scratch, scratchDir, stackLines } from '../helpers/cli.ts';
import { PARAMETER_SCENARIO } from '../helpers/scenarios.ts';

let scratch: Scratch;
beforeAll(() => {
  scratch = scratchDir('georisk-files-');
});
afterAll(() => scratch.remove());

/** A new named pipe in the scratch folder (nothing ever opens it for writing). */
function fifo(name: string): string {
  const path = scratch.path(name);
  const made = spawnSync('mkfifo', [path]);
  if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
  return path;
}

/** On main these ran forever (a pipe or /dev/zero read, or a pipe written); a run is cut well before the test's timeout. */
const HANG_MS = 20_000;
const TEST_MS = 40_000;

/** The minimal command line of every command that takes --out (the path is checked before any work). */
const WITH_OUT: [string, string[]][] = [
  ['run', ['run', REFERENCE, '--trials', '10']],
  ['exact', ['exact', REFERENCE]],
  ['sweep', ['sweep', REFERENCE, '--lhs', '2', '--trials', '10']],
  ['sensitivity', ['sensitivity', REFERENCE, '--trials', '10']],
  ['discover', ['discover', REFERENCE, '--outcome', 'war_reached > 0', '--samples', '10']],
  ['backtest', ['backtest']],
];

describe.concurrent('--out refuses anything but a regular file or a new path (exit 2, nothing touched)', () => {
  it.for(WITH_OUT)('%s --out onto a named pipe', { timeout: TEST_MS }, async ([name, args], { expect }) => {
    const target = fifo(`out-${name}.fifo`);
    const r = await runCli([...args, '--out', target], { timeoutMs: HANG_MS });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd()).toBe(
      `georisk: cannot write "${target}": it is a named pipe (FIFO), and output is written only to a regular file or a new path; choose a path to a regular file, or a new one`,
    );
    expect(stackLines(r.stderr)).toEqual([]);
    expect(lstatSync(target).isFIFO()).toBe(true);
    expect(readdirSync(scratch.dir).filter((f) => f.startsWith(`out-${name}`))).toEqual([`out-${name}.fifo`]);
  });

  it('run --out onto a symbolic link to a regular file: the link and its target stay as they were', async ({ expect }) => {
    const target = scratch.write('link-target.txt', 'keep me\n');
    const link = scratch.path('link.json');
    symlinkSync(target, link);
    const r = await runCli(['run', REFERENCE, '--trials', '10', '--out', link]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`georisk: cannot write "${link}": it is a symbolic link (refused even when it points to a regular file`);
    expect(r.stderr).toContain('choose a path to a regular file');
    expect(stackLines(r.stderr)).toEqual([]);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(readFileSync(target, 'utf8')).toBe('keep me\n');
  });

  it('--out onto the input scenario itself, under another name (run) or as --observed (update): the input stays as it was', async ({
    expect,
  }) => {
    const text = readFileSync(REFERENCE, 'utf8');
    const input = scratch.write('input-itself.yaml', text);
    // A hard link: another name for the same file.
    const alias = scratch.path('input-alias.yaml');
    linkSync(input, alias);
    const r = await runCli(['run', input, '--trials', '10', '--out', alias]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('it is the input file');
    expect(r.stderr).toContain('choose another path for --out');
    expect(stackLines(r.stderr)).toEqual([]);
    expect(readFileSync(input, 'utf8')).toBe(text);
    const observed = scratch.write('observed-itself.yaml', 'observations: []\n');
    const u = await runCli(['update', input, '--observed', observed, '--out', observed]);
    expect(u.status).toBe(2);
    expect(u.stderr).toContain(`it is the input file "${observed}"`);
    expect(readFileSync(observed, 'utf8')).toBe('observations: []\n');
  });

  it('run --out onto a directory', async ({ expect }) => {
    const dir = scratch.path('out-dir');
    mkdirSync(dir);
    const r = await runCli(['run', REFERENCE, '--trials', '10', '--out', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd()).toBe(
      `georisk: cannot write "${dir}": it is a directory, and output is written only to a regular file or a new path; choose a path to a regular file, or a new one`,
    );
    expect(lstatSync(dir).isDirectory()).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('sweep refuses a named pipe where its FILE.partial goes', { timeout: TEST_MS }, async ({ expect }) => {
    const out = scratch.path('partial-sweep.csv');
    const partial = fifo('partial-sweep.csv.partial');
    const scenario = scratch.write('partial-sweep.yaml', PARAMETER_SCENARIO);
    const args = ['sweep', scenario, '--vary', 'war_rate=0:0.1:2', '--trials', '10', '--out', out];
    const r = await runCli(args, { timeoutMs: HANG_MS });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`georisk: cannot write "${partial}": it is a named pipe (FIFO)`);
    expect(stackLines(r.stderr)).toEqual([]);
    expect(lstatSync(partial).isFIFO()).toBe(true);
  });

  it('run --out onto a regular file still replaces it', async ({ expect }) => {
    const out = scratch.write('regular.json', 'old\n');
    const r = await runCli(['run', REFERENCE, '--trials', '10', '--format', 'json', '--out', out]);
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toHaveProperty('scenario');
  });
});

describe.concurrent('inputs must be regular files within the size limit', () => {
  it('validate /dev/zero returns at once with a clear message', { timeout: TEST_MS }, async ({ expect }) => {
    const r = await runCli(['validate', '/dev/zero'], { timeoutMs: HANG_MS });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('/dev/zero: error [file_unreadable] cannot read "/dev/zero": it is a device, not a regular file');
    expect(stackLines(r.stderr)).toEqual([]);
  });

  it('validate of a named pipe returns at once with a clear message', { timeout: TEST_MS }, async ({ expect }) => {
    const input = fifo('input.fifo');
    const r = await runCli(['validate', input], { timeoutMs: HANG_MS });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`cannot read "${input}": it is a named pipe (FIFO), not a regular file`);
    expect(stackLines(r.stderr)).toEqual([]);
  });

  it('a file that is not UTF-8 is refused where its first stray byte is (it read as "�" and went on)', async ({ expect }) => {
    const latin1 = scratch.path('latin1.yaml');
    writeFileSync(latin1, Buffer.concat([Buffer.from('id: x\ntitle: "Caf'), Buffer.from([0xe9]), Buffer.from(' crisis"\n')]));
    const r = await runCli(['validate', latin1]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('byte 18 (line 2, column 12) is not UTF-8 (0xe9)');
    expect(r.stderr).toContain('hint: save it as UTF-8');
    const utf16 = scratch.path('utf16.yaml');
    writeFileSync(utf16, Buffer.from('\ufeffid: x\n', 'utf16le'));
    const u = await runCli(['validate', utf16]);
    expect(u.status).toBe(1);
    expect(u.stderr).toContain('it is UTF-16 text, not UTF-8');
    expect(stackLines(r.stderr + u.stderr)).toEqual([]);
  });

  it('run of a directory is refused as not a regular file', async ({ expect }) => {
    const dir = scratch.path('input-dir');
    mkdirSync(dir);
    const r = await runCli(['run', dir, '--trials', '10']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`cannot read "${dir}": it is a directory, not a regular file`);
    expect(stackLines(r.stderr)).toEqual([]);
  });

  it('an oversize scenario is refused without being read whole', { timeout: TEST_MS }, async ({ expect }) => {
    // 700 MB, sparse: read whole (as on main), it is longer than any string V8 can make.
    const big = scratch.path('huge.yaml');
    writeFileSync(big, '');
    truncateSync(big, 700 * 1024 * 1024);
    const r = await runCli(['validate', big], { timeoutMs: HANG_MS });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${big}: error [document_too_large] cannot read "${big}": it is larger than 3000000 bytes`);
    expect(r.stderr).not.toContain('internal error');
    expect(stackLines(r.stderr)).toEqual([]);
  });

  it('an oversize module included by a scenario is refused the same way', { timeout: TEST_MS }, async ({ expect }) => {
    const module = scratch.path('huge-module.yaml');
    writeFileSync(module, '');
    truncateSync(module, 700 * 1024 * 1024);
    const scenario = scratch.write(
      'includes-huge.yaml',
      `${readFileSync(REFERENCE, 'utf8').replace(/^include:.*$/m, '')}\ninclude:\n  - module: huge-module.yaml\n`,
    );
    const r = await runCli(['validate', scenario], { timeoutMs: HANG_MS });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`error [document_too_large] cannot read "${module}": it is larger than 3000000 bytes`);
    expect(stackLines(r.stderr)).toEqual([]);
  });

  it('backtest refuses an episode file that is a device (exit 1, as for a scenario)', async ({ expect }) => {
    const r = await runCli(['backtest', '/dev/zero'], { timeoutMs: HANG_MS });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('/dev/zero: error [file_unreadable] cannot read "/dev/zero": it is a device, not a regular file');
    expect(stackLines(r.stderr)).toEqual([]);
  });
});

describe('control characters in what the CLI prints', () => {
  it('are shown as escapes in errors, never sent raw to the terminal', async ({ expect }) => {
    const name = scratch.path('no\u001b]0;PWNED\u0007such.yaml');
    const missing = await runCli(['run', name]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no\\u001b]0;PWNED\\u0007such.yaml');
    const file = scratch.write('title\u001b[2J.yaml', 'id: demo\ntitle: "x\\e[2J"\ntime: { unit: day, dt: 1, horizon: 5 }\n');
    const invalid = await runCli(['validate', file]);
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toContain('[control_character]');
    for (const r of [missing, invalid]) expect(r.stderr + r.stdout).not.toMatch(CONTROL_CHARACTERS);
  });
});
