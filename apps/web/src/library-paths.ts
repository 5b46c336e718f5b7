/** Paths inside the bundled scenario library: which files are scenarios, and how includes resolve. */

/** Folders of scenarios/ that hold modules or data rather than scenarios (as the API's library). */
const SKIPPED_FOLDERS = ['scenarios/modules/', 'scenarios/backtest/', 'scenarios/reference-class/', 'scenarios/observations/'];

/** Scenario files in library order: top-level files first, then sub-folders, each alphabetically. */
export function scenarioPaths(files: Record<string, string>): string[] {
  return Object.keys(files)
    .filter((p) => !SKIPPED_FOLDERS.some((f) => p.startsWith(f)) && !/^kind:\s*module\s*$/m.test(files[p] ?? ''))
    .sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
}

function depth(path: string): number {
  return path.split('/').length;
}

/** Resolves `ref` against the folder of `from`, POSIX style; undefined if it climbs out of the root. */
export function resolvePath(ref: string, from: string | undefined): string | undefined {
  if (ref.startsWith('/')) return undefined;
  const base = from === undefined ? [] : from.split('/').slice(0, -1);
  const out = [...base];
  for (const part of ref.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

/** A module resolver over bundled files: the reference as written, or with .yaml/.yml added. */
export function bundledResolver(files: Record<string, string>) {
  return (ref: string, from: string | undefined): { text: string; file: string } | undefined => {
    // As on the server: a document at the top of scenarios/ reads `../modules/…` from one folder below
    // (it was written in scenarios/teaching/ or saved from there); from the top, `../` could only leave.
    const base = from !== undefined && depth(from) === 2 && ref.startsWith('../') ? 'scenarios/document/x.yaml' : from;
    // Then as the API resolves a document sent as text (at the top of scenarios/): the editor's note
    // says includes resolve against the library, and a draft begun from scenarios/teaching/ could not
    // reach modules/… that the server found.
    const top = ref.startsWith('../') ? 'scenarios/document/x.yaml' : 'scenarios/x.yaml';
    for (const at of base === top ? [base] : [base, top]) {
      for (const candidate of [ref, `${ref}.yaml`, `${ref}.yml`]) {
        const path = resolvePath(candidate, at);
        const text = path !== undefined && Object.hasOwn(files, path) ? files[path] : undefined;
        if (path !== undefined && text !== undefined) return { text, file: path };
      }
    }
    return undefined;
  };
}
