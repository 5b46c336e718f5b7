/** Exact-analysis timings for docs/benchmarks.md: the reference model, and solve time against joint-state count. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadScenarioFile } from '../../apps/cli/src/load.ts';
import { analyzeExact, loadScenarioText, type ScenarioDocument } from '../../packages/engine/src/index.ts';

/** `tracks` coupled tracks of 10 states in a ring: 10^tracks joint states. */
export function ringScenario(tracks: number, horizon: number): ScenarioDocument {
  const states = Array.from({ length: 10 }, (_, i) => `s${i}`);
  const lines = [`id: ring-${tracks}`, `time: { unit: day, dt: 1, horizon: ${horizon} }`, 'tracks:'];
  for (let t = 0; t < tracks; t++) {
    lines.push(`  x${t}:`, `    states: [${states.join(', ')}]`, '    transitions:');
    for (let i = 0; i < 10; i++) {
      const coupling = t === 0 ? '0.05' : `'x${t - 1} == "s${i}" ? 0.3 : 0.05'`;
      lines.push(`      - { from: s${i}, to: s${(i + 1) % 10}, rate: ${coupling} }`);
    }
  }
  lines.push('metrics:', `  last_seen: { expr: 'ever(x${tracks - 1}, "s9")' }`);
  return loadScenarioText(lines.join('\n')).scenario;
}

/** Best of `reps` wall times in milliseconds. */
function bestMs(reps: number, fn: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** The states of all the tracks an exact analysis answered for (each has an "ever" and a first-passage answer). */
function stateCount(result: { tracks: Record<string, { states: readonly string[] }> }): number {
  return Object.values(result.tracks).reduce((n, t) => n + t.states.length, 0);
}

export function exactBenchmark(quick: boolean): string[] {
  const out: string[] = [];
  const reference = loadScenarioText(
    readFileSync(new URL('../../scenarios/reference/caucasus-reference.yaml', import.meta.url), 'utf8'),
  ).scenario;
  const cold = bestMs(1, () => analyzeExact(reference));
  const warm = bestMs(20, () => analyzeExact(reference));
  const referenceStates = stateCount(analyzeExact(reference));
  out.push(
    `Reference model solved exactly (every metric, ever and first passage of all ${referenceStates} states): first call ${cold.toFixed(1)} ms, then ${warm.toFixed(1)} ms (best of 20).`,
  );
  const escalation = loadScenarioFile(fileURLToPath(new URL('../../scenarios/armenia-azerbaijan-2022.yaml', import.meta.url))).scenario;
  const first2022 = bestMs(1, () => analyzeExact(escalation));
  const warm2022 = bestMs(20, () => analyzeExact(escalation));
  const answer2022 = analyzeExact(escalation);
  const parts = answer2022.jointStates;
  out.push(
    `The 2022 scenario (720 hourly steps; ${parts.space} joint states, solved in parts of at most ${parts.largestPart}; every metric, ever and first passage of all ${stateCount(answer2022)} states): first call ${first2022.toFixed(1)} ms, then ${warm2022.toFixed(1)} ms (best of 20).`,
  );
  out.push('');
  out.push('| joint states | tracks | steps | reached at once | solve time | ever/first computed for |');
  out.push('|---|---|---|---|---|---|');
  for (const tracks of quick ? [1, 3] : [1, 3, 5]) {
    const horizon = 30;
    const scenario = ringScenario(tracks, horizon);
    let result: ReturnType<typeof analyzeExact> | undefined;
    const ms = bestMs(tracks >= 5 ? 1 : 3, () => {
      result = analyzeExact(scenario);
    });
    const everyState = (result?.notes.length ?? 0) === 0;
    out.push(
      `| ${(10 ** tracks).toLocaleString('en-US')} | ${tracks} | ${horizon} | ${result?.jointStates.largestSupport.toLocaleString('en-US')} | ${ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(1)} ms`} | ${everyState ? `all ${tracks * 10} states` : 'the 1 state the metric reads'} |`,
    );
  }
  return out;
}

if (process.argv[1] === new URL(import.meta.url).pathname) console.log(exactBenchmark(process.argv.includes('--quick')).join('\n'));
