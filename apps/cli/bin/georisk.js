#!/usr/bin/env node
// The georisk command. Runs the bundled CLI, rebuilding it first when any source is newer.
import { ensureBuilt } from '../build.mjs';

await ensureBuilt();
const { runAsProgram } = await import(new URL('../dist/main.js', import.meta.url).href);
await runAsProgram(process.argv.slice(2));
