/** The bundled CLI as benchmarks run it: timed commands, `georisk worker` processes, CPU seconds from /proc. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CLI_ENTRY, root } from './bench-paths.ts';

export { root };

/** CPU seconds (user + system, all threads) a process has used, from /proc; `children` for its waited-for children instead. */
export function cpuSeconds(pid: number | 'self', children = false): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  // After the command name: state is field 3, utime 14, stime 15, cutime 16, cstime 17 (1-based).
  const at = (n: number) => Number(fields[n - 3]);
  return (children ? at(16) + at(17) : at(14) + at(15)) / 100;
}

/** Runs `georisk ...args` to the end (Node started with `nodeArgs`); its wall seconds and stdout. */
export function cli(args: string[], nodeArgs: readonly string[] = []): { seconds: number; stdout: string } {
  const t0 = performance.now();
  const stdout = execFileSync(process.execPath, [...nodeArgs, CLI_ENTRY, ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { seconds: (performance.now() - t0) / 1000, stdout };
}

/** Starts `georisk worker` processes (one thread each) and waits until they listen. */
export async function workers(url: string, n: number): Promise<ChildProcess[]> {
  const started = Array.from({ length: n }, () =>
    spawn(process.execPath, [CLI_ENTRY, 'worker', '--queue', url, '--threads', '1'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  await Promise.all(
    started.map(
      (child) =>
        new Promise<void>((ready) => {
          let text = '';
          child.stderr?.on('data', (b: Buffer) => {
            text += b.toString();
            if (text.includes('waiting for chunks')) ready();
          });
        }),
    ),
  );
  return started;
}

/** Stops worker processes and waits until they have exited. */
export async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((child) => {
      const exited = new Promise((go) => child.once('exit', go));
      child.kill('SIGTERM');
      return exited;
    }),
  );
}
