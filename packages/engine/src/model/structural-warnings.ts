/** Structural warnings of a built model: states no trial can enter, and states no trial can leave. */
import { type Issue, issue } from '../errors.ts';
import type { EventModel, TrackModel } from './model.ts';

/** Unreachable states and states with no way out, reported as warnings. */
export function structuralWarnings(tracks: TrackModel[], events: EventModel[]): Issue[] {
  const out: Issue[] = [];
  for (const t of tracks) {
    const reach = new Set<number>([t.initial]);
    for (const e of events) for (const f of e.force) if (f.track === t.index) reach.add(f.state);
    const queue = [...reach];
    for (let s = queue.pop(); s !== undefined; s = queue.pop()) {
      for (const tr of t.outgoing[s] ?? []) {
        if (tr.value.constant === 0) continue;
        if (!reach.has(tr.to)) {
          reach.add(tr.to);
          queue.push(tr.to);
        }
      }
    }
    t.states.forEach((name, s) => {
      if (!reach.has(s)) {
        out.push({
          ...issue(
            'unreachable_state',
            `tracks.${t.name}.states`,
            `the state "${name}" of track "${t.name}" can never be entered`,
            'add a transition into it, or remove it',
          ),
          severity: 'warning',
        });
      }
    });
    // A state with no way out is a trap unless it is listed among the last, after every state with
    // a way out: terminal states (a war, a settlement) belong at the end of the list.
    const closed = t.states.map((_, s) => (t.outgoing[s] ?? []).every((tr) => tr.value.constant === 0));
    const lastOpen = closed.lastIndexOf(false);
    t.states.forEach((name, s) => {
      if (reach.has(s) && closed[s] && s < lastOpen) {
        out.push({
          ...issue(
            'absorbing_trap',
            `tracks.${t.name}`,
            `the state "${name}" of track "${t.name}" has no way out, and is listed before "${t.states[lastOpen]}", which has one`,
            'add transitions out of it, or, if it is meant to be final, list it after every state with a way out, with the other final states',
          ),
          severity: 'warning',
        });
      }
    });
  }
  return out;
}
