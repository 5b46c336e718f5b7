/** Reads a backtest's episode file (YAML or JSON), with every problem located by line and column and given a fix. */
import { z } from 'zod';
import { GeoriskError, type Issue } from '../errors.ts';
import { locateIssues, readDocument } from '../load-document.ts';
import { zodIssues } from '../scenario/scenario.ts';
import type { DocumentKind } from '../scenario/zod-issues.ts';
import { type EpisodeFile, EpisodeFileSchema, episodeFileOf } from './episode-schema.ts';

/** A checked episode file and a way to locate later problems (say, a metric the scenario lacks) in it. */
export interface LoadedEpisodes {
  episodes: EpisodeFile;
  /** Adds the file, line and column to issues whose path points into the episode file. */
  locate(issues: Issue[]): Issue[];
}

/** What messages about a whole episode file call it, and the example they point to. */
const EPISODES_KIND: DocumentKind = {
  name: 'episode file',
  what: 'an episode file',
  keys: 'kind, questions and episodes',
  start: 'write kind: backtest-episodes, then questions: and episodes:; see scenarios/backtest/episodes.yaml',
};

/** Our issues for zod's, keeping the fix a refinement gives in `params.hint`. */
function episodeIssues(error: z.ZodError, input: unknown): Issue[] {
  return error.issues.flatMap((zi) => {
    const hint = zi.code === 'custom' ? (zi.params as { hint?: unknown } | undefined)?.hint : undefined;
    const issues = zodIssues(new z.ZodError([zi]), input, EpisodeFileSchema, EPISODES_KIND);
    return typeof hint === 'string' ? issues.map((i) => (i.hint === undefined ? { ...i, hint } : i)) : issues;
  });
}

/**
 * Reads and checks an episode file; throws `GeoriskError` with every problem found.
 * @example readEpisodes(fs.readFileSync('scenarios/backtest/episodes.yaml', 'utf8'), 'episodes.yaml').episodes.questions
 */
export function readEpisodes(text: string, file?: string): LoadedEpisodes {
  const doc = readDocument(text, file);
  const parsed = EpisodeFileSchema.safeParse(doc.value);
  if (!parsed.success) throw new GeoriskError(locateIssues(doc, episodeIssues(parsed.error, doc.value)));
  return { episodes: episodeFileOf(parsed.data), locate: (issues) => locateIssues(doc, issues) };
}
