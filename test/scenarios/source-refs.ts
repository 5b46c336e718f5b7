/** Finds the citations in library text (web addresses and repository documents) and checks that each resolves. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../..');

/** A web address: scheme, host, then anything up to white space or a closing bracket or quote. */
const URL_RE = /\bhttps?:\/\/[^\s<>"'`\]]+/g;
/** A repository path (not part of a longer path or a URL), with an optional #anchor. */
const PATH_RE = /(?<![\w/.:-])((?:docs|scenarios|packages|apps|test)\/[\w./-]*[\w-]\.(?:md|yaml|yml|json|ts))(#[\w-]+)?/g;
/** An address written without its scheme ("rt.com/news/338591"), which a browser cannot open as a link. */
const BARE_RE = /(?<![\w/.:@-])(?:[a-z0-9-]+\.)+(?:com|org|net|info|am|az|ru|ua|kg|ge|at|gr|it|tr|fr|pk|io|ca|eu|uk|live)\/[^\s;,)]*/gi;

/** One citation found in a text. */
export interface Ref {
  kind: 'url' | 'path';
  text: string;
}

/** The web addresses and repository paths in `text`. */
export function findRefs(text: string): Ref[] {
  const urls = [...text.matchAll(URL_RE)].map((m) => ({ kind: 'url' as const, text: trimUrl(m[0]) }));
  const paths = [...text.matchAll(PATH_RE)].map((m) => ({ kind: 'path' as const, text: m[0] }));
  return [...urls, ...paths];
}

/** An address found in prose, less trailing punctuation and a closing bracket it does not open. */
function trimUrl(raw: string): string {
  let url = raw.replace(/[.,;:]+$/, '');
  while (url.endsWith(')') && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0))
    url = url.slice(0, -1).replace(/[.,;:]+$/, '');
  return url;
}

/** Addresses written without a scheme in `text`. */
export function findBareAddresses(text: string): string[] {
  return [...text.replace(URL_RE, ' ').matchAll(BARE_RE)].map((m) => m[0]);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown file's headings, numbered as GitHub numbers repeats. */
export function markdownAnchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m?.[1]) continue;
    const slug = headingSlug(m[1].replace(/`/g, ''));
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/**
 * The one file whose sources may use http: the reference class records each page at the address it was
 * read from, and some of those sites were read over plain http. Every other citation is https.
 */
export const HTTP_ALLOWED_IN = 'scenarios/reference-class/clashes.yaml';

/** Why `ref` does not resolve, or null when it does; `allowHttp` lets an http address pass. */
export function refProblem(ref: Ref, allowHttp = false): string | null {
  if (ref.kind === 'url') {
    let url: URL;
    try {
      url = new URL(ref.text);
    } catch {
      return `${ref.text} is not a well-formed address`;
    }
    if (url.protocol === 'http:' && !allowHttp) return `${ref.text}: use https`;
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${ref.text}: not a web address`;
    if (!url.hostname.includes('.')) return `${ref.text}: the host has no domain`;
    return null;
  }
  const [path = '', anchor] = ref.text.split('#');
  const file = resolve(ROOT, path);
  if (!existsSync(file) || !statSync(file).isFile()) return `${path} is not a file in the repository`;
  if (anchor === undefined) return null;
  if (!path.endsWith('.md')) return `${ref.text}: only Markdown documents have anchors`;
  if (!markdownAnchors(readFileSync(file, 'utf8')).has(anchor)) return `${ref.text}: ${path} has no heading with the anchor #${anchor}`;
  return null;
}
