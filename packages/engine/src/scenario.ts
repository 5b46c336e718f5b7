/**
 * From text to a checked scenario: read the document, check its shape with the zod schema, expand
 * included modules, then check every cross-reference and expression by building the model.
 */
import type { z } from 'zod';
import { GeoriskError, type Issue, issue } from './errors.ts';
import { renameSymbols } from './expression.ts';
import { type DocPath, formatPath, type LoadedDocument, locateIssues, readDocument } from './load-document.ts';
import { type ModuleDocument, ModuleSchema, type ScenarioDocument, ScenarioSchema } from './scenario-schema.ts';

/** Finds the text of a module named by an `include`, relative to the file that includes it. */
export type ModuleResolver = (ref: string, from: string | undefined) => { text: string; file: string } | undefined;

export interface LoadOptions {
  /** File name for messages, and the base for module references. */
  file?: string;
  /** How `include` finds modules; without it, a scenario with includes is refused. */
  resolveModule?: ModuleResolver;
}

/** A scenario with its modules expanded, and a way to point issues at source lines. */
export interface LoadedScenario {
  scenario: ScenarioDocument;
  /** Adds file, line and column to issues that carry a path into the expanded scenario. */
  locate(issues: Issue[]): Issue[];
}

/** Turns zod's issues into ours, with a hint for the common mistakes. */
export function zodIssues(error: z.ZodError): Issue[] {
  const out: Issue[] = [];
  for (const zi of error.issues) {
    const path = zi.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (zi.code === 'unrecognized_keys') {
      for (const key of zi.keys) {
        out.push(issue('unknown_key', formatPath([...path, key]), `unknown key "${key}"`, knownKeysHint(key, path)));
      }
      continue;
    }
    if (zi.code === 'invalid_type') {
      const missing = zi.message.includes('received undefined');
      out.push(
        missing
          ? issue(
              'missing_key',
              formatPath(path),
              `"${String(path[path.length - 1] ?? '')}" is required`,
              `add it (expected ${zi.expected})`,
            )
          : issue('invalid_type', formatPath(path), zi.message.replace('Invalid input: ', ''), `write a ${zi.expected} here`),
      );
      continue;
    }
    if (zi.code === 'invalid_union' && zi.errors.length > 0) {
      out.push(
        issue('invalid_type', formatPath(path), 'this value has the wrong type', 'see docs/scenario-language.md for what goes here'),
      );
      continue;
    }
    out.push(issue('invalid_value', formatPath(path), zi.message));
  }
  return out;
}

const KNOWN_KEYS: Record<string, string[]> = {
  root: [
    'id',
    'title',
    'question',
    'description',
    'tags',
    'start',
    'sources',
    'time',
    'include',
    'parameters',
    'tracks',
    'variables',
    'flows',
    'events',
    'metrics',
  ],
  parameters: ['default', 'range', 'unit', 'description', 'sources', 'assumption', 'uncertainty'],
  tracks: ['states', 'initial', 'description', 'transitions'],
  transitions: ['from', 'to', 'rate', 'probability', 'set', 'add', 'description'],
  flows: ['to', 'amount', 'when', 'description'],
  events: ['id', 'at', 'when', 'set', 'add', 'force', 'description'],
  metrics: ['expr', 'unit', 'description'],
  variables: ['initial', 'unit', 'description'],
  time: ['unit', 'dt', 'horizon'],
};

