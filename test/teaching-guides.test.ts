/**
 * Every teacher's guide in docs/teaching carries a "critique the model" assignment and readings with public addresses (issue 17).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.ts';

const DIR = join(ROOT, 'docs/teaching');
const GUIDES = readdirSync(DIR)
  .filter((f) => f.endsWith('.md') && f !== 'README.md')
  .sort();

/** The text of the `## heading` section of `text` (up to the next second-level heading), or '' when absent. */
function section(text: string, heading: RegExp): string {
  const parts = text.split(/^## /m);
  const found = parts.find((p) => heading.test(p.split('\n')[0] ?? ''));
  return found ?? '';
}

describe("teacher's guides", () => {
  it('finds the guides', () => {
    expect(GUIDES).toEqual(expect.arrayContaining(['alliance-dilemma.md', 'border-escalation-2022.md']));
  });

  it.each(GUIDES)('%s has a critique-the-model assignment with at least four numbered tasks', (file) => {
    const critique = section(readFileSync(join(DIR, file), 'utf8'), /^Critique the model/);
    expect(critique, `${file} lacks a "## Critique the model" section`).not.toBe('');
    expect(critique.match(/^\d+\. /gm)?.length ?? 0).toBeGreaterThanOrEqual(4);
  });

  it.each(GUIDES)('%s has readings with at least three public https addresses', (file) => {
    const readings = section(readFileSync(join(DIR, file), 'utf8'), /^Readings/);
    expect(readings, `${file} lacks a "## Readings" section`).not.toBe('');
    expect(new Set(readings.match(/https:\/\/[^\s)]+/g) ?? []).size).toBeGreaterThanOrEqual(3);
  });
});
