/**
 * The engine against the hand-written next-event loop as users run the engine: both bundled by
 * esbuild into one file, as the CLI, the server and the page bundle the engine (under tsx each
 * call into another module of the engine goes through an export getter, which the loop, one file,
 * mostly avoids); beside them the next-event loop written to the engine's contract, a stream per
 * mechanism (reference-stream-loop.ts), and the same with every record the engine returns
 * (reference-recorded-loop.ts: the engine's summary, bit for bit). `pnpm bench` bundles and runs it; it prints one JSON line per step length.
 * Usage (bundled): `node next-event-bundled.mjs scenarios/reference/caucasus-reference.yaml TRIALS REPS`
 */
import { readFileSync } from 'node:fs';
import { loadScenarioText, runScenario } from '../../packages/engine/src/index.ts';
import { referenceNextEventLoop } from './reference-next-event-loop.ts';
import { referenceRecordedLoop } from './reference-recorded-loop.ts';
import { referenceStreamLoop } from './reference-stream-loop.ts';

const [file = 'scenarios/reference/caucasus-reference.yaml', trialsArg = '2000000', repsArg = '3'] = process.argv.slice(2);
const trials = Number(trialsArg);
const reps = Number(repsArg);
const reference = loadScenarioText(readFileSync(file, 'utf8')).scenario;

/** CPU seconds of one call. */
function cpuSeconds(fn: () => unknown): number {
  const t0 = process.cpuUsage();
  fn();
  const u = process.cpuUsage(t0);
  return (u.user + u.system) / 1e6;
}

for (const dt of [1, 1 / 24]) {
  const scenario = { ...reference, time: { ...reference.time, dt } };
  const steps = Math.round(90 / dt);
  referenceNextEventLoop(trials / 10, 2, dt);
  referenceStreamLoop(trials / 10, 2, dt);
  referenceRecordedLoop(trials / 10, 2, dt);
  runScenario(scenario, { trials: trials / 10, seed: 2 });
  let loop = Number.POSITIVE_INFINITY;
  let streamLoop = Number.POSITIVE_INFINITY;
  let recordedLoop = Number.POSITIVE_INFINITY;
  let engine = Number.POSITIVE_INFINITY;
  // The four take turns, so that each sees the same load.
  for (let r = 0; r < reps; r++) {
    loop = Math.min(
      loop,
      cpuSeconds(() => referenceNextEventLoop(trials, 1001, dt)),
    );
    streamLoop = Math.min(
      streamLoop,
      cpuSeconds(() => referenceStreamLoop(trials, 1001, dt)),
    );
    recordedLoop = Math.min(
      recordedLoop,
      cpuSeconds(() => referenceRecordedLoop(trials, 1001, dt)),
    );
    engine = Math.min(
      engine,
      cpuSeconds(() => runScenario(scenario, { trials, seed: 1 })),
    );
  }
  const rate = (seconds: number) => (trials * steps) / seconds;
  console.log(
    JSON.stringify({
      dt,
      loopRate: rate(loop),
      streamLoopRate: rate(streamLoop),
      recordedLoopRate: rate(recordedLoop),
      engineRate: rate(engine),
    }),
  );
}
