/**
 * Successor rows: for each joint state, every combination of the tracks' moves in one step with
 * its probability and the expected variable increments, computed once and cached while nothing
 * they depend on changes.
 */

import * as dm from '../det-math.ts';
import { GeoriskError, issue } from '../errors.ts';
import { type CalendarClock, calendarOf, monthAt } from '../expression/calendar.ts';
import type { CompiledExpression } from '../expression/expression.ts';
import type { CompiledTransition, Model, TrackModel } from '../model/model.ts';
import { MAX_PROBABILITY_SUM, probabilitySumError } from '../model/model-tracks.ts';
import { expectation } from './expectation.ts';
import type { JointState } from './joint-state.ts';
import { RowCache, type Successors } from './row-cache.ts';

/** One way a track can move in a step (undefined: it stays), with its probability. */
type Move = { tr: CompiledTransition | undefined; p: number };

/** The successor rows of one part, plain and with the next step's condition events folded in. */
export class SuccessorRows {
  /** Whether any rate, effect, flow or condition reads the time other than through `month` (then rows are made afresh each step). */
  readonly timeDependent: boolean;
  /** Set when time is read only through `month`: rows are kept while the month of this step and the next stay the same. */
  private readonly monthClock: CalendarClock | undefined;
  private monthKey = Number.NaN;
  /** Rows by joint state, and rows with condition events folded in (see `folded`). */
  readonly plain: RowCache;
  readonly foldedRows: RowCache;
  /** Base run: rows whose increments still owe the variable means their accumulated weight. */
  owed: Successors[] = [];
  /** The variable means of the base run while it propagates. */
  means: Float64Array | undefined;
  /** Bumped when a timed event changes parameters, so the next run starts from clean caches. */
  generation = 0;

  constructor(
    private readonly model: Model,
    private readonly joint: JointState,
    private readonly meanVars: Set<number>,
  ) {
    const { tracks, conditional, size } = joint.space;
    this.plain = new RowCache(size);
    this.foldedRows = new RowCache(size);
    const reads = (test: (e: CompiledExpression) => boolean) => {
      const on = (e: CompiledExpression | undefined) => e !== undefined && test(e);
      return (
        tracks.some((t) => t.outgoing.some((list) => list.some((tr) => on(tr.value) || [...tr.add, ...tr.set].some((a) => on(a.value))))) ||
        model.flows.some((f) => on(f.when) || on(f.amount)) ||
        conditional.some((e) => on(e.when) || [...e.add, ...e.set].some((a) => on(a.value)))
      );
    };
    this.timeDependent = reads((e) => e.reads.rawTime);
    const calendar = calendarOf(model.scenario.start, model.unit);
    this.monthClock = !this.timeDependent && 'clock' in calendar && reads((e) => e.reads.time) ? calendar.clock : undefined;
  }

  /** Before step m: forgets the cached rows when the month of this step or the next differs from the last step's. */
  enterStep(m: number): void {
    const clock = this.monthClock;
    if (clock === undefined) return;
    const key = monthAt(clock, m * this.model.dt) * 16 + monthAt(clock, (m + 1) * this.model.dt);
    if (key === this.monthKey) return;
    this.clear();
    this.monthKey = key;
  }

  /** Condition events that hold now and have not fired: applied in order, as in a trial. Returns the new fired bits. */
  applyConditionEvents(fired: number, increments: Float64Array | undefined, weight: number): number {
    const { s } = this.joint;
    const events = this.joint.space.conditional;
    for (let j = 0; j < events.length; j++) {
      const e = events[j]!;
      if (fired & (1 << j) || !(e.when as CompiledExpression).fn(s)) continue;
      fired |= 1 << j;
      if (increments) {
        for (const a of e.add) if (a.target.kind === 'var') increments[a.target.index]! += weight * expectation(a.value, s);
      }
      for (const f of e.force) s.k[f.track] = f.state;
    }
    return fired;
  }

