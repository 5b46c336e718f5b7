#!/usr/bin/env node
// The georisk server (`pnpm start`): rebuilds the bundle when any source is newer, then starts it.
import { ensureBuilt, ensureWebBuilt } from '../build.mjs';

await ensureBuilt();
ensureWebBuilt();
const { main } = await import(new URL('../dist/server.js', import.meta.url).href);
const code = await main(process.argv.slice(2));
if (code !== 0) process.exit(code);
