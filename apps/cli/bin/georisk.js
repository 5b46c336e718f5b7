#!/usr/bin/env node
// Runs the built CLI when present, else the TypeScript source through tsx.
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

const built = new URL('../dist/main.js', import.meta.url);
if (existsSync(built)) {
  const { main } = await import(built.href);
  process.exitCode = await main(process.argv.slice(2));
} else {
  register();
  const { main } = await import(new URL('../src/main.ts', import.meta.url).href);
  process.exitCode = await main(process.argv.slice(2));
}
