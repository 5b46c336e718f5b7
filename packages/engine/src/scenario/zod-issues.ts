/** Schema messages: zod's issues turned into ours, with a hint for each common mistake in a scenario or module. */
import type { z } from 'zod';
import { type Issue, issue, nearest } from '../errors.ts';
import { formatPath } from '../load-document.ts';
import { FINITE_NUMBER_MESSAGE, ParameterSchema, ScenarioSchema, SourceObjectSchema } from '../scenario-schema.ts';

/** How the messages about a whole document (empty, or not a mapping) name its kind, and the fix they give. */
export interface DocumentKind {
  /** "the document is empty" names it so: `document`, `observations document`… */
  name: string;
  /** "a scenario is a mapping of keys such as …" names it so. */
  what: string;
  /** The keys it is a mapping of, in words. */
  keys: string;
  /** The fix for an empty one: what to start with, and an example file. */
  start: string;
  /** Written in JSON (a request body), not YAML: a number where text belongs then needs quotes for another reason. */
  json?: boolean;
}

/** A scenario, the kind `zodIssues` assumes. */
export const SCENARIO_KIND: DocumentKind = {
  name: 'document',
  what: 'a scenario',
  keys: 'id, time and tracks',
  start:
    'start with id, time and tracks; see "A minimal scenario" in docs/scenario-language.md, or scenarios/reference/caucasus-reference.yaml, in the georisk repository',
};

/**
 * Turns zod's issues into ours, with a hint for the common mistakes; `input` is the checked value (for "got …"),
 * `root` its schema, and `kind` what messages about the whole document call it.
 */
export function zodIssues(error: z.ZodError, input?: unknown, root: z.core.$ZodType = ScenarioSchema, kind = SCENARIO_KIND): Issue[] {
  const out: Issue[] = [];
  for (const zi of error.issues) {
    const path = zi.path.filter((p): p is string | number => typeof p !== 'symbol');
    const where = formatPath(path);
    const name = String(path[path.length - 1] ?? '');
    const value = valueAt(input, path);
    switch (zi.code) {
      case 'unrecognized_keys':
        for (const key of zi.keys) {
          out.push(
            issue('unknown_key', formatPath([...path, key]), `unknown key "${key}"`, knownKeysHint(key, path, valueAt(input, path), root)),
          );
        }
        break;
      case 'invalid_key': {
        // Zod's own words for a length ("Too big: expected string to have <=40 characters") do not follow "it".
        const inner = zi.issues[0];
        const why =
          inner?.code === 'too_big'
            ? `is longer than ${inner.maximum} characters`
            : inner?.code === 'too_small'
              ? 'is empty'
              : (inner?.message ?? 'is not a valid name');
        out.push(
          issue('invalid_name', where, `"${name}" is not a valid name: it ${why}`, 'rename it, e.g. with "_" instead of "-" or spaces'),
        );
        break;
      }
      case 'invalid_type': {
        const found = typeIssue(where, name, [zi.expected], [zi.message], value, input !== undefined, kind);
        const tagged = zi.expected === 'object' ? taggedMappingHint(root, path, name, value) : undefined;
        out.push(tagged === undefined ? found : { ...found, hint: tagged });
        break;
      }
      case 'invalid_union': {
        if (zi.errors.length === 0) {
          // A discriminated union (an uncertainty's "dist") whose tag is missing or unknown.
          const options = ((zi as { options?: unknown[] }).options ?? []).map(String);
          out.push(
            value === undefined
              ? issue('missing_key', where, `"${name}" is required`, `add it: one of ${options.join(', ')}`)
              : issue('invalid_value', where, `${describe(value)} is not one of ${options.join(', ')}`, oneOfHint(value, options)),
          );
          break;
        }
        const branches = zi.errors.map((e) => e.find((b) => b.path.length === 0)).filter((b) => b !== undefined);
        const expected = branches.flatMap((b) => (b.code === 'invalid_type' ? [b.expected] : b.code === 'custom' ? ['number'] : []));
        out.push(
          typeIssue(
            where,
            name,
            [...new Set(expected)],
            branches.map((b) => b.message),
            value,
            input !== undefined,
            kind,
          ),
        );
        break;
      }
      case 'custom':
        out.push(
          zi.message === FINITE_NUMBER_MESSAGE
            ? issue('bad_number', where, `${describe(value)} is too large: numbers must be finite with |x| <= 1e15`, 'use a smaller number')
            : issue('invalid_value', where, typeof value === 'number' ? `${zi.message}, got ${value}` : zi.message),
        );
        break;
      case 'too_small':
      case 'too_big': {
        const bound = boundIssue(zi, where, value);
        if (bound !== undefined) {
          out.push(bound);
          break;
        }
        out.push(
          issue(
            'invalid_value',
            where,
            zi.code === 'too_small' && zi.origin === 'string' && zi.minimum === 1
              ? `"${name}" must not be empty`
              : zi.code === 'too_small' && zi.origin === 'array' && zi.minimum === 1
                ? `"${name}" must list at least one item`
                : zi.message,
          ),
        );
        break;
      }
      case 'invalid_value': {
        const options = zi.values.map(String);
        out.push(issue('invalid_value', where, `${describe(value)} is not one of ${options.join(', ')}`, oneOfHint(value, options)));
        break;
      }
      case 'invalid_format':
        out.push(issue('invalid_value', where, `${describe(value)} is not allowed here: ${zi.message}`));
        break;
      default:
        out.push(issue('invalid_value', where, zi.message));
    }
  }
  return out;
}

