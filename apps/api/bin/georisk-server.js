#!/usr/bin/env node
// The georisk server (`pnpm start`): builds what changed (server and web app) and starts it, as `georisk serve` does.
import { startServer } from '../start.mjs';

const code = await startServer(process.argv.slice(2));
if (code !== 0) process.exit(code);
