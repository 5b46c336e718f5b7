/**
 * Scenarios saved to the georisk server (`POST /api/scenarios`): listed beside the library and opened
 * by id. The page also runs without a server (a static build); then there are none, and saying so is
 * the only difference.
 */
import { validateDocument } from './engine-client.ts';
import type { LibraryItem } from './protocol.ts';

/** A saved scenario as the server lists it. */
export interface SavedScenario {
  id: string;
  title: string | null;
  question: string | null;
  tags: string[];
  hash: string;
  createdAt: string;
}

/** The saved scenarios, oldest first; none when the page has no server behind it. */
export async function fetchSaved(): Promise<SavedScenario[]> {
  try {
    const res = await fetch('api/scenarios', { cache: 'no-store' });
    if (!res.ok || !(res.headers.get('content-type') ?? '').includes('json')) return [];
    const body = (await res.json()) as { scenarios?: (SavedScenario & { source: string })[] };
    return (body.scenarios ?? []).filter((s) => s.source === 'user');
  } catch {
    return [];
  }
}

/** Why a saved scenario could not be opened, for the page to show. */
export class SavedScenarioError extends Error {}

/** A saved scenario as a library item, checked in the engine worker like an edited one; undefined when there is none. */
export async function openSaved(id: string): Promise<LibraryItem | undefined> {
  let res: Response;
  try {
    res = await fetch(`api/scenarios/${encodeURIComponent(id)}`, { cache: 'no-store' });
  } catch {
    return undefined;
  }
  if (res.status === 404 || !(res.headers.get('content-type') ?? '').includes('json')) return undefined;
  const body = (await res.json()) as { text?: string; createdAt?: string; message?: string };
  if (!res.ok || typeof body.text !== 'string') throw new SavedScenarioError(body.message ?? `the server answered ${res.status}`);
  const checked = await validateDocument(body.text);
  if (!checked.item) {
    const first = checked.issues[0];
    throw new SavedScenarioError(`it no longer validates${first ? `: ${first.message}` : ''}`);
  }
  return {
    ...checked.item,
    id,
    file: `saved on this server${body.createdAt ? ` ${body.createdAt.slice(0, 16).replace('T', ' ')} UTC` : ''}`,
  };
}
