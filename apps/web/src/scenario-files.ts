/**
 * The scenario library bundled at build time: every YAML file under scenarios/ (modules too, so
 * `include` resolves in the browser). Only the engine worker imports this module.
 */
const raw = import.meta.glob('../../../scenarios/**/*.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/** File path relative to the repository root ("scenarios/…") → text. */
export const SCENARIO_FILES: Record<string, string> = Object.fromEntries(
  Object.entries(raw).map(([key, text]) => [key.replace(/^(\.\.\/)+/, ''), text]),
);
