/** citationParts and citationHref: the citations in a source's text become links, and only safe ones do. */
import { describe, expect, it } from 'vitest';
import { citationHref, citationParts } from '../src/scenario/citation-links.ts';

describe('citationParts', () => {
  it('links research-note paths and web addresses, leaving the prose around them as it was', () => {
    const text =
      '0.3/day ÷ 24 (docs/research/caucasus.md#44-ceasefire-attempts and docs/research/caucasus.md#7-default-parameters [D]); see https://en.wikipedia.org/wiki/Six-Day_War_(2000).';
    const parts = citationParts(text);
    expect(parts.map((p) => p.text).join('')).toBe(text);
    expect(parts.filter((p) => p.href).map((p) => p.href)).toEqual([
      'docs/research/caucasus.md#44-ceasefire-attempts',
      'docs/research/caucasus.md#7-default-parameters',
      'https://en.wikipedia.org/wiki/Six-Day_War_(2000)',
    ]);
  });

  it('gives one unlinked part for text without a citation, and none for empty text', () => {
    expect(citationParts('a judgement, stated as one')).toEqual([{ text: 'a judgement, stated as one' }]);
    expect(citationParts('')).toEqual([]);
  });

  it('does not link a path outside docs/research or one that climbs out of it', () => {
    expect(citationParts('scenarios/modules/border-clash.yaml').some((p) => p.href)).toBe(false);
    expect(citationParts('docs/research/../../package.json').some((p) => p.href)).toBe(false);
  });
});

describe('citationHref', () => {
  it('keeps web addresses and research notes, puts https on a bare domain, and refuses the rest', () => {
    expect(citationHref('https://rt.com/russia/562792')).toBe('https://rt.com/russia/562792');
    expect(citationHref('docs/research/caucasus.md#0-the-founding-event')).toBe('docs/research/caucasus.md#0-the-founding-event');
    expect(citationHref('caspianpost.com/en/post')).toBe('https://caspianpost.com/en/post');
    expect(citationHref('javascript:alert(1)')).toBeUndefined();
    expect(citationHref('docs/research/../secret.md')).toBeUndefined();
    expect(citationHref('/etc/passwd')).toBeUndefined();
  });
});
