/**
 * Text the web app shows speaks the browser's language (issue 18): no description, label, assumption,
 * note or source of a scenario, module or classroom exercise tells the reader to type a command-line
 * flag such as `--set`; it names the control in words that work in the browser and the CLI alike.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './source-refs.ts';

/** A command-line flag at the start of a word: `--set`, `--trials`, `--exact`. */
const FLAG = /(?:^|[\s(`'"[{,;])--[a-z][\w-]*/;

/** The documents the web app shows: scenarios and modules (YAML with `time` or `kind: module`) and the classroom exercises. */
function shownDocuments(): { file: string; doc: unknown }[] {
  const files = readdirSync(join(ROOT, 'scenarios'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .sort();
  const out: { file: string; doc: unknown }[] = [];
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    if (file.startsWith('scenarios/exercises/') && file.endsWith('.json')) out.push({ file, doc: JSON.parse(text) });
    else if (file.endsWith('.yaml')) {
      const doc = parse(text) as { time?: unknown; kind?: unknown } | null;
      if (doc && (doc.time !== undefined || doc.kind === 'module' || doc.kind === 'scenario')) out.push({ file, doc });
    }
  }
  return out;
}

/** Every string in `value` with its path. */
function strings(value: unknown, where: string, out: [string, string][] = []): [string, string][] {
  if (typeof value === 'string') out.push([where, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${where}[${i}]`, out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, `${where}.${k}`, out);
  return out;
}

describe("the library's shown text names no command-line flag", () => {
  it('no string of a scenario, module or exercise contains a --flag', () => {
    const docs = shownDocuments();
    expect(docs.map((d) => d.file)).toEqual(
      expect.arrayContaining([
        'scenarios/armenia-azerbaijan-2022.yaml',
        'scenarios/modules/ceasefire.yaml',
        'scenarios/exercises/border-escalation-2022.json',
      ]),
    );
    const hits = docs.flatMap(({ file, doc }) =>
      strings(doc, file)
        .filter(([, s]) => FLAG.test(s))
        .map(([w, s]) => `${w}: ${s.match(FLAG)?.[0]}`),
    );
    expect(hits).toEqual([]);
  });

  it('the flag pattern catches a flag and leaves dashes in prose alone', () => {
    expect(FLAG.test('switch it off with --set replay_calendar=0')).toBe(true);
    expect(FLAG.test('(`--trials 100`)')).toBe(true);
    expect(FLAG.test('2016 -- a four-day war; x-y; a − b; 1--2')).toBe(false);
  });
});
