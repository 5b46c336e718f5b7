/**
 * Main-thread time per document route (issue 14): posts the heaviest documents a client may send to
 * every document-taking route and reports the event loop's longest delay (monitorEventLoopDelay) per
 * request, the best and the worst of REPEATS tries (blocking shows in every try, pre-emption of a
 * busy machine in some).
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
const repeats = Number(process.env.REPEATS ?? 3);
console.log(`${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}; ${repeats} tries each`);
console.log('| route | document | status | longest loop delay, best / worst try (ms) |\n|---|---|---|---|');
let worst = 0;
let worstBest = 0;
for (const [route, url, body] of ROUTES) {
  for (const [name, text] of DOCUMENTS) {
    let max = 0;
    let min = Number.POSITIVE_INFINITY;
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
      min = Math.min(min, delay.max / 1e6);
      if (res.statusCode === 202) await app.inject({ method: 'DELETE', url: `/api/jobs/${res.json().id}` });
    }
    worst = Math.max(worst, max);
    worstBest = Math.max(worstBest, min);
    console.log(`| ${route} | ${name} | ${status} | ${min.toFixed(0)} / ${max.toFixed(0)} |`);
  }
}
// Exercise creation names a library scenario: its check includes a short probe run of the definition.
const { templates } = (await app.inject({ method: 'GET', url: '/api/exercises/templates' })).json();
for (const { exercise } of templates as { exercise: { scenarioId: string } }[]) {
  let max = 0;
  let min = Number.POSITIVE_INFINITY;
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
    min = Math.min(min, delay.max / 1e6);
  }
  worst = Math.max(worst, max);
  worstBest = Math.max(worstBest, min);
  console.log(`| exercise | template on ${exercise.scenarioId} | ${status} | ${min.toFixed(0)} / ${max.toFixed(0)} |`);
}
console.log(`worst try: ${worst.toFixed(0)} ms; worst best try: ${worstBest.toFixed(0)} ms`);
await app.close();
rmSync(dataDir, { recursive: true, force: true });
