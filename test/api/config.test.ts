/** Start-up settings: flags beat the environment, and every bad value is refused with a clear message. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../apps/api/src/server.ts';
import { runCli } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'georisk-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readConfig', () => {
  it('defaults to localhost:8080 and .georisk-data', () => {
    const previous = process.cwd();
    process.chdir(dir);
    try {
      expect(readConfig([], {})).toEqual({ port: 8080, host: 'localhost', dataDir: resolve(dir, '.georisk-data') });
    } finally {
      process.chdir(previous);
    }
  });

  it('reads GEORISK_PORT, GEORISK_HOST and GEORISK_DATA; flags win', () => {
    const env = { GEORISK_PORT: '9000', GEORISK_HOST: '127.0.0.1', GEORISK_DATA: join(dir, 'env') };
    expect(readConfig([], env)).toEqual({ port: 9000, host: '127.0.0.1', dataDir: join(dir, 'env') });
    expect(readConfig(['--port', '9100', '--data', join(dir, 'flag'), '--threads', '2'], env)).toEqual({
      port: 9100,
      host: '127.0.0.1',
      dataDir: join(dir, 'flag'),
      threads: 2,
    });
  });

  it('reads GEORISK_RATE_LIMIT as requests per minute, or off', () => {
    expect(readConfig(['--data', join(dir, 'rl')], { GEORISK_RATE_LIMIT: 'off' }).rateLimit).toBe(false);
    expect(readConfig(['--data', join(dir, 'rl')], { GEORISK_RATE_LIMIT: '1200' }).rateLimit).toBe(1200);
    expect(() => readConfig(['--data', join(dir, 'rl')], { GEORISK_RATE_LIMIT: 'lots' })).toThrow('GEORISK_RATE_LIMIT must be "off"');
  });

  it('ignores the "--" that pnpm passes along', () => {
    expect(readConfig(['--', '--port', '9200', '--data', join(dir, 'dash')], {})).toMatchObject({ port: 9200 });
  });

  it('refuses bad values with messages that name the setting', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    expect(() => readConfig(['--port', '99999'], {})).toThrow(
      '--port must be a port number from 0 to 65535 (0 picks a free one), got "99999"',
    );
    expect(() => readConfig([], { GEORISK_PORT: 'http' })).toThrow('GEORISK_PORT must be a port number');
    expect(() => readConfig(['--data', file], {})).toThrow(`--data "${file}" exists and is not a folder`);
    expect(() => readConfig([], { GEORISK_DATA: join(file, 'sub') })).toThrow(
      `GEORISK_DATA "${join(file, 'sub')}" cannot be created or written`,
    );
    expect(() => readConfig(['--threads', '0'], {})).toThrow('--threads must be a whole number from 1 to 256');
    expect(() => readConfig(['--colour', 'red'], {})).toThrow(/Unknown option '--colour'.*options are --port N/);
  });

  it('makes georisk serve exit 2 with the message on a bad setting', async () => {
    const flag = await runCli(['serve', '--port', 'abc', '--data', join(dir, 'serve')]);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toBe('georisk server: --port must be a port number from 0 to 65535 (0 picks a free one), got "abc"\n');
    const env = await runCli(['serve', '--data', join(dir, 'serve')], { env: { GEORISK_PORT: '70000' } });
    expect(env.status).toBe(2);
    expect(env.stderr).toContain('GEORISK_PORT must be a port number');
  });
});
