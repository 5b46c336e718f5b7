/**
 * The hostile batch of `pnpm bench:api` (issue 14): hostile requests from one loopback address
 * (127.0.0.1) beside normal clients on others (127.0.0.2–5), against a server with its default limits;
 * measures health latency, the share of normal requests served, and what the hostile requests got.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { MAX_INCLUDES } from '../../packages/engine/src/index.ts';

/** One answer: status (0 when none came: error or client timeout) and milliseconds taken. */
interface Answer {
  status: number;
  ms: number;
}

/** A request from `localAddress` with a client-side timeout; never throws. */
function send(
  base: string,
  path: string,
  options: { method?: string; body?: string; type?: string; localAddress: string; timeoutMs: number },
): Promise<Answer> {
  const url = new URL(path, base);
  const start = performance.now();
  return new Promise((resolve) => {
    const done = (status: number) => resolve({ status, ms: performance.now() - start });
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: options.method ?? 'GET',
        localAddress: options.localAddress,
        agent: false,
        headers:
          options.body === undefined
            ? {}
            : { 'content-type': options.type ?? 'application/json', 'content-length': Buffer.byteLength(options.body) },
        timeout: options.timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
        res.on('error', () => done(0));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => done(0));
    req.end(options.body);
  });
}

const SMALL = `id: hostile-small
time: { unit: day, dt: 1, horizon: 30 }
parameters:
  war_rate: { default: 0.01, range: [0, 1] }
tracks:
  conflict:
    states: [clash, war, ceasefire]
    initial: clash
    transitions:
      - { from: clash, to: war, rate: war_rate }
      - { from: clash, to: ceasefire, rate: 0.1 }
metrics:
  war_reached: { expr: 'ever(conflict, "war")' }
`;

/**
 * Long names within the 64-character limit: 1,000 declared parameters and 20 metrics naming 10 unknown
 * identifiers each (about 100 KB), the "did you mean" hint work of issue 14 §1.
 */
function longNameDocument(): string {
  const name = (prefix: string, i: number) => `${prefix}${i}_`.padEnd(60, 'abcdefghij'.charAt(i % 10));
  const params = Array.from({ length: 1000 }, (_, i) => `  ${name('p', i)}: { default: 0.01, range: [0, 1] }`).join('\n');
  const metrics = Array.from(
    { length: 20 },
    (_, m) => `  m${m}: { expr: '${Array.from({ length: 10 }, (_, k) => name('u', m * 10 + k)).join(' + ')}' }`,
  ).join('\n');
  return SMALL.replace('parameters:\n', `parameters:\n${params}\n`).replace('metrics:\n', `metrics:\n${metrics}\n`);
}

/** As many includes of the border-clash module as a document may have (32, issue 14 §2's amplification within the limit). */
function includeDocument(): string {
  return `id: hostile-includes\ntime: { unit: day, dt: 1, horizon: 30 }\ninclude:\n${'  - {module: modules/border-clash}\n'.repeat(MAX_INCLUDES)}`;
}

/** An ordinary, valid document near the 200,000-character document limit: 1,500 described parameters and 480 metrics (under the 2,000 names). */
function nearLimitDocument(): string {
  const about = 'a parameter described at some length'.padEnd(50, '.');
  const params = Array.from({ length: 1500 }, (_, i) => `  p${i}: { default: 0.01, range: [0, 1], description: '${about}' }`).join('\n');
  const metrics = Array.from({ length: 480 }, (_, i) => `  w${i}: { expr: 'ever(conflict, "war") * p${i}' }`).join('\n');
  const text = SMALL.replace('parameters:\n', `parameters:\n${params}\n`).replace('metrics:\n', `metrics:\n${metrics}\n`);
  return JSON.stringify({ text });
}

/** A 700-byte request for a huge result (issue 14 §3, scaled down to 30,000 hourly steps × 100 states × 200 trials). */
function hugeResultRequest(): string {
  const states = Array.from({ length: 100 }, (_, i) => `s${i}`);
  const transitions = states.slice(1).map((s, i) => `      - { from: ${states[i]}, to: ${s}, rate: 0.001 }`);
  const text = `id: hostile-huge\ntime: { unit: hour, dt: 1, horizon: 30000 }\ntracks:\n  ladder:\n    states: [${states.join(', ')}]\n    initial: s0\n    transitions:\n${transitions.join('\n')}\nmetrics:\n  last: { expr: 'ever(ladder, "s99")' }\n`;
  return JSON.stringify({ text, trials: 200, seed: 1 });
}

/** The hostile request bodies (JSON): `longNames` for /api/runs, `includes` and `nearLimit` for /api/scenarios/validate, `huge` for /api/runs. */
export function hostileBodies(): { longNames: string; includes: string; nearLimit: string; huge: string } {
  return {
    longNames: JSON.stringify({ text: longNameDocument(), trials: 100 }),
    includes: JSON.stringify({ text: includeDocument() }),
    nearLimit: nearLimitDocument(),
    huge: hugeResultRequest(),
  };
}