/**
 * A number past a schema's bound, in words with the fix ("-5 is below the smallest allowed, 1" and
 * "give a number >= 1"), where zod gave its own message ("Too small: expected number to be >=1");
 * undefined for other bounds and for a schema's message of its own.
 */
function boundIssue(zi: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, where: string, value: unknown): Issue | undefined {
  if (zi.origin !== 'number' && zi.origin !== 'int') return undefined;
  if (!/^Too (small|big)/.test(zi.message)) return undefined;
  const small = zi.code === 'too_small';
  const bound = Number(small ? zi.minimum : zi.maximum);
  const inclusive = zi.inclusive !== false;
  const sign = small ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<';
  // A query's numbers arrive as text ("?limit=100000"): named as the number they stand for.
  const shown = typeof value === 'string' && Number.isFinite(Number(value)) ? value : describe(value);
  return issue(
    'invalid_value',
    where,
    `${shown} is ${small ? 'below the smallest' : 'above the largest'} allowed, ${bound}${inclusive ? '' : ' (not included)'}`,
    `give a number ${sign} ${bound}`,
  );
}

function oneOfHint(value: unknown, options: readonly string[]): string {
  const near = nearest(String(value), options);
  return near === undefined ? `write one of: ${options.join(', ')}` : `did you mean "${near}"?`;
}

/** Plain words for zod's type names. */
const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  object: 'a mapping of key: value pairs',
  record: 'a mapping of key: value pairs',
  array: 'a list',
  boolean: 'true or false',
};

function typeWords(types: readonly string[]): string {
  const words = types.map((t) => (Object.hasOwn(TYPE_WORDS, t) ? TYPE_WORDS[t] : undefined) ?? t);
  return words.length === 0 ? 'another value' : words.join(' or ');
}

/** A value as messages show it. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'number')
    return Number.isNaN(value) ? '.nan' : value === Infinity ? '.inf' : value === -Infinity ? '-.inf' : String(value);
  if (typeof value === 'string') return `the text "${value.length > 40 ? `${value.slice(0, 37)}…` : value}"`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

/** The value at `path` in plain data (own properties only). */
function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let node = root;
  for (const seg of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, seg)) return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

/** A value of the wrong type: missing, not finite, or simply of another type. */
function typeIssue(
  where: string,
  name: string,
  expected: readonly string[],
  messages: readonly string[],
  value: unknown,
  knowsInput: boolean,
  kind: DocumentKind,
): Issue {
  const missing = knowsInput ? value === undefined : messages.every((m) => m.includes('received undefined'));
  if (missing && where !== '') return issue('missing_key', where, `"${name}" is required`, `add it: expected ${typeWords(expected)}`);
  const notFinite = typeof value === 'number' ? !Number.isFinite(value) : messages.some((m) => /received (NaN|Infinity)/.test(m));
  if (notFinite && expected.includes('number')) {
    // JSON has no .inf: there a number too large for a double (1e400) arrives as Infinity.
    const got = !knowsInput
      ? 'a value that is not finite'
      : kind.json
        ? 'a number too large to hold (it overflowed to Infinity)'
        : describe(value);
    return issue(
      'bad_number',
      where,
      `expected a finite number, got ${got}`,
      kind.json
        ? 'write an ordinary number: numbers beyond 1e15 are not allowed'
        : 'write an ordinary number: .inf, .nan and numbers beyond 1e15 are not allowed',
    );
  }
  if (where === '') {
    return value === null || value === undefined
      ? issue('invalid_type', '', `the ${kind.name} is empty`, kind.start)
      : issue(
          'invalid_type',
          '',
          `${kind.what} is a mapping of keys such as ${kind.keys}, not ${describe(value)}`,
          'write key: value lines',
        );
  }
  const got = knowsInput ? describe(value) : (/received (\w+)/.exec(messages[0] ?? '')?.[1] ?? 'another value');
  const quotedNumber = typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
  return issue(
    'invalid_type',
    where,
    `expected ${typeWords(expected)}, got ${got}`,
    quotedNumber && (expected.includes('number') || expected.includes('int'))
      ? 'remove the quotes around the number'
      : expected.includes('string') && !expected.includes('number') && (typeof value === 'number' || typeof value === 'boolean')
        ? unquotedTextHint(where, value, kind.json === true)
        : expected.includes('int') && typeof value === 'number'
          ? `write a whole number here, e.g. ${Math.round(value)}`
          : `write ${typeWords(expected)} here`,
  );
}

