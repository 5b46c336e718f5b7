/** The module resolver of the server: `include` may read only .yaml/.yml files inside one folder. */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, posix, relative, resolve, sep } from 'node:path';
import type { ModuleResolver } from '@georisk/engine';

/** A path inside `root` as the API shows it: relative to the scenarios folder, with forward slashes. */
export function shownPath(root: string, path: string): string {
  return relative(root, path).split(sep).join(posix.sep);
}

/**
 * Resolves `include` references inside `root` only: a path that leaves it (`../`, absolute paths,
 * symbolic links pointing out) is not found, and only .yaml/.yml files are read. Module files are
 * named relative to `root` (`modules/ceasefire.yaml`), so no error message discloses where the
 * server's folders are; `from` may be such a relative name or an absolute path.
 *
 * A document sent to the server (no `from`) is read as if it lived in scenarios/ itself for `modules/…`
 * and one folder below for `../modules/…`, so a document written in scenarios/teaching/ (whose
 * includes start with `../`) saves and runs as it does from its file. A `../` path from the root could
 * only leave the folder, so this turns a refusal into the one reading that stays inside.
 */
export function confinedResolver(root: string): ModuleResolver {
  const realRoot = realpathSync(root);
  return (ref, from) => {
    const base = from === undefined ? (ref.startsWith('../') ? resolve(realRoot, 'document') : realRoot) : dirname(resolve(realRoot, from));
    for (const candidate of [ref, `${ref}.yaml`, `${ref}.yml`]) {
      if (!/\.ya?ml$/.test(candidate)) continue;
      const path = resolve(base, candidate);
      if (!existsSync(path)) continue;
      try {
        const real = realpathSync(path);
        if (real !== realRoot && !real.startsWith(realRoot + sep)) return undefined;
        if (!statSync(real).isFile()) continue;
        return { text: readFileSync(real, 'utf8'), file: shownPath(realRoot, real) };
      } catch {}
    }
    return undefined;
  };
}
