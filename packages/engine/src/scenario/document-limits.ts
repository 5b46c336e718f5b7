/**
 * Limits a document must keep before the expensive checks run (schema, includes, expressions):
 * name lengths, the number of names and of includes, each found in one linear walk, and the expanded size.
 */
import { type Issue, issue, MAX_EXPANDED_CHARS, MAX_INCLUDES, MAX_NAME_LENGTH, MAX_NAMES, truncate } from '../errors.ts';
import { isRecord } from './zod-issues.ts';

/** Sections whose keys are names. */
const NAMED_SECTIONS = ['parameters', 'variables', 'tracks', 'metrics'] as const;

/** What one load has spent so far, shared by a scenario and every module it includes. */
export interface LoadBudget {
  names: number;
  includes: number;
  /** Characters read so far: the document's and its modules'. */
  chars: number;
}

/** A fresh budget for one load of a document of `chars` characters. */
export function loadBudget(chars = 0): LoadBudget {
  return { names: 0, includes: 0, chars };
}

/**
 * Charges a module's text to `budget`; the issue (at the include's `path`) once the document and its
 * modules together pass MAX_EXPANDED_CHARS, checked before the module is parsed.
 */
export function expandedSizeIssue(text: string, path: string, budget: LoadBudget): Issue | undefined {
  budget.chars += text.length;
  if (budget.chars <= MAX_EXPANDED_CHARS) return undefined;
  return issue(
    'expanded_too_large',
    path,
    `the document and the modules it includes come to ${budget.chars} characters so far; the limit is ${MAX_EXPANDED_CHARS}`,
    'include each module once, and fewer or smaller modules',
  );
}

/**
 * The issues of a document (parsed value) that breaks a limit, charging its names and includes to
 * `budget`; empty when it keeps them all.
 */
export function documentLimitIssues(value: unknown, budget: LoadBudget): Issue[] {
  if (!isRecord(value)) return [];
  const problems: Issue[] = [];
  const checkName = (name: string, path: string) => {
    budget.names += 1;
    if (name.length > MAX_NAME_LENGTH) {
      problems.push(
        issue(
          'name_too_long',
          path,
          `the name "${truncate(name)}" has ${name.length} characters; the limit is ${MAX_NAME_LENGTH}`,
          'use a shorter name',
        ),
      );
    }
  };
  for (const section of NAMED_SECTIONS) {
    const entries = value[section];
    if (!isRecord(entries)) continue;
    for (const [name, entry] of Object.entries(entries)) {
      checkName(name, `${section}.${name.length > MAX_NAME_LENGTH ? truncate(name) : name}`);
      const states = section === 'tracks' && isRecord(entry) ? entry.states : undefined;
      if (Array.isArray(states)) {
        states.forEach((s, i) => {
          if (typeof s === 'string') checkName(s, `tracks.${truncate(name)}.states[${i}]`);
        });
      }
    }
  }
  if (Array.isArray(value.events)) budget.names += value.events.length;
  if (budget.names > MAX_NAMES) {
    problems.push(
      issue(
        'too_many_names',
        '',
        `the document declares ${budget.names} names (parameters, variables, tracks, states, metrics, events), its modules included; the limit is ${MAX_NAMES}`,
        'split it into several scenarios',
      ),
    );
  }
  if (Array.isArray(value.include)) {
    budget.includes += value.include.length;
    if (budget.includes > MAX_INCLUDES) {
      problems.push(
        issue(
          'too_many_includes',
          'include',
          `the document includes ${budget.includes} modules, counting the includes of modules; the limit is ${MAX_INCLUDES}`,
          'include each module once: a module included twice merges the same names again',
        ),
      );
    }
  }
  return problems;
}
