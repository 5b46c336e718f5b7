/**
 * The scenario library (the YAML scenarios shipped in scenarios/) and the module resolver that
 * lets documents include modules from that folder, and from nowhere else.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel, type LoadedScenario, loadScenarioText, scenarioHash } from '@georisk/engine';
import { confinedResolver, shownPath } from '@georisk/node';

/** The repository's scenarios/ folder, found from this file (source or bundle). */
export function defaultScenariosDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'scenarios');
    if (existsSync(join(dir, 'pnpm-workspace.yaml')) && existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the scenarios/ folder above the server');
    dir = up;
  }
}

/** The built web app (apps/web/dist), if it has been built. */
export function defaultWebDir(): string | undefined {
  const web = join(dirname(defaultScenariosDir()), 'apps', 'web', 'dist');
  return existsSync(join(web, 'index.html')) ? web : undefined;
}

/** The resolver `include` uses on the server (the library's folder only), shared with the document-checking threads. */
export { confinedResolver };

/** What the library lists for each scenario. */
export interface ScenarioSummary {
  id: string;
  title: string | null;
  question: string | null;
  tags: string[];
  hash: string;
  source: 'library' | 'user';
  /** When a saved scenario was saved (saved ones only). */
  createdAt?: string;
}

export interface LibraryEntry extends ScenarioSummary {
  /** Path relative to the scenarios folder. */
  file: string;
  text: string;
  loaded: LoadedScenario;
}

/** Folders of scenarios/ that hold modules or data rather than scenarios. */
const SKIPPED_FOLDERS = new Set(['modules', 'backtest', 'reference-class', 'observations']);

/** Why a file or folder of the library cannot be read, for the warning that skips it. */
function unreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT'
    ? 'cannot be read: a dangling symbolic link, or removed while loading'
    : code === 'EACCES' || code === 'EPERM'
      ? 'cannot be read: no permission'
      : `cannot be read (${code ?? 'error'})`;
}

/**
 * The YAML files under `dir`, sorted; entries that cannot be read (dangling links, no permission,
 * not a regular file such as a FIFO) are reported through `onSkip` and left out.
 */
function yamlFiles(dir: string, root: string, onSkip: (file: string, why: string) => void): string[] {
  const out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir).sort((a, b) => a.localeCompare(b));
  } catch (error) {
    onSkip(shownPath(root, dir), unreadable(error));
    return out;
  }
  for (const name of entries) {
    const path = join(dir, name);
    let stats: ReturnType<typeof statSync>;
    try {
      stats = lstatSync(path);
      if (stats.isSymbolicLink()) {
        // A link is followed to a file (a dangling one throws ENOENT), never into a folder, which could loop.
        stats = statSync(path);
        if (stats.isDirectory()) continue;
      }
    } catch (error) {
      if (/\.ya?ml$/.test(name)) onSkip(shownPath(root, path), unreadable(error));
      continue;
    }
    if (stats.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(relative(root, path))) out.push(...yamlFiles(path, root, onSkip));
    } else if (/\.ya?ml$/.test(name)) {
      if (stats.isFile()) out.push(path);
      else onSkip(shownPath(root, path), 'not a regular file (a FIFO, socket or device)');
    }
  }
  return out;
}

/** Libraries already loaded in this process, by folder (apps built in one process share them). */
const loadedLibraries = new Map<string, { entries: Map<string, LibraryEntry>; skipped: [string, string][] }>();

/**
 * Loads every scenario under `root` once per process: top-level files first, then sub-folders.
 * Modules and files that do not load are left out and reported through `onSkip`.
 */
export function loadLibrary(root: string, onSkip: (file: string, why: string) => void = () => {}): Map<string, LibraryEntry> {
  const key = realpathSync(root);
  let library = loadedLibraries.get(key);
  if (!library) {
    library = readLibrary(root);
    loadedLibraries.set(key, library);
  }
  for (const [file, why] of library.skipped) onSkip(file, why);
  return library.entries;
}

function readLibrary(root: string): { entries: Map<string, LibraryEntry>; skipped: [string, string][] } {
  const skipped: [string, string][] = [];
  const onSkip = (file: string, why: string) => skipped.push([file, why]);
  const resolveModule = confinedResolver(root);
  const realRoot = realpathSync(root);
  const files = yamlFiles(root, root, onSkip).sort((a, b) => Number(dirname(a) !== root) - Number(dirname(b) !== root));
  const entries = new Map<string, LibraryEntry>();
  for (const path of files) {
    const file = shownPath(root, path);
    let text: string;
    let real: string;
    try {
      text = readFileSync(path, 'utf8');
      real = realpathSync(path);
    } catch (error) {
      onSkip(file, unreadable(error));
      continue;
    }
    if (/^kind:\s*module\s*$/m.test(text)) continue;
    try {
      // Named relative to the folder, as the resolver names modules, so no answer shows the server's paths.
      const loaded = loadScenarioText(text, { file: shownPath(realRoot, real), resolveModule });
      const s = loaded.scenario;
      if (entries.has(s.id)) {
        onSkip(file, `duplicate id "${s.id}"`);
        continue;
      }
      entries.set(s.id, {
        id: s.id,
        title: s.title ?? null,
        question: s.question?.trim() ?? null,
        tags: s.tags ?? [],
        hash: scenarioHash(buildModel(s)),
        source: 'library',
        file,
        text,
        loaded,
      });
    } catch (error) {
      onSkip(file, error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error));
    }
  }
  return { entries, skipped };
}