/** A POST whose body is 100 bytes shorter than its Content-Length, held open until the server closes it or `until`. */
function shortBody(base: string, until: number): Promise<Answer> {
  const url = new URL(base);
  const start = performance.now();
  return new Promise((resolve) => {
    const body = JSON.stringify({ text: SMALL });
    const socket = connect({ host: url.hostname, port: Number(url.port), localAddress: '127.0.0.1' }, () => {
      socket.write(
        `POST /api/scenarios/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length + 100}\r\n\r\n${body}`,
      );
    });
    let answer = '';
    const stop = setTimeout(() => socket.destroy(), Math.max(0, until - Date.now()));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('close', () => {
      clearTimeout(stop);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0), ms: performance.now() - start });
    });
    socket.on('error', () => undefined);
  });
}

/** Runs `once` again and again until `until` (epoch ms), collecting its answers. */
async function loop(until: number, once: () => Promise<Answer>, out: Answer[], pauseMs = 0): Promise<void> {
  while (Date.now() < until) {
    out.push(await once());
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
  }
}

/** What the batch measured. */
export interface HostileBatchResult {
  seconds: number;
  health: Answer[];
  smallRuns: Answer[];
  hostile: Record<string, Answer[]>;
}

/**
 * Runs the batch for `seconds`: 4 health clients (one request every 50 ms each) and 4 small-run
 * clients (one run every 2 s each) on their own addresses, beside the hostile loops on 127.0.0.1.
 */
export async function runHostileBatch(base: string, seconds: number): Promise<HostileBatchResult> {
  const until = Date.now() + seconds * 1000;
  const health: Answer[] = [];
  const smallRuns: Answer[] = [];
  const hostile: Record<string, Answer[]> = { longNames: [], includes: [], nearLimit: [], hugeResult: [], shortBodies: [], manyJobs: [] };
  const from = '127.0.0.1';
  // Hostile requests are given up shortly after the batch ends, so the batch takes `seconds` and a little more.
  const t = () => Math.max(1000, until - Date.now() + 5000);
  const { longNames, includes, nearLimit, huge } = hostileBodies();
  const small = JSON.stringify({ scenarioId: 'alliance-dilemma', trials: 1000, seed: 1 });
  const sweep = JSON.stringify({ scenarioId: 'armenia-azerbaijan-2022', design: { method: 'lhs', samples: 1000 }, trials: 1000 });
  const normal = [2, 3, 4, 5].map((n) => `127.0.0.${n}`);
  const loops = [
    ...normal.map((a) => loop(until, () => send(base, '/api/health', { localAddress: a, timeoutMs: 10_000 }), health, 50)),
    ...normal.map((a) =>
      loop(until, () => send(base, '/api/runs', { method: 'POST', body: small, localAddress: a, timeoutMs: 30_000 }), smallRuns, 2000),
    ),
    loop(until, () => send(base, '/api/runs', { method: 'POST', body: longNames, localAddress: from, timeoutMs: t() }), hostile.longNames!),
    loop(
      until,
      () => send(base, '/api/scenarios/validate', { method: 'POST', body: includes, localAddress: from, timeoutMs: t() }),
      hostile.includes!,
    ),
    loop(
      until,
      () => send(base, '/api/scenarios/validate', { method: 'POST', body: nearLimit, localAddress: from, timeoutMs: t() }),
      hostile.nearLimit!,
    ),
    loop(until, () => send(base, '/api/runs', { method: 'POST', body: huge, localAddress: from, timeoutMs: t() }), hostile.hugeResult!),
    // Five sockets at a time holding a body 100 bytes short of its Content-Length.
    ...Array.from({ length: 5 }, () => loop(until, () => shortBody(base, until), hostile.shortBodies!, 500)),
    // Many jobs from one address: sweeps of the 2022 scenario (about 28 minutes each) and heavy runs, 8 at a time.
    ...Array.from({ length: 4 }, () =>
      loop(
        until,
        () => send(base, '/api/sweeps', { method: 'POST', body: sweep, localAddress: from, timeoutMs: t() }),
        hostile.manyJobs!,
        1000,
      ),
    ),
    ...Array.from({ length: 4 }, (_, i) =>
      loop(
        until,
        () =>
          send(base, '/api/runs', {
            method: 'POST',
            body: JSON.stringify({ scenarioId: 'armenia-azerbaijan-2022', trials: 200_000, seed: i + 1 }),
            localAddress: from,
            timeoutMs: t(),
          }),
        hostile.manyJobs!,
      ),
    ),
  ];
  await Promise.all(loops);
  return { seconds, health, smallRuns, hostile };
}

/** The p-th percentile (nearest rank) of `xs`. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}