function knownKeysHint(key: string, path: (string | number)[]): string {
  if (/[()"']/.test(key) || /^\s*\d/.test(key)) {
    return 'an expression with a comma inside { … } was split by YAML: put quotes around the whole expression';
  }
  const section = [...path].reverse().find((p) => typeof p === 'string' && p in KNOWN_KEYS && p !== 'root') as string | undefined;
  const keys =
    path.length === 0
      ? KNOWN_KEYS.root
      : section === 'tracks' && path.includes('transitions')
        ? KNOWN_KEYS.transitions
        : section
          ? KNOWN_KEYS[section]
          : undefined;
  if (!keys) return 'remove it';
  const lower = key.toLowerCase();
  const close = keys.find((k) => k.toLowerCase() === lower || k.startsWith(lower.slice(0, 3)));
  return close ? `did you mean "${close}"?` : `allowed keys: ${keys.join(', ')}`;
}

interface Origin {
  doc: LoadedDocument;
  path: DocPath;
}

/**
 * Reads a scenario and expands its modules; throws `GeoriskError` with every problem found.
 * @example loadScenarioText(fs.readFileSync(f, 'utf8'), { file: f, resolveModule })
 */
export function loadScenarioText(text: string, options: LoadOptions = {}): LoadedScenario {
  const doc = readDocument(text, options.file);
  const parsed = ScenarioSchema.safeParse(doc.value);
  if (!parsed.success) {
    const looksLikeModule = isRecord(doc.value) && doc.value.kind === 'module';
    const issues = looksLikeModule
      ? [
          issue(
            'invalid_value',
            'kind',
            'this file is a module, not a scenario',
            'include it from a scenario with include: [{module: FILE}]',
          ),
        ]
      : zodIssues(parsed.error);
    throw new GeoriskError(locateIssues(doc, issues));
  }
  const origins = new Map<string, Origin>();
  const scenario = expandIncludes(parsed.data, doc, options, origins, [options.file ?? '<scenario>']);
  return {
    scenario,
    locate(issues) {
      return issues.map((i) => {
        if (i.line !== undefined) return i;
        // Longest recorded prefix of the issue's path tells which file and path it came from.
        let prefix = i.path;
        for (;;) {
          const origin = origins.get(prefix);
          if (origin) {
            const rest = i.path.slice(prefix.length);
            const full = `${formatPath(origin.path)}${rest}`;
            const [located] = locateIssues(origin.doc, [{ ...i, path: full }]);
            return { ...(located as Issue), path: i.path };
          }
          const cut = Math.max(prefix.lastIndexOf('.'), prefix.lastIndexOf('['));
          if (cut <= 0) break;
          prefix = prefix.slice(0, cut);
        }
        return locateIssues(doc, [i])[0] as Issue;
      });
    },
  };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Renames symbols in an expression; state names (quoted) are untouched. */
function renameExpression(expr: string | number, rename: Record<string, string>): string | number {
  if (typeof expr === 'number' || Object.keys(rename).length === 0) return expr;
  try {
    return renameSymbols(expr, rename);
  } catch {
    return expr; // reported with its position when the model is built
  }
}

function renameAssignments(a: Record<string, string | number> | undefined, rename: Record<string, string>) {
  if (a === undefined) return undefined;
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [rename[k] ?? k, renameExpression(v, rename)]));
}