/** Paths whose text must be a name (a state, a variable, a renamed name): quoting a number does not help there. */
const NAME_PATH =
  /^(tracks\.[^.]+\.(states\[\d+\]|initial|transitions\[\d+\]\.(to|from(\[\d+\])?))|events\[\d+\]\.force\.[^.]+|flows\[\d+\]\.to|include\[\d+\]\.rename\.[^.]+)$/;

/** YAML read text such as 2022 or true as a number or a boolean: quote it, unless it must be a name. */
function unquotedTextHint(where: string, value: number | boolean, json: boolean): string {
  if (typeof value === 'number' && NAME_PATH.test(where))
    return 'a name must start with a letter or "_", so quoting the number would not help';
  if (json) return `write it as text, in quotes: "${String(value)}"`;
  return `YAML reads ${String(value)} as ${typeof value === 'number' ? 'a number' : 'a boolean'}: put quotes around it, '${String(value)}'`;
}

/** A zod schema's definition, as far as walking to a mapping's keys needs it. */
interface SchemaDef {
  type: string;
  innerType?: z.core.$ZodType;
  in?: z.core.$ZodType;
  shape?: Record<string, z.core.$ZodType>;
  element?: z.core.$ZodType;
  valueType?: z.core.$ZodType;
  options?: z.core.$ZodType[];
  discriminator?: string;
}

/** The schema under optional, default, nullable and the like, and the input side of a pipe. */
function unwrapSchema(schema: z.core.$ZodType): { schema: z.core.$ZodType; def: SchemaDef } {
  const def = schema._zod.def as SchemaDef;
  if (def.innerType !== undefined) return unwrapSchema(def.innerType);
  if (def.type === 'pipe' && def.in !== undefined) return unwrapSchema(def.in);
  return { schema, def };
}

/**
 * The object schemas that may describe the mapping at `path` inside a document of schema `root`,
 * walking through records, arrays, unions and wrappers: one, or, for a union of mappings, the
 * member that the mapping's discriminator (`dist`, `kind`) picks, else every mapping member.
 */
function mappingSchemasAt(root: z.core.$ZodType, path: readonly PropertyKey[], mapping?: unknown): z.core.$ZodType[] {
  let at: z.core.$ZodType[] = [root];
  for (const step of path) {
    at = at.flatMap((candidate) => {
      const { def } = unwrapSchema(candidate);
      if (def.type === 'object') return def.shape?.[String(step)] ?? [];
      if (def.type === 'array') return def.element ?? [];
      if (def.type === 'record') return def.valueType ?? [];
      if (def.type === 'union') return (def.options ?? []).flatMap((o) => mappingSchemasAt(o, [step]));
      return [];
    });
  }
  const objects = at.flatMap(function objectsOf(candidate): z.core.$ZodType[] {
    const { schema, def } = unwrapSchema(candidate);
    if (def.type === 'object') return [schema];
    if (def.type !== 'union') return [];
    const members = (def.options ?? []).flatMap(objectsOf);
    const tag = def.discriminator;
    if (tag === undefined || !isRecord(mapping)) return members;
    const tagValues = (m: z.core.$ZodType) =>
      (unwrapSchema(m).def.shape?.[tag]?._zod.def as { values?: unknown[] } | undefined)?.values ?? [];
    const chosen = members.filter((m) => tagValues(m).includes(mapping[tag]));
    return chosen.length > 0 ? chosen : members;
  });
  return [...new Set(objects)];
}

/**
 * The keys the mapping at `path` inside a document of schema `root` allows, read from the schema
 * (a key inside a parameter's prior is checked against that distribution's keys, not the
 * parameter's); undefined where no mapping sits there. The document markers (`kind`, `$schema`)
 * come last at the root: they are seldom what a typo meant.
 * @example keysAt(ScenarioSchema, ['parameters', 'r']) // ['default', 'range', …]
 */
export function keysAt(root: z.core.$ZodType, path: readonly PropertyKey[], mapping?: unknown): string[] | undefined {
  const objects = mappingSchemasAt(root, path, mapping);
  if (objects.length === 0) return undefined;
  const keys = [...new Set(objects.flatMap((o) => Object.keys(unwrapSchema(o).def.shape ?? {})))];
  if (path.length > 0) return keys;
  const markers = ['kind', '$schema'];
  return [...keys.filter((k) => !markers.includes(k)), ...keys.filter((k) => markers.includes(k))];
}

