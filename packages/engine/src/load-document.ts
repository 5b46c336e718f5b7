/**
 * Reads scenario text (YAML or JSON) into plain data, refusing hostile or broken documents, and
 * remembers where every value came from so that later problems can name a line and column.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { GeoriskError, type Issue, issue } from './errors.ts';

/** Largest document accepted, in characters. */
export const MAX_DOCUMENT_LENGTH = 1_000_000;
/** Most YAML aliases a document may use. */
export const MAX_ALIASES = 100;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A path into a document: keys and array indices. */
export type DocPath = ReadonlyArray<string | number>;

/** A parsed document and a way back from paths to source positions. */
export interface LoadedDocument {
  value: unknown;
  file?: string;
  /** The 1-based line and column of the value at `path`, or of its nearest existing ancestor. */
  locate(path: DocPath): { line: number; column: number } | undefined;
}

/** Renders a path as `tracks.conflict.transitions[2].rate`. */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** Parses a formatted path back into segments. */
export function parsePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[1] !== undefined) out.push(m[1]);
  }
  return out;
}

/** Adds `file`, `line` and `column` to issues whose path points into this document. */
export function locateIssues(doc: LoadedDocument, issues: Issue[]): Issue[] {
  return issues.map((i) => {
    if (i.line !== undefined) return i;
    const pos = doc.locate(parsePath(i.path));
    const located: Issue = { ...i };
    if (doc.file !== undefined && located.file === undefined) located.file = doc.file;
    if (pos) {
      located.line = pos.line;
      located.column = pos.column;
    }
    return located;
  });
}

/**
 * Parses YAML or JSON text.
 * @example readDocument('id: demo\ntime: {unit: day, dt: 1, horizon: 30}', 'demo.yaml')
 */
export function readDocument(text: string, file?: string): LoadedDocument {
  const withFile = (i: Issue): Issue => (file === undefined ? i : { ...i, file });
  if (text.length > MAX_DOCUMENT_LENGTH) {
    throw new GeoriskError([
      withFile(issue('document_too_large', '', `the document has ${text.length} characters; the limit is ${MAX_DOCUMENT_LENGTH}`)),
    ]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
  const pos = (offset: number) => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const problems: Issue[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const code = e.code === 'DUPLICATE_KEY' ? 'duplicate_key' : 'yaml_syntax';
    const message = e.message.split('\n')[0] ?? e.message;
    const hint =
      code === 'duplicate_key'
        ? 'remove or rename one of the two keys'
        : e.code === 'TAG_RESOLVE_FAILED'
          ? 'remove the custom "!" tag: scenarios use plain YAML values'
          : 'check indentation, colons, quotes and brackets near this position';
    problems.push(withFile({ ...issue(code, '', message, hint), ...pos(e.pos[0]) }));
  }
  if (problems.length > 0) throw new GeoriskError(problems);

  findForbiddenKeys(doc.contents, [], (path, node) => {
    const at = node.range ? pos(node.range[0]) : {};
    problems.push(
      withFile({
        ...issue('forbidden_key', formatPath(path), `the key "${path[path.length - 1]}" is not allowed`, 'rename the key'),
        ...at,
      }),
    );
  });
  if (problems.length > 0) throw new GeoriskError(problems);

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const isAlias = /alias/i.test(message);
    throw new GeoriskError([
      withFile(
        issue(
          isAlias ? 'alias_limit' : 'yaml_syntax',
          '',
          isAlias ? `the document expands too many aliases (limit ${MAX_ALIASES})` : message,
          isAlias ? 'write the repeated parts out, or use a module' : undefined,
        ),
      ),
    ]);
  }
  const loaded: LoadedDocument = {
    value,
    locate(path) {
      let node: unknown = doc.contents;
      let best: Node | undefined = isNodeWithRange(node) ? node : undefined;
      for (const seg of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
          if (!pair) break;
          node = pair.value ?? pair.key;
          if (isNodeWithRange(node)) best = node;
          else if (isNodeWithRange(pair.key)) best = pair.key;
        } else if (isSeq(node) && typeof seg === 'number') {
          node = node.items[seg];
          if (isNodeWithRange(node)) best = node;
          else break;
        } else break;
      }
      return best?.range ? pos(best.range[0]) : undefined;
    },
  };
  if (file !== undefined) loaded.file = file;
  return loaded;
}

function isNodeWithRange(x: unknown): x is Node {
  return typeof x === 'object' && x !== null && 'range' in x && Array.isArray((x as Node).range);
}

function findForbiddenKeys(node: unknown, path: (string | number)[], report: (path: (string | number)[], node: Node) => void): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key !== undefined && FORBIDDEN_KEYS.has(key)) report([...path, key], pair.key as Node);
      findForbiddenKeys(pair.value, [...path, key ?? '?'], report);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => findForbiddenKeys(item, [...path, i], report));
  }
}
