/** What the steps of `buildModel` share: the problems and warnings found so far, and the name table expressions compile against. */
import { GeoriskError, type Issue, issue, suggestion } from '../errors.ts';
import { compileExpression, type ExpressionContext, type NameTable, RESERVED_NAMES } from '../expression/expression.ts';
import type { Expression } from '../scenario-schema.ts';
import type { Assignment } from './model.ts';

/** Where a track's states sit: its index, its states and the slot of its first state. */
export type TrackInfo = { index: number; states: readonly string[]; stateOffset: number };

/** Every problem and warning found while building a model, in the order found. */
export class ModelIssues {
  readonly problems: Issue[] = [];
  readonly warnings: Issue[] = [];
  /** Names declared so far, with the kind that declared them: one namespace for parameters, variables and tracks. */
  private readonly seen = new Map<string, string>();

  /** Runs `fn`, recording the issues of a `GeoriskError` it throws (then undefined). */
  attempt<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      if (error instanceof GeoriskError) {
        this.problems.push(...error.issues);
        return undefined;
      }
      throw error;
    }
  }

  /** Declares a name of a parameter, variable or track: reserved and duplicate names are problems. */
  declare(kind: string, name: string): void {
    if (RESERVED_NAMES.has(name)) {
      this.problems.push(
        issue('invalid_name', `${kind}.${name}`, `"${name}" is reserved by the expression language`, 'choose another name'),
      );
    }
    const prior = this.seen.get(name);
    if (prior !== undefined) {
      this.problems.push(
        issue(
          'duplicate_name',
          `${kind}.${name}`,
          `"${name}" is already declared in ${prior}`,
          'names of parameters, variables and tracks must be distinct',
        ),
      );
    }
    this.seen.set(name, kind);
  }
}

/** Compiles expressions, assignments and state names against the declared names, recording problems. */
export class ModelNames {
  constructor(
    private readonly issues: ModelIssues,
    readonly names: NameTable,
    readonly paramNames: string[],
    readonly varNames: string[],
    readonly trackNames: string[],
  ) {}

  /** The compiled expression, or undefined (with its problems recorded). */
  compile(src: Expression, ctx: ExpressionContext, path: string) {
    return this.issues.attempt(() => compileExpression(src, ctx, this.names, path));
  }

  /** Compiles `set` or `add` assignments to variables (and parameters, where `allowParams`). */
  assignments(a: Record<string, Expression> | undefined, path: string, allowParams: boolean): Assignment[] {
    const { names, varNames, paramNames } = this;
    const out: Assignment[] = [];
    for (const [name, src] of Object.entries(a ?? {})) {
      const v = names.vars.get(name);
      const p = allowParams ? names.params.get(name) : undefined;
      const value = this.compile(src, 'amount', `${path}.${name}`);
      if (v === undefined && p === undefined) {
        const candidates = allowParams ? [...varNames, ...paramNames] : varNames;
        this.issues.problems.push(
          issue(
            'unknown_name',
            `${path}.${name}`,
            `"${name}" is not a ${allowParams ? 'parameter or variable' : 'variable'}`,
            names.params.has(name)
              ? `"${name}" is a parameter: only an event's "set" can change parameters; declare a variable to change here`
              : suggestion(name, candidates, allowParams ? 'parameters and variables' : 'variables', names.suggestions),
          ),
        );
        continue;
      }
      if (value) out.push({ target: v !== undefined ? { kind: 'var', index: v } : { kind: 'param', index: p as number }, value });
    }
    return out;
  }

  /** The index of a state of a track, or undefined (a problem when the track has no such state). */
  stateIndex(track: string, state: string, path: string): number | undefined {
    const info = this.names.tracks.get(track);
    if (!info) return undefined;
    const i = info.states.indexOf(state);
    if (i < 0) {
      this.issues.problems.push(
        issue(
          'unknown_state',
          path,
          `the track "${track}" has no state "${state}"`,
          suggestion(state, info.states, `states of ${track}`, this.names.suggestions),
        ),
      );
      return undefined;
    }
    return i;
  }
}