  /** One step's successors of joint state `index` at time index m: every combination of moves, before events. */
  successors(index: number, m: number): Successors {
    if (!this.timeDependent) {
      const hit = this.plain.get(index);
      if (hit) return hit;
    }
    const { model, joint } = this;
    const s = joint.s;
    const tracks = joint.space.tracks;
    const fired = joint.decode(index);
    s.t = m * model.dt;
    const increments = new Float64Array(model.vars.names.length);
    for (const f of model.flows) {
      if (!this.meanVars.has(f.variable)) continue;
      if (f.when !== undefined && !f.when.fn(s)) continue;
      increments[f.variable]! += expectation(f.amount, s);
    }
    const options = tracks.map((t) => this.moves(t));
    // Transition effects read the state at the start of the step.
    const effectMeans = options.map((list) =>
      list.map((o) =>
        o.tr === undefined
          ? undefined
          : o.tr.add
              .filter((a) => a.target.kind === 'var' && this.meanVars.has(a.target.index))
              .map((a) => [a.target.index, expectation(a.value, s)] as const),
      ),
    );
    const start = Int32Array.from(s.k);
    const to: number[] = [];
    const ps: number[] = [];
    const choice = new Int32Array(tracks.length);
    const visit = (i: number, p: number) => {
      if (i === tracks.length) {
        for (let j = 0; j < tracks.length; j++) {
          const o = options[j]![choice[j]!];
          const track = tracks[j]!.index;
          s.k[track] = o?.tr === undefined ? start[track]! : o.tr.to;
          const effects = effectMeans[j]?.[choice[j]!];
          if (effects) for (const [v, mean] of effects) increments[v]! += p * mean;
        }
        to.push(joint.encode(fired));
        ps.push(p);
        s.k.set(start);
        return;
      }
      const list = options[i]!;
      for (let c = 0; c < list.length; c++) {
        choice[i] = c;
        visit(i + 1, p * list[c]!.p);
      }
    };
    visit(0, 1);
    const result: Successors = { to: Int32Array.from(to), p: Float64Array.from(ps), increments, weight: 0 };
    if (!this.timeDependent) this.plain.set(index, result);
    return result;
  }

  /** One track's move distribution in the decoded state: probabilities first, then competing rates (as in simulate.ts). */
  private moves(t: TrackModel): Move[] {
    const { s } = this.joint;
    const dt = this.model.dt;
    const list = t.outgoing[s.k[t.index]!]!;
    let probability = 0;
    let hazard = 0;
    const values = list.map((tr) => {
      const x = tr.value.fn(s);
      if (tr.kind === 'rate') {
        if (!(x >= 0) || x === Number.POSITIVE_INFINITY) {
          throw new GeoriskError([
            issue('runtime_value', `${tr.path}.rate`, `the rate evaluated to ${x} at t = ${s.t}; rates must be finite and >= 0`),
          ]);
        }
        hazard += x;
      } else {
        if (!(x >= 0 && x <= 1)) {
          throw new GeoriskError([issue('probability_range', `${tr.path}.probability`, `the probability evaluated to ${x} at t = ${s.t}`)]);
        }
        probability += x;
      }
      return x;
    });
    if (probability > MAX_PROBABILITY_SUM) throw probabilitySumError(list[0]?.path ?? '', probability, ` at t = ${s.t}`);
    probability = Math.min(1, probability);
    const rateLeave = hazard > 0 ? -dm.expm1(-hazard * dt) : 0;
    const stay = (1 - probability) * (1 - rateLeave);
    const out: Move[] = [{ tr: undefined, p: stay }];
    list.forEach((tr, j) => {
      const x = values[j]!;
      const p = tr.kind === 'probability' ? x : hazard > 0 ? ((1 - probability) * rateLeave * x) / hazard : 0;
      if (p > 0) out.push({ tr, p });
    });
    return out.filter((o) => o.p > 0);
  }

  /**
   * Successors with the condition events of the next time already applied to each target: valid
   * for steps with no timed event at m + 1 (timed events come first when there are).
   */
  folded(index: number, m: number): Successors {
    if (!this.timeDependent) {
      const hit = this.foldedRows.get(index);
      if (hit) return hit;
    }
    const raw = this.successors(index, m);
    const increments = Float64Array.from(raw.increments);
    const to = new Int32Array(raw.to.length);
    this.joint.s.t = (m + 1) * this.model.dt;
    for (let j = 0; j < raw.to.length; j++) {
      const fired = this.joint.decode(raw.to[j]!);
      to[j] = this.joint.encode(this.applyConditionEvents(fired, increments, raw.p[j]!));
    }
    const folded: Successors = { to, p: raw.p, increments, weight: 0 };
    for (let v = 0; v < increments.length; v++) if (!this.meanVars.has(v)) increments[v] = 0;
    if (!this.timeDependent) this.foldedRows.set(index, folded);
    return folded;
  }

  /** Adds what the rows owe to the variable means (see `Successors.weight`). */
  settle(): void {
    const means = this.means;
    for (const row of this.owed) {
      if (means) for (let v = 0; v < means.length; v++) means[v]! += row.weight * row.increments[v]!;
      row.weight = 0;
    }
    this.owed = [];
  }

  /** Settles what is owed, then forgets every cached row. */
  clear(): void {
    this.settle();
    this.plain.clear();
    this.foldedRows.clear();
  }
}