function expandIncludes(
  base: ScenarioDocument,
  doc: LoadedDocument,
  options: LoadOptions,
  origins: Map<string, Origin>,
  chain: string[],
): ScenarioDocument {
  const out: ScenarioDocument = JSON.parse(JSON.stringify(base));
  if (!base.include || base.include.length === 0) return out;
  const problems: Issue[] = [];
  // Record where the scenario's own list items came from before modules append to them.
  out.flows.forEach((_, i) => origins.set(`flows[${i}]`, { doc, path: ['flows', i] }));
  out.events.forEach((_, i) => origins.set(`events[${i}]`, { doc, path: ['events', i] }));
  for (const [name, track] of Object.entries(out.tracks)) {
    track.transitions.forEach((_, i) => {
      origins.set(`tracks.${name}.transitions[${i}]`, { doc, path: ['tracks', name, 'transitions', i] });
    });
  }
  base.include.forEach((inc, n) => {
    const where = `include[${n}]`;
    const resolved = options.resolveModule?.(inc.module, doc.file);
    if (!resolved) {
      problems.push(
        ...locateIssues(doc, [
          issue(
            'module_not_found',
            `${where}.module`,
            `cannot find the module "${inc.module}"`,
            'give a path relative to this file, e.g. ../modules/ceasefire.yaml',
          ),
        ]),
      );
      return;
    }
    if (chain.includes(resolved.file)) {
      problems.push(
        ...locateIssues(doc, [
          issue('module_cycle', `${where}.module`, `modules include each other: ${[...chain, resolved.file].join(' → ')}`),
        ]),
      );
      return;
    }
    let moduleDoc: LoadedDocument;
    let mod: ModuleDocument;
    try {
      moduleDoc = readDocument(resolved.text, resolved.file);
      const parsed = ModuleSchema.safeParse(moduleDoc.value);
      if (!parsed.success) throw new GeoriskError(locateIssues(moduleDoc, zodIssues(parsed.error)));
      mod = parsed.data;
    } catch (error) {
      if (error instanceof GeoriskError) {
        problems.push(...error.issues);
        return;
      }
      throw error;
    }
    // A module's own includes expand first, relative to the module file.
    const nested = expandIncludes(
      { ...mod, time: out.time, kind: 'scenario' } as ScenarioDocument,
      moduleDoc,
      { ...options, file: resolved.file },
      new Map(),
      [...chain, resolved.file],
    );
    const rename = inc.rename ?? {};
    const r = (name: string) => rename[name] ?? name;
    for (const key of Object.keys(inc.with ?? {})) {
      if (!(key in nested.parameters)) {
        problems.push(
          ...locateIssues(doc, [
            issue(
              'unknown_name',
              `${where}.with.${key}`,
              `the module "${inc.module}" has no parameter "${key}"`,
              `its parameters: ${Object.keys(nested.parameters).join(', ') || 'none'}`,
            ),
          ]),
        );
      }
    }
    for (const [name, p] of Object.entries(nested.parameters)) {
      const target = r(name);
      if (target in out.parameters) continue; // bound to the scenario's own parameter
      const override = inc.with?.[name];
      out.parameters[target] = override === undefined ? p : { ...p, default: override };
      origins.set(`parameters.${target}`, { doc: moduleDoc, path: ['parameters', name] });
    }
    for (const [name, v] of Object.entries(nested.variables)) {
      const target = r(name);
      if (!(target in out.variables)) {
        out.variables[target] = v;
        origins.set(`variables.${target}`, { doc: moduleDoc, path: ['variables', name] });
      }
    }
    for (const [name, t] of Object.entries(nested.tracks)) {
      const target = r(name);
      const existing = out.tracks[target];
      const transitions = t.transitions.map((tr) => ({
        ...tr,
        ...(tr.rate !== undefined ? { rate: renameExpression(tr.rate, rename) } : {}),
        ...(tr.probability !== undefined ? { probability: renameExpression(tr.probability, rename) } : {}),
        ...(tr.set ? { set: renameAssignments(tr.set, rename) } : {}),
        ...(tr.add ? { add: renameAssignments(tr.add, rename) } : {}),
      }));
      if (existing === undefined) {
        out.tracks[target] = { ...t, transitions };
        origins.set(`tracks.${target}`, { doc: moduleDoc, path: ['tracks', name] });
        continue;
      }
      if (t.states && existing.states && t.states.join() !== existing.states.join()) {
        problems.push(
          ...locateIssues(moduleDoc, [
            issue(
              'duplicate_name',
              `tracks.${name}.states`,
              `the track "${target}" already exists with states [${existing.states.join(', ')}]`,
              'leave out "states" to add transitions to the existing track, or rename the track',
            ),
          ]),
        );
        continue;
      }
      transitions.forEach((_, i) => {
        origins.set(`tracks.${target}.transitions[${existing.transitions.length + i}]`, {
          doc: moduleDoc,
          path: ['tracks', name, 'transitions', i],
        });
      });
      existing.transitions.push(...transitions);
    }
    nested.flows.forEach((f, i) => {
      origins.set(`flows[${out.flows.length}]`, { doc: moduleDoc, path: ['flows', i] });
      out.flows.push({
        ...f,
        to: r(f.to),
        amount: renameExpression(f.amount, rename),
        ...(f.when !== undefined ? { when: renameExpression(f.when, rename) } : {}),
      });
    });
    nested.events.forEach((e, i) => {
      origins.set(`events[${out.events.length}]`, { doc: moduleDoc, path: ['events', i] });
      out.events.push({
        ...e,
        ...(e.when !== undefined ? { when: renameExpression(e.when, rename) } : {}),
        ...(e.set ? { set: renameAssignments(e.set, rename) } : {}),
        ...(e.add ? { add: renameAssignments(e.add, rename) } : {}),
        ...(e.force ? { force: Object.fromEntries(Object.entries(e.force).map(([k, v]) => [r(k), v])) } : {}),
      });
    });
    for (const [name, m] of Object.entries(nested.metrics)) {
      const target = r(name);
      if (target in out.metrics) {
        problems.push(
          ...locateIssues(moduleDoc, [
            issue(
              'duplicate_name',
              `metrics.${name}`,
              `the metric "${target}" is already defined`,
              `rename it with rename: {${name}: other_name}`,
            ),
          ]),
        );
        continue;
      }
      out.metrics[target] = { ...m, expr: renameExpression(m.expr, rename) };
      origins.set(`metrics.${target}`, { doc: moduleDoc, path: ['metrics', name] });
    }
  });
  if (problems.length > 0) throw new GeoriskError(problems);
  delete out.include;
  return out;
}
