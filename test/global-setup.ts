/** Builds the CLI bundle once before any test spawns `georisk`, so parallel test files never race to build it. */
// @ts-expect-error: a plain ES module without type declarations
import { buildCli } from '../apps/cli/build.mjs';

export default async function setup(): Promise<void> {
  await buildCli();
}
