/** The module resolver of the server: `include` may read only .yaml/.yml files inside one folder. */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import type { ModuleResolver } from '@georisk/engine';

/**
 * Resolves `include` references inside `root` only: a path that leaves it (`../`, absolute paths,
 * symbolic links pointing out) is not found, and only .yaml/.yml files are read.
 */
export function confinedResolver(root: string): ModuleResolver {
  const realRoot = realpathSync(root);
  return (ref, from) => {
    const base = from === undefined ? realRoot : dirname(from);
    for (const candidate of [ref, `${ref}.yaml`, `${ref}.yml`]) {
      if (!/\.ya?ml$/.test(candidate)) continue;
      const path = resolve(base, candidate);
      if (!existsSync(path)) continue;
      const real = realpathSync(path);
      if (real !== realRoot && !real.startsWith(realRoot + sep)) return undefined;
      if (!statSync(real).isFile()) continue;
      return { text: readFileSync(real, 'utf8'), file: real };
    }
    return undefined;
  };
}
