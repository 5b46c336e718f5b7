/**
 * Main-thread time per document route (issue 14): posts the heaviest documents a client may send to
 * every document-taking route and reports the event loop's longest delay (monitorEventLoopDelay) per request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildApp } from '../../apps/api/src/app.ts';
import { largeDocument, longNames, manyIncludes } from '../api/hostile-docs.ts';

const DOCUMENTS: [string, string][] = [
  ['large valid (195 KB)', largeDocument()],
  ['large, unknown names (195 KB)', largeDocument(195_000, true)],
  ['long names (80 KB)', longNames()],
  ['5,000 includes (175 KB)', manyIncludes()],
  ['32 includes (1 KB)', manyIncludes(32)],
];

const ROUTES: [string, string, (text: string) => object][] = [
  ['validate', '/api/scenarios/validate', (text) => ({ text })],
  ['save', '/api/scenarios', (text) => ({ text })],
  ['run', '/api/runs', (text) => ({ text, trials: 20 })],
  ['exact', '/api/exact', (text) => ({ text })],
  ['sweep', '/api/sweeps', (text) => ({ text, design: { method: 'lhs', samples: 2, vary: [{ name: 'p0', lo: 0, hi: 1 }] }, trials: 10 })],
  ['sensitivity', '/api/sensitivity', (text) => ({ text, method: 'tornado', vary: [{ name: 'p0', lo: 0, hi: 1 }], trials: 10 })],
];

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const dataDir = mkdtempSync(join(tmpdir(), 'georisk-doc-bench-'));
const app = await buildApp({ dataDir, rateLimit: false, pressure: false, pool: { threads: 1 } });
const repeats = Number(process.env.REPEATS ?? 2);
console.log(`${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}; worst of ${repeats}`);
console.log('| route | document | status | max loop delay (ms) |\n|---|---|---|---|');
let worst = 0;
for (const [route, url, body] of ROUTES) {
  for (const [name, text] of DOCUMENTS) {
    let max = 0;
    let status = 0;
    for (let r = 0; r < repeats; r++) {
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      await tick(30);
      const res = await app.inject({ method: 'POST', url, payload: body(text) });
      await tick(30);
      delay.disable();
      status = res.statusCode;
      max = Math.max(max, delay.max / 1e6);
      if (res.statusCode === 202) await app.inject({ method: 'DELETE', url: `/api/jobs/${res.json().id}` });
    }
    worst = Math.max(worst, max);
    console.log(`| ${route} | ${name} | ${status} | ${max.toFixed(0)} |`);
  }
}
// Exercise creation names a library scenario: its check includes a short probe run of the definition.
const { templates } = (await app.inject({ method: 'GET', url: '/api/exercises/templates' })).json();
for (const { exercise } of templates as { exercise: { scenarioId: string } }[]) {
  let max = 0;
  let status = 0;
  for (let r = 0; r < repeats; r++) {
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    await tick(30);
    const deadline = new Date(Date.now() + 86_400_000).toISOString();
    const res = await app.inject({ method: 'POST', url: '/api/exercises', payload: { ...exercise, deadline } });
    await tick(30);
    delay.disable();
    status = res.statusCode;
    max = Math.max(max, delay.max / 1e6);
  }
  worst = Math.max(worst, max);
  console.log(`| exercise | template on ${exercise.scenarioId} | ${status} | ${max.toFixed(0)} |`);
}
console.log(`worst: ${worst.toFixed(0)} ms`);
await app.close();
rmSync(dataDir, { recursive: true, force: true });
