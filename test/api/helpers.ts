/** Builds the API for `inject()` tests: a fresh data folder, one worker thread, no rate limits or load shedding unless asked. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppOptions, buildApp } from '../../apps/api/src/app.ts';

export interface TestApp {
  app: Awaited<ReturnType<typeof buildApp>>;
  dataDir: string;
  close(): Promise<void>;
}

export async function testApp(options: Partial<AppOptions> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'georisk-api-'));
  // Load shedding off unless a test asks: a loaded CI machine must not turn slow tests into 503s.
  let app: TestApp['app'];
  try {
    app = await buildApp({ dataDir, rateLimit: false, pressure: false, pool: { threads: 1 }, ...options });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    app,
    dataDir,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A small valid scenario (30 daily steps) with one parameter. */
export const SMALL_SCENARIO = `id: api-small
title: API test scenario
question: Does the clash become a war within 30 days?
tags: [test]
time: { unit: day, dt: 1, horizon: 30 }
parameters:
  war_rate: { default: 0.01, range: [0, 1], unit: per day }
tracks:
  conflict:
    states: [clash, war, ceasefire]
    initial: clash
    transitions:
      - { from: clash, to: war, rate: war_rate }
      - { from: clash, to: ceasefire, rate: 0.1 }
      - { from: war, to: ceasefire, rate: 0.05 }
metrics:
  war_reached: { expr: 'ever(conflict, "war")' }
  days_to_ceasefire: { expr: 'first(conflict, "ceasefire")', unit: day }
`;
