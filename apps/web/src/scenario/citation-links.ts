/** Finds the citations in a source's text (web addresses and the repository's research notes) and says where each link goes. */

/** A web address, or a research note of this repository with an optional #anchor. */
const CITATION = /https?:\/\/[^\s<>"'`\]]+|(?<![\w/.:-])docs\/research\/[a-z0-9][a-z0-9-]*\.md(?:#[\w-]+)?/g;

/** A stretch of text, linked when it is a citation. */
export interface TextPart {
  text: string;
  href?: string;
}

/** An address less the punctuation that ends the sentence around it, and a closing bracket it does not open. */
function trimAddress(raw: string): string {
  let s = raw.replace(/[.,;:]+$/, '');
  while (s.endsWith(')') && (s.match(/\(/g)?.length ?? 0) < (s.match(/\)/g)?.length ?? 0)) s = s.slice(0, -1).replace(/[.,;:]+$/, '');
  return s;
}

/**
 * Where a source's `url` opens: a web address as it is; a research note relative to the app (the
 * server and the static build both serve docs/research/*.md); a bare domain over https. Anything else
 * (a `javascript:` address, another repository path) gets no link.
 */
export function citationHref(url: string): string | undefined {
  const u = url.trim();
  if (/^https?:\/\/[^\s]+$/i.test(u)) return u;
  if (/^docs\/research\/[a-z0-9][a-z0-9-]*\.md(#[\w-]+)?$/.test(u)) return u;
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+(\/[^\s]*)?$/i.test(u)) return `https://${u}`;
  return undefined;
}

/** Splits `text` into plain stretches and linked citations, in order; joined, the parts give back the text. */
export function citationParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(CITATION)) {
    const ref = trimAddress(m[0]);
    const start = m.index;
    if (start > last) parts.push({ text: text.slice(last, start) });
    const href = citationHref(ref);
    parts.push(href === undefined ? { text: ref } : { text: ref, href });
    last = start + ref.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
