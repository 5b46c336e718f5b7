/** Labels on parameters and metrics (issue 18, "Reading a scenario"): checked, carried through includes, dropped on rename. */
import { describe, expect, it } from 'vitest';
import { GeoriskError, loadScenarioText, type ModuleResolver } from '../src/index.ts';

const MODULE = `kind: module
id: clash
parameters:
  escalation_rate: { label: "Clash escalates to war", unit: per day, default: 0.05, range: [0.01, 0.1] }
  side_a_deaths_per_day: { label: "Side A deaths per day", unit: deaths/day, default: 10 }
tracks:
  conflict:
    states: [clash, war]
    transitions:
      - { from: clash, to: war, rate: escalation_rate }
variables:
  side_a_deaths: { unit: deaths }
flows:
  - { to: side_a_deaths, amount: side_a_deaths_per_day * dt }
metrics:
  war_reached: { label: "Fighting becomes a war", unit: probability, expr: 'ever(conflict, "war")' }
  side_a_deaths: { label: "Side A military deaths", unit: deaths, expr: side_a_deaths }
`;
const resolveModule: ModuleResolver = (ref) => (ref === 'clash.yaml' ? { text: MODULE, file: 'clash.yaml' } : undefined);

const scenario = (body: string) => `id: s
time: { unit: day, dt: 1, horizon: 30 }
${body}`;

/** The issues of a document that does not load, as "path: message". */
function issuesOf(text: string): string[] {
  try {
    loadScenarioText(text, { resolveModule });
  } catch (error) {
    if (error instanceof GeoriskError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

describe('labels', () => {
  it('are read on parameters and metrics of the scenario and carried through an include', () => {
    const { scenario: s } = loadScenarioText(
      scenario(`include: [{ module: clash.yaml }]
parameters:
  own: { label: "  Our own knob ", unit: share, default: 1 }
metrics:
  own_metric: { label: War within 30 days, expr: own }`),
      { resolveModule },
    );
    expect(s.parameters.own?.label).toBe('Our own knob');
    expect(s.metrics.own_metric?.label).toBe('War within 30 days');
    expect(s.parameters.escalation_rate?.label).toBe('Clash escalates to war');
    expect(s.parameters.escalation_rate?.unit).toBe('per day');
    expect(s.metrics.war_reached?.label).toBe('Fighting becomes a war');
  });

  it("are dropped where an include renames the name: the module's words name its own name", () => {
    const { scenario: s } = loadScenarioText(
      scenario(
        `include: [{ module: clash.yaml, rename: { side_a_deaths: armenian_deaths, side_a_deaths_per_day: armenian_deaths_per_day } }]`,
      ),
      { resolveModule },
    );
    expect(s.metrics.armenian_deaths?.label).toBeUndefined();
    expect(s.metrics.armenian_deaths?.unit).toBe('deaths');
    expect(s.parameters.armenian_deaths_per_day?.label).toBeUndefined();
    expect(s.parameters.armenian_deaths_per_day?.unit).toBe('deaths/day');
    expect(s.metrics.war_reached?.label).toBe('Fighting becomes a war');
  });

  it('refuse an empty label, one over two lines and one too long, each at its path with a fix', () => {
    const issues = issuesOf(
      scenario(`parameters:
  a: { label: "", default: 1 }
  b: { label: "${'x'.repeat(81)}", default: 1 }
metrics:
  m: { label: "two\\nlines", expr: a }`),
    );
    expect(issues).toEqual([
      expect.stringMatching(/^parameters\.a\.label: /),
      expect.stringMatching(
        /^parameters\.b\.label: a label is a few plain words \(at most 80 characters\): put the rest in "description"$/,
      ),
      expect.stringMatching(/^metrics\.m\.label: a label is one line: put the rest in "description"$/),
    ]);
  });

  it('give every parameter and metric of the library a label and a unit', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { parse } = await import('yaml');
    const root = join(import.meta.dirname, '../../../scenarios');
    const missing: string[] = [];
    for (const dir of ['.', 'modules', 'teaching', 'reference', 'examples']) {
      for (const file of readdirSync(join(root, dir)).filter((f) => f.endsWith('.yaml'))) {
        const doc = parse(readFileSync(join(root, dir, file), 'utf8')) as Record<string, Record<string, { label?: string; unit?: string }>>;
        for (const section of ['parameters', 'metrics'])
          for (const [name, d] of Object.entries(doc[section] ?? {}))
            if (!d.label || !d.unit) missing.push(`${dir}/${file} ${section}.${name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
