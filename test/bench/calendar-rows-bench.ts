/**
 * CPU time of the exact solver on a chain that reads time only through `month` (rows kept within a
 * month) against the same chain made to read `t` (rows made afresh every step): the 2022 scenario
 * with the fighting-side modules (issue 17). Run: node --import tsx test/bench/calendar-rows-bench.ts
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { analyzeExact, loadScenarioText, type ModuleResolver } from '../../packages/engine/src/index.ts';

const SC = resolve(import.meta.dirname, '../../scenarios');
const mk =
  (patch: (t: string) => string): ModuleResolver =>
  (ref, from) => {
    const base = from === undefined ? SC : dirname(from);
    for (const c of [ref, `${ref}.yaml`]) {
      const p = resolve(base, c);
      if (existsSync(p) && statSync(p).isFile()) return { text: patch(readFileSync(p, 'utf8')), file: p };
    }
    return undefined;
  };
function scen(patch: (t: string) => string) {
  const file = join(SC, 'armenia-azerbaijan-2022.yaml');
  const doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  doc.include = [
    { module: 'modules/attacker-objectives.yaml', with: { units_per_day: 24 } },
    { module: 'modules/unmediated-truces.yaml' },
    { module: 'modules/offensive-season.yaml' },
  ];
  return loadScenarioText(JSON.stringify(doc), { file, resolveModule: mk(patch) }).scenario;
}
const monthOnly = scen((t) => t);
const perStep = scen((t) =>
  t.replace('planned_offensive_rate / units_per_day * 12', 'planned_offensive_rate / units_per_day * 12 * (1 + 0 * t)'),
);
const cpu = (f: () => unknown) => {
  const a = process.cpuUsage();
  const r = f();
  const b = process.cpuUsage(a);
  return [(b.user + b.system) / 1000, r] as const;
};
analyzeExact(monthOnly);
for (let i = 0; i < 2; i++) {
  const [m, rm] = cpu(() => analyzeExact(monthOnly)) as [number, ReturnType<typeof analyzeExact>];
  const [p, rp] = cpu(() => analyzeExact(perStep)) as [number, ReturnType<typeof analyzeExact>];
  console.log(
    `month-keyed rows ${m.toFixed(0)} ms CPU, rows every step ${p.toFixed(0)} ms CPU; ceasefire_by_day_2 ${rm.metrics.ceasefire_by_day_2?.mean} vs ${rp.metrics.ceasefire_by_day_2?.mean}`,
  );
}
