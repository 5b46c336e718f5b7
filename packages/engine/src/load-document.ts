/**
 * Reads scenario text (YAML or JSON) into plain data, refusing hostile or broken documents, and
 * remembers where every value came from so that later problems can name a line and column.
 */
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, Parser, parseDocument, visit, type YAMLError } from 'yaml';
import { GeoriskError, type Issue, type IssueCode, issue } from './errors.ts';

/** Largest document accepted, in characters. */
export const MAX_DOCUMENT_LENGTH = 1_000_000;
/** Most YAML aliases a document may use. */
export const MAX_ALIASES = 100;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Issues about a run request rather than the document (overrides, trials, seed): they have no place in it. */
const NOT_IN_DOCUMENT: ReadonlySet<IssueCode> = new Set<IssueCode>(['bad_override', 'bad_run_options', 'budget_exceeded']);
/** Issues about a key itself rather than its value: they point at the key. */
const ABOUT_KEYS: ReadonlySet<IssueCode> = new Set<IssueCode>(['unknown_key', 'invalid_name', 'duplicate_name', 'forbidden_key']);

/** A path into a document: keys and array indices. */
export type DocPath = ReadonlyArray<string | number>;

/** A parsed document and a way back from paths to source positions. */
export interface LoadedDocument {
  value: unknown;
  file?: string;
  /**
   * The 1-based line and column of the value at `path`, or of its nearest existing ancestor; with
   * `at: 'key'`, of the key that names the last segment (for unknown, duplicate or badly named keys).
   */
  locate(path: DocPath, at?: 'key' | 'value'): { line: number; column: number } | undefined;
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
    if (i.line !== undefined || NOT_IN_DOCUMENT.has(i.code)) return i;
    const pos = doc.locate(parsePath(i.path), ABOUT_KEYS.has(i.code) ? 'key' : 'value');
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
      withFile(
        issue(
          'document_too_large',
          '',
          `the document has ${text.length} characters; the limit is ${MAX_DOCUMENT_LENGTH}`,
          'move parts of it into modules, or shorten descriptions',
        ),
      ),
    ]);
  }
  const lines = new LineCounter();
  // stringKeys: keys are plain text; a list, mapping or alias used as a key is an error.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true, stringKeys: true });
  const pos = (offset: number) => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const problems: Issue[] = [];
  let flows: UnclosedFlow[] | undefined;
  const unclosed = () => {
    flows ??= unclosedFlows(text);
    return flows;
  };
  for (const e of [...doc.errors, ...doc.warnings]) {
    problems.push(withFile({ ...yamlIssue(e, doc, pos, unclosed), ...pos(e.pos[0]) }));
  }
  if (problems.length > 0) throw new GeoriskError(foldIndentCascade(problems).map((p) => explainIndent(p, text)));

  // Control characters in keys and text, then keys that could tamper with objects, each at its place.
  // A document that is one bare scalar (a binary file read as text) has neither, and is refused for
  // its shape, which says more than its first control character.
  const controls: Issue[] = [];
  const forbidden: Issue[] = [];
  const at = (path: (string | number)[], node: Node, i: Issue) =>
    withFile({ ...i, path: formatPath(path), ...(node.range ? pos(node.range[0]) : {}) });
  const control = (path: (string | number)[], node: Node, text: string) => {
    const found = CONTROL_CHARACTERS.exec(text);
    if (found) {
      const message = `this text holds the control character ${escapeControl(found[0])}, which a terminal showing it would obey (move the cursor, clear the screen, set the title) instead of printing`;
      controls.push(
        at(
          path,
          node,
          issue('control_character', '', message, 'remove it: text may hold tabs and line breaks, but no other control characters'),
        ),
      );
    }
  };
  if (isMap(doc.contents) || isSeq(doc.contents)) {
    walkDocument(doc.contents, [], {
      key: (path, node, key) => {
        control(path, node, key);
        if (FORBIDDEN_KEYS.has(key))
          forbidden.push(at(path, node, issue('forbidden_key', '', `the key "${key}" is not allowed`, 'rename the key')));
      },
      text: control,
    });
  }
  problems.push(...controls, ...forbidden);
  if (problems.length > 0) throw new GeoriskError(problems);

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/excessive alias count/i.test(message)) {
      throw new GeoriskError([
        withFile(
          issue(
            'alias_limit',
            '',
            `the document expands too many aliases (limit ${MAX_ALIASES})`,
            'write the repeated parts out, or use a module',
          ),
        ),
      ]);
    }
    const unresolved = /unresolved alias.*?: *(\S+)/i.exec(message)?.[1];
    if (unresolved !== undefined) {
      let at: { line: number; column: number } | undefined;
      visit(doc, {
        Alias(_key, node) {
          if (node.source === unresolved && node.range) {
            at = pos(node.range[0]);
            return visit.BREAK;
          }
          return undefined;
        },
      });
      throw new GeoriskError([
        withFile({
          ...issue(
            'yaml_syntax',
            '',
            `the alias *${unresolved} refers to no anchor &${unresolved} defined before it`,
            `define the value once with &${unresolved} before using *${unresolved}, or write the value out`,
          ),
          ...at,
        }),
      ]);
    }
    throw new GeoriskError([
      withFile(
        issue('yaml_syntax', '', `the document cannot be read: ${message}`, 'simplify the document: scenarios need few levels of nesting'),
      ),
    ]);
  }
  const loaded: LoadedDocument = {
    value,
    locate(path, at = 'value') {
      let node: unknown = doc.contents;
      let best: Node | undefined = isNodeWithRange(node) ? node : undefined;
      for (const [n, seg] of path.entries()) {
        if (isMap(node)) {
          const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
          if (!pair) break;
          node = pair.value ?? pair.key;
          if (at === 'key' && n === path.length - 1 && isNodeWithRange(pair.key)) best = pair.key;
          else if (isNodeWithRange(node)) best = node;
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

/** Turns one of the YAML parser's errors into an issue that says what to do. */
function yamlIssue(
  e: YAMLError,
  doc: Document.Parsed,
  pos: (offset: number) => { line: number; column: number },
  flows: () => readonly UnclosedFlow[],
): Issue {
  const message = e.message.split('\n')[0] ?? e.message;
  const closer = /end with an? ([\]}])/.exec(message)?.[1];
  const opened = closer === undefined ? undefined : openedBefore(flows(), e.pos[0], closer);
  if (closer !== undefined && opened !== undefined) {
    // The parser notices a missing bracket only where the next block starts, often lines later: name where it opened.
    const { line, column } = pos(opened);
    const what = closer === ']' ? 'list' : 'mapping';
    const opener = closer === ']' ? '[' : '{';
    return issue(
      'yaml_syntax',
      '',
      `${message}: the ${what} opened with "${opener}" at line ${line}, column ${column} is never closed`,
      `close it with "${closer}" where the ${what} ends, or write it as indented lines instead of "${opener} … ${closer}"`,
    );
  }
  switch (e.code) {
    case 'DUPLICATE_KEY': {
      const found = findKeyAt(doc.contents, e.pos[0], []);
      if (!found) return issue('duplicate_key', '', message, 'remove or rename one of the two keys');
      const first = found.first !== undefined ? ` (first at line ${pos(found.first).line})` : '';
      return issue(
        'duplicate_key',
        formatPath(found.path),
        `the key "${found.path[found.path.length - 1]}" appears twice in the same mapping${first}`,
        'remove or rename one of the two keys: YAML would silently keep only one',
      );
    }
    case 'TAG_RESOLVE_FAILED':
      return issue('yaml_syntax', '', message, 'remove the "!" tag: scenarios use plain YAML values');
    case 'NON_STRING_KEY':
      return issue(
        'yaml_syntax',
        '',
        'a key must be plain text, not a list, a mapping, an alias or a tagged value',
        'write the key as a plain name',
      );
    case 'MULTIPLE_DOCS':
      return issue(
        'yaml_syntax',
        '',
        'the text holds more than one YAML document',
        'a scenario is one document: remove the "---" line and what follows, or split the file',
      );
    case 'RESOURCE_EXHAUSTION':
      return issue('yaml_syntax', '', 'the document nests too deeply to read', 'scenarios need only a few levels of nesting');
    default:
      return issue('yaml_syntax', '', message, 'check indentation, colons, quotes and brackets near this position');
  }
}

/** A syntax error about indentation, after which the parser misreads the lines that follow. */
const INDENT_ERROR = /same column|tabs are not allowed as indentation|bad indentation/i;

/**
 * One mis-indented line makes the YAML parser misread the lines after it, so it reports several errors
 * for one mistake. After an indentation error, the later syntax errors are folded into one issue at the
 * first of them that names their lines: nothing is lost, and the mistake to fix comes first.
 */
export function foldIndentCascade(problems: Issue[]): Issue[] {
  const [first, ...rest] = problems;
  if (first === undefined || rest.length === 0 || first.code !== 'yaml_syntax' || !INDENT_ERROR.test(first.message)) return problems;
  const later = rest.filter((p) => p.code === 'yaml_syntax');
  if (later.length === 0) return problems;
  const lines = [...new Set(later.map((p) => p.line).filter((l) => l !== undefined))];
  const where = lines.length === 1 ? `line ${lines[0]}` : `lines ${lines.join(', ')}`;
  const folded: Issue = {
    ...(later[0] as Issue),
    message: `${later.length} more syntax error${later.length === 1 ? '' : 's'} at ${where} (${later[0]?.message}), most likely caused by the indentation error above`,
    hint: 'fix the indentation above, then check again',
  };
  return [first, folded, ...rest.filter((p) => p.code !== 'yaml_syntax')];
}

/** A "must start at the same column" error with the two indentations that disagree. */
function explainIndent(problem: Issue, text: string): Issue {
  if (problem.line === undefined || !/same column/i.test(problem.message)) return problem;
  const lines = text.split('\n');
  const indent = (l: string) => l.length - l.trimStart().length;
  const here = lines[problem.line - 1];
  let before = problem.line - 2;
  while (before >= 0 && (lines[before] ?? '').trim() === '') before--;
  if (here === undefined || before < 0) return problem;
  const mine = indent(here);
  const theirs = indent(lines[before] as string);
  if (mine === theirs) return problem;
  return {
    ...problem,
    message: `${problem.message}: line ${problem.line} is indented by ${mine} space${mine === 1 ? '' : 's'}, line ${before + 1} before it by ${theirs}`,
    hint: 'indent the keys of one mapping by the same number of spaces (a key one level deeper by 2 more)',
  };
}

/** The path of the mapping key that starts at `offset`, and where an equal key appears earlier in the same mapping. */
function findKeyAt(node: unknown, offset: number, path: (string | number)[]): { path: (string | number)[]; first?: number } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key !== undefined && isScalar(pair.key) && pair.key.range?.[0] === offset) {
        const earlier = node.items.find((p) => p !== pair && isScalar(p.key) && String(p.key.value) === key);
        const first = isScalar(earlier?.key) ? earlier.key.range?.[0] : undefined;
        return first === undefined ? { path: [...path, key] } : { path: [...path, key], first };
      }
      const inner = findKeyAt(pair.value, offset, [...path, key ?? '?']);
      if (inner) return inner;
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const inner = findKeyAt(node.items[i], offset, [...path, i]);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** A flow collection that nothing closes: where its "[" or "{" stands, and the bracket it lacks. */
interface UnclosedFlow {
  offset: number;
  closer: ']' | '}';
}

/**
 * The flow collections that nothing closes, read from the parser's syntax tree (a second parse, made only
 * when a syntax error asks for it), walked without recursion so that any nesting is safe.
 */
function unclosedFlows(text: string): UnclosedFlow[] {
  const out: UnclosedFlow[] = [];
  const stack: unknown[] = [...new Parser().parse(text)];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (typeof node !== 'object' || node === null) continue;
    const token = node as { type?: string; start?: { type?: string; offset?: number }; end?: { type?: string }[] };
    const opener = token.type === 'flow-collection' ? token.start : undefined;
    if (opener?.offset !== undefined && (opener.type === 'flow-seq-start' || opener.type === 'flow-map-start')) {
      const closer = opener.type === 'flow-seq-start' ? ']' : '}';
      const ending = closer === ']' ? 'flow-seq-end' : 'flow-map-end';
      if (!token.end?.some((t) => t.type === ending)) out.push({ offset: opener.offset, closer });
    }
    for (const value of Object.values(node)) if (typeof value === 'object' && value !== null) stack.push(value);
  }
  return out;
}

