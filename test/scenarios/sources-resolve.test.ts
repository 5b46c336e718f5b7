/**
 * Every citation in the library resolves (issue 18): each source names a web address or a document
 * in this repository, each repository path exists and its #anchor is a heading of that file, and
 * nothing cites the research notes that lived outside the repository.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findBareAddresses, findRefs, HTTP_ALLOWED_IN, headingSlug, markdownAnchors, ROOT, refProblem } from './source-refs.ts';

/** Every file under `dir` (relative to the repository root) ending in one of `exts`. */
function filesUnder(dir: string, exts: string[]): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && exts.some((x) => e.name.endsWith(x)))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .sort();
}

const LIBRARY = filesUnder('scenarios', ['.yaml', '.yml', '.json', '.md']);
const TEXTS = [...LIBRARY, ...filesUnder('docs/teaching', ['.md']), ...filesUnder('docs/research', ['.md'])];

/** Every item of every `sources` list in a parsed document, with where it sits. */
function sourceItems(value: unknown, where: string, out: { where: string; item: unknown }[] = []): typeof out {
  if (Array.isArray(value)) value.forEach((v, i) => sourceItems(v, `${where}[${i}]`, out));
  else if (value !== null && typeof value === 'object')
    for (const [key, v] of Object.entries(value)) {
      if (key === 'sources' && Array.isArray(v)) v.forEach((item, i) => out.push({ where: `${where}.sources[${i}]`, item }));
      else sourceItems(v, `${where}.${key}`, out);
    }
  return out;
}

/** What is wrong with one source: no citation in it, a citation that does not resolve, an address without its scheme. */
function sourceProblems(item: unknown, allowHttp = false): string[] {
  if (typeof item === 'string') {
    const refs = findRefs(item);
    if (refs.length === 0) return [`"${item}" names no web address or repository document`];
    return [
      ...refs.map((r) => refProblem(r, allowHttp)),
      ...findBareAddresses(item).map((b) => `${b}: write the address with https://`),
    ].filter((p): p is string => p !== null);
  }
  if (item === null || typeof item !== 'object') return [`${JSON.stringify(item)} is not a source`];
  const { title, url } = item as { title?: unknown; url?: unknown };
  if (typeof url === 'string') {
    const ref = /^https?:\/\//.test(url) ? { kind: 'url' as const, text: url } : findRefs(url)[0];
    if (ref?.text !== url) return [`url "${url}" is neither a web address nor a repository document`];
    const p = refProblem(ref, allowHttp);
    return p ? [p] : [];
  }
  return sourceProblems(String(title ?? ''), allowHttp);
}

describe('the library cites only what resolves', () => {
  it('finds the files it checks', () => {
    expect(LIBRARY).toContain('scenarios/armenia-azerbaijan-2022.yaml');
    expect(LIBRARY).toContain('scenarios/backtest/episodes.yaml');
    expect(TEXTS).toContain('docs/research/caucasus.md');
  });

  it('every source of every scenario, module, episode and reference case names a web address or a repository document that resolves', () => {
    const problems: string[] = [];
    let count = 0;
    for (const file of LIBRARY.filter((f) => !f.endsWith('.md'))) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      const doc: unknown = file.endsWith('.json') ? JSON.parse(text) : parse(text);
      for (const { where, item } of sourceItems(doc, file)) {
        count += 1;
        for (const p of sourceProblems(item, file === HTTP_ALLOWED_IN)) problems.push(`${where}: ${p}`);
      }
    }
    expect(problems).toEqual([]);
    expect(count).toBeGreaterThan(200);
  });

  it('every web address and repository path in the library text, comments included, resolves', () => {
    const problems: string[] = [];
    for (const file of TEXTS) {
      const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const ref of findRefs(line)) {
          const p = refProblem(ref, file === HTTP_ALLOWED_IN);
          if (p) problems.push(`${file}:${i + 1}: ${p}`);
        }
      });
    }
    expect(problems).toEqual([]);
  });

  it('nothing cites research/domain.md, a file outside the repository', () => {
    const hits = TEXTS.flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => (/domain\.md/.test(line) ? [`${file}:${i + 1}`] : [])),
    );
    expect(hits).toEqual([]);
  });

  it('the research notes carry a web address for their facts and keep the anchors the library cites', () => {
    const notes = readFileSync(join(ROOT, 'docs/research/caucasus.md'), 'utf8');
    const anchors = markdownAnchors(notes);
    for (const a of [
      '0-the-founding-event',
      '33-the-2020-war',
      '35-september-2022',
      '42-csto-requests',
      '44-ceasefire-attempts',
      '52-past-disruptions',
      '71-sanity-check',
    ])
      expect(anchors).toContain(a);
    expect(findRefs(notes).filter((r) => r.kind === 'url').length).toBeGreaterThan(40);
  });
});

describe('the checker itself', () => {
  it('slugs headings as GitHub does and catches what does not resolve', () => {
    expect(headingSlug('4.4 Ceasefire attempts')).toBe('44-ceasefire-attempts');
    expect(headingSlug("4.3 Russia's record (regional)")).toBe('43-russias-record-regional');
    expect(markdownAnchors('# A\n## A\n```\n# not a heading\n```\n')).toEqual(new Set(['a', 'a-1']));
    expect(sourceProblems('research notes §4.4')).toHaveLength(1);
    expect(sourceProblems('docs/research/caucasus.md#no-such-heading')).toHaveLength(1);
    expect(sourceProblems('docs/research/nowhere.md')).toHaveLength(1);
    expect(sourceProblems({ title: 'x', url: 'rt.com/news/338591' })).toHaveLength(1);
    expect(sourceProblems('docs/research/caucasus.md#31-april-2016 (rt.com/news/338591)')).toHaveLength(1);
    expect(sourceProblems({ title: 'x', url: 'https://rt.com/news/338591' })).toEqual([]);
    expect(sourceProblems({ title: 'x', url: 'http://rt.com/news/338591' })).toHaveLength(1);
    expect(sourceProblems({ title: 'x', url: 'http://rt.com/news/338591' }, true)).toEqual([]);
    expect(sourceProblems('docs/research/caucasus.md#31-april-2016')).toEqual([]);
  });
});
