/** The line `georisk run` prints under its header naming the scenario's switches: scenario text says "the switch …" in words, and the CLI says how to flip it. */
import type { Parameter } from '@georisk/engine';

/** Each switch with its value in this run and its label, and the flag that flips it; undefined when the scenario has none. */
export function switchHint(parameters: Record<string, Parameter>, overrides: Record<string, number>): string | undefined {
  const switches = Object.entries(parameters).filter(([, p]) => p.kind === 'switch');
  if (switches.length === 0) return undefined;
  const items = switches.map(([name, p]) => `${name}=${overrides[name] ?? p.default}${p.label ? ` ("${p.label}")` : ''}`);
  return `switches: ${items.join(', ')} · flip one with --set NAME=1 (or 0)`;
}
