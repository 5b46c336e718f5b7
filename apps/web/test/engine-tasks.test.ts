/**
 * The work the engine workers do, run here in Node: the bundled library loads like the API's, and
 * a run split into chunks, run in any order and merged in a worker, equals `runScenario` (and so
 * `georisk run`) bit for bit.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatCsv, loadScenarioText, type RunResult, type RunSummary, runScenario } from '@georisk/engine';
import { planChunks } from '@georisk/engine/chunks';
import { describe, expect, it } from 'vitest';
import { lineRange, valueEnd } from '../src/editor-view.ts';
import { workerCount } from '../src/engine-client.ts';
import { handle, loadLibrary, validateText } from '../src/engine-tasks.ts';
import { runJson } from '../src/export.ts';
import { bundledResolver, resolvePath, scenarioPaths } from '../src/library-paths.ts';
import type { WorkerReply } from '../src/protocol.ts';
import { SCENARIO_FILES } from '../src/scenario-files.ts';

const root = join(import.meta.dirname, '../../../scenarios');

describe('the bundled library', () => {
  it('holds every YAML file under scenarios/, modules included', () => {
    const onDisk = (dir: string, rel: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? onDisk(join(dir, e.name), `${rel}${e.name}/`) : /\.yaml$/.test(e.name) ? [`${rel}${e.name}`] : [],
      );
    expect(Object.keys(SCENARIO_FILES).sort()).toEqual(onDisk(root, 'scenarios/').sort());
  });

  it('lists the scenarios (not modules or backtest data), top-level first, and all of them load', () => {
    const paths = scenarioPaths(SCENARIO_FILES);
    expect(paths[0]).toBe('scenarios/armenia-azerbaijan-2022.yaml');
    expect(paths.some((p) => /^scenarios\/(modules|backtest|reference-class)\//.test(p))).toBe(false);
    const { items, skipped } = loadLibrary();
    expect(skipped).toEqual([]);
    expect(items.map((i) => i.file)).toEqual(paths);
    const aa = items.find((i) => i.id === 'armenia-azerbaijan-2022');
    expect(aa?.notExact).toEqual([]);
    expect(aa?.tags).toContain('csto');
  });

  it('resolves includes relative to the including file, never above the root', () => {
    expect(resolvePath('../modules/ceasefire.yaml', 'scenarios/teaching/a.yaml')).toBe('scenarios/modules/ceasefire.yaml');
    expect(resolvePath('modules/ceasefire', 'scenarios/x.yaml')).toBe('scenarios/modules/ceasefire');
    expect(resolvePath('../../../etc/passwd', 'scenarios/x.yaml')).toBeUndefined();
    expect(resolvePath('/etc/passwd', 'scenarios/x.yaml')).toBeUndefined();
    const resolve = bundledResolver(SCENARIO_FILES);
    expect(resolve('modules/border-clash', 'scenarios/kyrgyz-tajik-2022.yaml')?.file).toBe('scenarios/modules/border-clash.yaml');
    expect(resolve('nope.yaml', 'scenarios/x.yaml')).toBeUndefined();
  });
});

describe('a run split across workers', () => {
  it('uses as many workers as there are chunks, at most eight', () => {
    expect(workerCount(1000, 8)).toBe(1);
    expect(workerCount(100_000, 8)).toBe(7);
    expect(workerCount(1_000_000, 16)).toBe(8);
  });

  it('gives the numbers and receipt of runScenario, whatever order the chunks finish in', () => {
    const { items } = loadLibrary();
    const item = items.find((i) => i.id === 'kyrgyz-tajik-2022');
    if (!item) throw new Error('kyrgyz-tajik-2022 missing');
    const trials = 40_000;
    const seed = 11;
    const overrides = { [Object.keys(item.scenario.parameters)[0] as string]: Object.values(item.scenario.parameters)[0]?.range?.[1] ?? 1 };
    const base = { scenario: item.scenario, overrides, seed };
    const progress: WorkerReply[] = [];
    const plan = handle({ type: 'plan', id: 1, ...base, trials }, () => {});
    expect(plan.type).toBe('plan');
    const chunks = planChunks(trials);
    const parts: RunSummary[] = [];
    for (const [i, chunk] of [...chunks.entries()].reverse()) {
      const reply = handle({ type: 'chunk', id: 2 + i, ...base, ...chunk }, (r) => progress.push(r));
      if (reply.type !== 'chunk') throw new Error(reply.type);
      parts[i] = reply.summary;
    }
    expect(progress.length).toBeGreaterThan(0);
    const reply = handle({ type: 'finalize', id: 99, ...base, parts: structuredClone(parts), seconds: 1, workers: 3 }, () => {});
    if (reply.type !== 'finalize') throw new Error(reply.type);
    const direct = runScenario(item.scenario, { trials, seed, overrides });
    const strip = ({ timing: _t, ...rest }: RunResult) => rest;
    expect(strip(reply.result)).toEqual(strip(direct));
    expect(reply.result.receipt.outputHash).toBe(direct.receipt.outputHash);
    // The downloads are the CLI's formats: the CSV of the worker's result is the CSV of the direct run.
    expect(formatCsv(reply.result)).toBe(formatCsv(direct));
    expect(JSON.parse(runJson(reply.result))).toEqual(JSON.parse(JSON.stringify(reply.result)));
  });

  it('reports engine problems as issues with a path', () => {
    const { items } = loadLibrary();
    const scenario = items[0]?.scenario;
    if (!scenario) throw new Error('empty library');
    expect(() => handle({ type: 'plan', id: 1, scenario, overrides: {}, seed: 1, trials: 0 }, () => {})).toThrow(
      /trials must be a whole number/,
    );
  });
});

describe('validating an edited document', () => {
  it('points at the line and column of a misspelt name, and returns the scenario when the text is right', () => {
    const text = SCENARIO_FILES['scenarios/armenia-azerbaijan-2022.yaml']!;
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.includes('rate: offensive_escalation_rate'));
    lines[at] = lines[at]!.replace('offensive_escalation_rate', 'offensive_escalaton_rate');
    const bad = validateText(lines.join('\n'));
    expect(bad.item).toBeUndefined();
    expect(bad.issues).toEqual([
      expect.objectContaining({ code: 'unknown_name', line: at + 1, hint: 'did you mean "offensive_escalation_rate"?' }),
    ]);
    const good = validateText(text);
    expect(good.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(good.item?.id).toBe('armenia-azerbaijan-2022');
  });

  it('resolves includes against the library and reports YAML errors with their line', () => {
    const modular = SCENARIO_FILES['scenarios/kyrgyz-tajik-2022.yaml']!;
    expect(validateText(modular).item?.id).toBe('kyrgyz-tajik-2022');
    const broken = validateText('id: x\ntime: { unit: day, dt: 1, horizon: 10 }\ntracks:\n  a: [unclosed\n');
    expect(broken.issues.length).toBeGreaterThan(0);
    expect(broken.issues[0]?.line).toBeGreaterThanOrEqual(4);
  });

  it('checks a document edited from scenarios/teaching/ beside its original, so its ../modules includes resolve', () => {
    const { items } = loadLibrary();
    const teaching = items.find((i) => i.file.startsWith('scenarios/teaching/') && i.text.includes('../modules/'));
    expect(teaching, 'a teaching scenario that includes modules').toBeDefined();
    expect(validateText(teaching?.text ?? '', teaching?.file).issues.filter((i) => i.severity !== 'warning')).toEqual([]);
    // At the top of scenarios/ (a saved document), `../modules/…` reads from one folder below, as on the server.
    expect(validateText(teaching?.text ?? '').item?.scenario).toEqual(validateText(teaching?.text ?? '', teaching?.file).item?.scenario);
    const resolve = bundledResolver({ 'scenarios/modules/m.yaml': 'kind: module' });
    expect(resolve('../modules/m.yaml', 'scenarios/edited.yaml')?.file).toBe('scenarios/modules/m.yaml');
    expect(resolve('../../modules/m.yaml', 'scenarios/edited.yaml')).toBeUndefined();
    // A draft begun from scenarios/teaching/ reaches modules/… as the server does (the editor says includes resolve against the library).
    expect(resolve('modules/m.yaml', 'scenarios/teaching/draft.yaml')?.file).toBe('scenarios/modules/m.yaml');
    expect(resolve('../modules/m.yaml', 'scenarios/teaching/draft.yaml')?.file).toBe('scenarios/modules/m.yaml');
  });

  it('selects whole lines by number', () => {
    expect(lineRange('a\nbb\nccc', 2)).toEqual([2, 4]);
    expect(lineRange('a\nbb\nccc', 3)).toEqual([5, 8]);
    // Choosing an issue selects just its value: not the " }" after a flow value, all of a quoted one.
    const line = '  - { from: a, to: b, rate: offensive_escalaton_rate }';
    const at = line.indexOf('offensive');
    expect(line.slice(at, valueEnd(line, at, line.length))).toBe('offensive_escalaton_rate');
    const quoted = `  m: { expr: 'ever(c, "b")' }`;
    const q = quoted.indexOf("'");
    expect(quoted.slice(q, valueEnd(quoted, q, quoted.length))).toBe(`'ever(c, "b")'`);
    const block = '    probability: p_hold * 2   # note';
    const b = block.indexOf('p_hold');
    expect(block.slice(b, valueEnd(block, b, block.length))).toBe('p_hold * 2');
    expect(lineRange('a', 9)).toEqual([1, 1]);
  });
});

describe('sensitivity in the worker', () => {
  it("Sobol' over more parameters than one design holds screens by Morris and continues, instead of refusing", () => {
    const params = Array.from({ length: 24 }, (_, i) => `  x${i + 1}: { default: 0.5, range: [0, 1] }`).join('\n');
    const text = `id: many\ntime: { unit: day, dt: 1, horizon: 1 }\nparameters:\n${params}\ntracks:\n  track:\n    states: [a, b]\n    transitions:\n      - { from: a, to: b, rate: 0 }\nmetrics:\n  y: { expr: '10 * x1 + 5 * x2 + x3' }\n`;
    const scenario = loadScenarioText(text).scenario;
    const reply = handle(
      { type: 'sensitivity', id: 1, scenario, overrides: {}, method: 'sobol', metric: 'y', trials: 50, samples: 32, seed: 1 },
      () => {},
    );
    if (reply.type !== 'sensitivity') throw new Error(reply.type);
    expect(reply.result.solver).toBe('exact');
    expect(reply.result.screening?.kept).toEqual(['x1', 'x2', 'x3']);
    expect(reply.result.metrics[0]?.sobol?.map((s) => s.param)).toEqual(['x1', 'x2', 'x3']);
  });

  it('an exact tornado keeps its answers between requests: a slider war_reached cannot read solves nothing, one it reads 71 of 159 points', () => {
    const file = 'scenarios/armenia-azerbaijan-2022.yaml';
    const scenario = loadScenarioText(SCENARIO_FILES[file] ?? '', { file, resolveModule: bundledResolver(SCENARIO_FILES) }).scenario;
    let id = 10;
    const ask = (overrides: Record<string, number>) => {
      const req = { type: 'sensitivity' as const, id: id++, scenario, overrides, method: 'tornado' as const, metric: 'war_reached' };
      const reply = handle({ ...req, trials: 100, samples: 32, seed: 3 }, () => {});
      if (reply.type !== 'sensitivity') throw new Error(reply.type);
      return reply;
    };
    const first = ask({});
    expect(first.result.solver).toBe('exact');
    expect(first.solved).toBeLessThanOrEqual(73);
    const unread = ask({ armenian_fatality_rate: 3 });
    expect(unread.solved).toBe(0);
    expect(unread.result.metrics[0]?.tornado).toEqual(first.result.metrics[0]?.tornado);
    const read = ask({ armenian_fatality_rate: 3, offensive_escalation_rate: 0.005 });
    expect(read.solved).toBe(71);
    expect(read.result.metrics[0]?.base).not.toBe(first.result.metrics[0]?.base);
  });
});
