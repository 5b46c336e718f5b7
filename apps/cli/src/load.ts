/** Reading scenario files from disk, with modules resolved relative to the including file. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { GeoriskError, issue, type LoadedScenario, loadScenarioText, type ModuleResolver } from '@georisk/engine';

/** Finds a module file relative to the file that includes it (adding .yaml when left out). */
export const resolveModuleFile: ModuleResolver = (ref, from) => {
  const base = from === undefined ? process.cwd() : dirname(resolve(from));
  for (const candidate of [ref, `${ref}.yaml`, `${ref}.yml`]) {
    const path = resolve(base, candidate);
    if (existsSync(path) && statSync(path).isFile()) return { text: readFileSync(path, 'utf8'), file: path };
  }
  return undefined;
};

/** Reads and checks a scenario file; throws `GeoriskError` for a missing file too. */
export function loadScenarioFile(file: string): LoadedScenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(code ?? error);
    throw new GeoriskError([{ ...issue('module_not_found', '', `cannot read "${file}": ${why}`, 'check the path'), file }]);
  }
  return loadScenarioText(text, { file, resolveModule: resolveModuleFile });
}