/**
 * For text where a mapping of several kinds belongs and the text names one of them (`provenance:
 * assumed`, `uncertainty: beta`), the mapping that kind is written as, with the keys it needs:
 * `write provenance: { kind: derived, from: … }`. Undefined for any other text.
 */
function taggedMappingHint(root: z.core.$ZodType, path: readonly PropertyKey[], name: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  for (const member of mappingSchemasAt(root, path)) {
    const keys = Object.entries(unwrapSchema(member).def.shape ?? {});
    const tag = keys.find(([, schema]) => ((schema._zod.def as { values?: unknown[] }).values ?? []).includes(value))?.[0];
    if (tag === undefined) continue;
    const needed = keys.filter(([key, schema]) => key !== tag && schema._zod.optin !== 'optional').map(([key]) => key);
    return `write ${name}: { ${[`${tag}: ${value}`, ...needed.map((key) => `${key}: …`)].join(', ')} }`;
  }
  return undefined;
}

/** Keys other tools use for what a mapping calls otherwise, with the hint that says how it is written here. */
const PRIOR_IS_UNCERTAINTY = "a parameter's prior is its uncertainty, e.g. uncertainty: { dist: beta, alpha: 2, beta: 5 }";
const BOUNDS_ARE_RANGE = "a parameter's bounds are written range: [min, max]";
const KEY_SYNONYMS = new Map<z.core.$ZodType, Record<string, string>>([
  [
    ParameterSchema,
    {
      min: BOUNDS_ARE_RANGE,
      max: BOUNDS_ARE_RANGE,
      bounds: BOUNDS_ARE_RANGE,
      prior: PRIOR_IS_UNCERTAINTY,
      distribution: PRIOR_IS_UNCERTAINTY,
      dist: PRIOR_IS_UNCERTAINTY,
      value: 'did you mean "default"? (the value used unless overridden)',
      source: 'did you mean "sources"? (a list)',
    },
  ],
  [SourceObjectSchema, { link: 'did you mean "url"?', href: 'did you mean "url"?', name: 'did you mean "title"?' }],
]);

/**
 * The hint for an unknown key: a likely typo, the allowed keys, or, when the key looks like a piece
 * of text (spaces, brackets, quotes, a leading digit), that YAML split a flow mapping at a comma.
 * `mapping` is the mapping that holds the key, when known.
 */
function knownKeysHint(key: string, path: (string | number)[], mapping: unknown, root: z.core.$ZodType): string {
  const keys = keysAt(root, path, mapping);
  const value = isRecord(mapping) && Object.hasOwn(mapping, key) ? mapping[key] : null;
  // A piece split off at a comma is a key without a value; a key with a value and a space is something else.
  if (/[()[\]{}"']/.test(key) || /^\s*\d/.test(key) || (/\s/.test(key.trim()) && value === null)) {
    const whole = isRecord(mapping) ? splitText(mapping, key, keys ?? []) : undefined;
    return `YAML split the text at a comma inside { … }, and "${key}" became a key: put quotes around the whole text${
      whole === undefined ? '' : `, e.g. ${whole[0]}: '${whole[1].replaceAll("'", "''")}'`
    }`;
  }
  if (!keys) return 'remove it';
  const synonym = mappingSchemasAt(root, path, mapping)
    .map((o) => KEY_SYNONYMS.get(o)?.[key.toLowerCase()])
    .find((h) => h !== undefined);
  if (synonym !== undefined) return synonym;
  const others = keys.filter((k) => k !== key);
  const lower = key.toLowerCase();
  const close = nearest(key, others) ?? (lower.length >= 3 ? others.find((k) => k.toLowerCase().startsWith(lower.slice(0, 3))) : undefined);
  return close ? `did you mean "${close}"?` : `allowed keys: ${others.join(', ')}`;
}

/**
 * Puts back together text that YAML split at commas: the allowed key before `key` whose value is
 * text or a number, then the value-less unknown keys that follow it. Returns [that key, the text].
 */
function splitText(mapping: Record<string, unknown>, key: string, allowed: readonly string[]): [string, string] | undefined {
  const names = Object.keys(mapping);
  const piece = (i: number) => {
    const k = names[i];
    return k !== undefined && mapping[k] === null && !allowed.includes(k);
  };
  const at = names.indexOf(key);
  let start = at - 1;
  while (start >= 0 && piece(start)) start--;
  const headKey = names[start];
  const head = headKey === undefined ? undefined : mapping[headKey];
  if (headKey === undefined || (typeof head !== 'string' && typeof head !== 'number')) return undefined;
  let end = at + 1;
  while (end < names.length && piece(end)) end++;
  return [headKey, [String(head), ...names.slice(start + 1, end)].join(', ')];
}

/** A plain mapping: an object that is neither null nor an array. */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
