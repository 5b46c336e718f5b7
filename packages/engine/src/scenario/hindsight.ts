/**
 * What a scenario about a past episode knew of how it ended, in the words every surface shows beside
 * its results (the CLI's table, the page, the brief): one place, so that they never disagree.
 */
import type { ScenarioDocument } from '../scenario-schema.ts';

export interface HindsightWords {
  kind: 'none' | 'pooled' | 'fitted';
  /** A few words for a badge. */
  badge: string;
  /** The sentence, with the scenario's own note after it. */
  text: string;
}

const WORDS = {
  none: {
    badge: 'forecast from its start',
    lead: 'A forecast from what was knowable at its start',
  },
  pooled: {
    badge: 'not a forecast: uses later data',
    lead: 'Not a forecast from its start: some of its defaults count later episodes, or this one',
  },
  fitted: {
    badge: 'reconstruction, fitted to the outcome',
    lead: 'A reconstruction fitted to the outcome, not a forecast: it shows that the model can reproduce what happened, not that it could have foreseen it',
  },
} as const;

/** The words for `scenario`'s `hindsight`, or undefined where it declares none (a teaching or made-up case). */
export function hindsightWords(scenario: Pick<ScenarioDocument, 'hindsight' | 'start'>): HindsightWords | undefined {
  const h = scenario.hindsight;
  if (h === undefined) return undefined;
  const words = WORDS[h.kind];
  const when = h.kind === 'none' && scenario.start !== undefined ? ` (${scenario.start})` : '';
  const note = h.note?.trim();
  return { kind: h.kind, badge: words.badge, text: `${words.lead}${when}.${note ? ` ${note}` : ''}` };
}
