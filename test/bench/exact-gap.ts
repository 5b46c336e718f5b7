/** Compares the exact answer with Monte Carlo, with the priors drawn and with every uncertain parameter fixed at its value. */
import { analyzeExact, buildModel, exactOverPriors, runScenario } from '../../packages/engine/src/index.ts';
import { libraryScenario } from '../helpers/library-scenarios.ts';

const [file = 'scenarios/nagorno-karabakh-2020.yaml', trialsArg = '100000', metricsArg = ''] = process.argv.slice(2);
const trials = Number(trialsArg);
const doc = libraryScenario(file);
const model = buildModel(doc);
const fixed: Record<string, number> = {};
model.params.names.forEach((name, i) => {
  if (model.params.uncertainty[i] !== undefined) fixed[name] = model.params.values[i] as number;
});
const exact = analyzeExact(doc, {});
const drawn = runScenario(doc, { trials, seed: 1 });
const held = runScenario(doc, { trials, seed: 2, overrides: fixed });
const [drawsArg = '64'] = process.argv.slice(5);
const averaged = await exactOverPriors(doc, {}, Number(drawsArg));
const wanted = metricsArg ? metricsArg.split(',') : Object.keys(exact.metrics);
console.log(`${file}: ${trials} trials, ${Object.keys(fixed).length} uncertain parameters fixed in the third column`);
console.log(['metric', 'exact at values', 'MC drawn', 'z', 'MC fixed', 'z', 'exact over priors', 'SE', 'z(MC drawn vs it)'].join('\t'));
for (const name of wanted) {
  const x = exact.metrics[name];
  const a = drawn.metrics[name];
  const b = held.metrics[name];
  if (!x || !a || !b) continue;
  const z = (m: { mean: number; se: number }) => (m.se > 0 ? ((m.mean - x.mean) / m.se).toFixed(2) : String(m.mean === x.mean ? 0 : 'inf'));
  const e = averaged.metrics[name] ?? { mean: Number.NaN, se: 0 };
  const zAveraged = (a.mean - e.mean) / Math.hypot(a.se, e.se);
  console.log(
    [
      name,
      x.mean.toPrecision(5),
      a.mean.toPrecision(5),
      z(a),
      b.mean.toPrecision(5),
      z(b),
      e.mean.toPrecision(5),
      e.se.toPrecision(2),
      Number.isFinite(zAveraged) ? zAveraged.toFixed(2) : '0',
    ].join('\t'),
  );
}