/** Where the last collection lacking `closer` opens before `offset`, if one does. */
function openedBefore(flows: readonly UnclosedFlow[], offset: number, closer: string): number | undefined {
  let found: number | undefined;
  for (const f of flows) if (f.closer === closer && f.offset < offset && (found === undefined || f.offset > found)) found = f.offset;
  return found;
}

function isNodeWithRange(x: unknown): x is Node {
  return typeof x === 'object' && x !== null && 'range' in x && Array.isArray((x as Node).range);
}

/**
 * Control characters other than tab, line feed and carriage return (C0, DEL and C1): what a terminal
 * would obey rather than print. Documents may not hold them; the CLI shows them as escapes.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is its purpose.
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** A control character as text shows it: \u001b. */
export function escapeControl(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Visits every key of a document's mappings and every text value, with its path, in document order. */
function walkDocument(
  node: unknown,
  path: (string | number)[],
  visit: {
    key(path: (string | number)[], node: Node, key: string): void;
    text(path: (string | number)[], node: Node, value: string): void;
  },
): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key !== undefined) visit.key([...path, key], pair.key as Node, key);
      walkDocument(pair.value, [...path, key ?? '?'], visit);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => walkDocument(item, [...path, i], visit));
  } else if (isScalar(node) && typeof node.value === 'string') {
    visit.text(path, node, node.value);
  }
}
