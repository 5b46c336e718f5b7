/**
 * The Brent prices the pipeline module and the scenarios use are the checked figures of docs/research/caucasus.md §5.4.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/cli.ts';
import { libraryScenario } from '../helpers/library-scenarios.ts';

type Row = { month: string; price: number; usedBy: string };

/** The rows of the §5.4 table: month, the first dollar figure, and what uses it. */
function brentTable(): Row[] {
  const notes = readFileSync(join(ROOT, 'docs/research/caucasus.md'), 'utf8');
  const section = notes.slice(notes.indexOf('### 5.4 Brent prices'), notes.indexOf('## 6.'));
  return section
    .split('\n')
    .filter((line) => /^\| [A-Z][a-z]+ \d{4} \|/.test(line))
    .map((line) => {
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      return { month: cells[0] ?? '', price: Number(/\$(\d+)/.exec(cells[1] ?? '')?.[1]), usedBy: cells[4] ?? '' };
    });
}

const table = brentTable();
const geography = parse(readFileSync(join(ROOT, 'scenarios/modules/pipelines-by-geography.yaml'), 'utf8')) as {
  parameters: { oil_price_usd: { default: number; range: [number, number] } };
};
const price = geography.parameters.oil_price_usd;

describe('Brent prices (research notes §5.4)', () => {
  it('reads the checked months from the table', () => {
    expect(table.length).toBeGreaterThanOrEqual(5);
    for (const row of table) expect(row.price, row.month).toBeGreaterThan(0);
  });

  it("the module's default is the month the table gives it", () => {
    const row = table.find((r) => r.usedBy.includes("module's default"));
    expect(row?.price).toBe(price.default);
  });

  it("the module's range covers every checked month", () => {
    for (const row of table) {
      expect(row.price, row.month).toBeGreaterThanOrEqual(price.range[0]);
      expect(row.price, row.month).toBeLessThanOrEqual(price.range[1]);
    }
  });

  it.each(table.filter((r) => /\.yaml$/.test(r.usedBy)))('$usedBy uses the price of $month', (row) => {
    const doc = libraryScenario(`scenarios/${row.usedBy}`);
    expect(doc.parameters.oil_price_usd?.default).toBe(row.price);
  });

  it("the 2020 what-if in scenarios/README.md uses August 2020's price, the month before the war", () => {
    const august2020 = table.find((r) => r.month === 'August 2020');
    const readme = readFileSync(join(ROOT, 'scenarios/README.md'), 'utf8');
    expect(readme).toContain(`oil_price_usd: ${august2020?.price}}`);
    const testText = readFileSync(join(ROOT, 'test/scenarios/pipelines-by-geography.test.ts'), 'utf8');
    expect(testText).toContain(`oil_price_usd: ${august2020?.price} }`);
  });
});
