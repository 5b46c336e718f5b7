/**
 * The georisk API as a fastify instance, with no `listen`, so tests drive it with `inject()` and
 * server.ts only adds the socket. This file only wires: it opens the store, the worker pool and the
 * job runner, and registers the plugins (plugins/) and the routes (routes/), one file per concern.
 *
 * @example
 * const app = await buildApp({ dataDir: '.georisk-data' });
 * const res = await app.inject({ method: 'GET', url: '/api/health' });
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import helmet from '@fastify/helmet';
import { DEFAULT_MAX_RESULT_VALUES } from '@georisk/engine';
import { connectQueue, type QueueConnection } from '@georisk/queue';
import Fastify, { type FastifyInstance } from 'fastify';
import { DataFolderError, DataLock } from './data-lock.ts';
import { DocumentChecker, type DocumentCheckOptions } from './document-checker.ts';
import { JobPlanner } from './job-planner.ts';
import { JobRunner } from './jobs.ts';
import { confinedResolver, defaultScenariosDir, defaultWebDir, loadLibrary } from './library.ts';
import { registerOpenApi } from './openapi.ts';
import { bodyTimeoutPlugin, DEFAULT_BODY_IDLE_MS } from './plugins/body-timeout.ts';
import { errorsPlugin, fastifyErrorOptions } from './plugins/errors.ts';
import { jsonBodyPlugin } from './plugins/json-body.ts';
import { DEFAULT_BODY_LIMIT, JobsPerClient, type LimitsOptions, limitsPlugin, simulationRouteConfig } from './plugins/limits.ts';
import { yamlBodyPlugin } from './plugins/yaml-body.ts';
import { DEFAULT_JOB_DEADLINE_MS, type PoolOptions, SimulationPool } from './pool.ts';
import { DEFAULT_QUOTAS, type QuotaOptions, StorageQuotas } from './quotas.ts';
import { resumeUnfinishedJobs } from './resume-jobs.ts';
import { exactRoutes } from './routes/exact.ts';
import { type ClassroomOptions, exerciseRoutes } from './routes/exercises/index.ts';
import { healthRoutes } from './routes/health.ts';
import { jobRoutes } from './routes/jobs.ts';
import { researchNotesRoutes } from './routes/research-notes.ts';
import { runRoutes } from './routes/runs.ts';
import { scenarioRoutes } from './routes/scenarios.ts';
import { updateRoutes } from './routes/update.ts';
import { webAppRoutes } from './routes/web-app.ts';
import { ScenarioCatalog } from './scenario-catalog.ts';
import { MAX_ID_CHARS } from './schemas.ts';
import { DATABASE_FILE, Store } from './store.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The data folder's lock; server.ts records the port in it once listening. */
    dataLock: DataLock;
  }
}

export { DEFAULT_BODY_LIMIT } from './plugins/limits.ts';

export interface AppOptions {
  /** Folder of the SQLite store (created if missing). */
  dataDir: string;
  /** The scenario library and the only place `include` may read from (default: the repository's scenarios/). */
  scenariosDir?: string;
  pool?: PoolOptions;
  /** The threads that check request documents off the event loop: count, queue and time limit per document. */
  documents?: DocumentCheckOptions;
  /** Ceiling on trials × steps for one request (the CLI's default is 1e10). */
  trialStepBudget?: number;
  /** Ceiling on points × trials × steps for one sweep job. */
  sweepBudget?: number;
  /** Per-address quotas on stored scenarios, runs and bytes (defaults in DEFAULT_QUOTAS); false turns them off. */
  quotas?: Partial<QuotaOptions> | false;
  /** Largest stored row in bytes (a run's result, a scenario's text); 413 `row_too_large` beyond (default 64 MiB). */
  maxRowBytes?: number;
  /** Ceiling on the numbers one result holds (states × steps × recorded series, metric summaries); 400 `result_too_large` beyond. */
  maxResultValues?: number;
  /** Largest request body in bytes. */
  bodyLimitBytes?: number;
  /** Requests per IP per window, for all routes and for the simulation routes; false turns limiting off. */
  rateLimit?: LimitsOptions['rateLimit'];
  /** Load shedding: 503 `overloaded` while the event loop lags or the heap is too big; false turns it off. */
  pressure?: LimitsOptions['pressure'];
  /**
   * Jobs one client address may have at once, of every kind (runs, exact analyses, sweeps, sensitivity
   * analyses, classroom reveals); 429 `too_many_jobs` beyond; false turns the cap off.
   */
  jobsPerClient?: number | false;
  /** A sweep or sensitivity job still running this long after it started is stopped, `deadline_exceeded` (default 30 minutes). */
  longJobDeadlineMs?: number;
  logger?: boolean;
  /** Milliseconds without a byte of a request body before it is answered 408 `body_timeout` (default 10 s). */
  bodyIdleMs?: number;
  /**
   * Transport timeouts. `socketMs` (idle socket, default: the job deadline + 30 s) must outlast the job
   * deadline, so a run the budget allows is never cut by the transport; `requestMs` bounds receiving a
   * request's headers and body (default 30 s), not the work on it.
   */
  timeouts?: { socketMs?: number; requestMs?: number };
  /** The built web app served at / (default: apps/web/dist when built); false serves a short index page instead. */
  webDir?: string | false;
  /** The research notes served read-only at /docs/research/NAME.md (default: docs/research beside the scenarios folder). */
  researchDir?: string;
  /** Classroom exercises: class size, submission rate, and a clock for tests. */
  classroom?: ClassroomOptions;
  /**
   * Run sweep and sensitivity jobs on a Redis queue (redis://HOST:PORT/N) served by `georisk worker`s
   * instead of this server's threads; `setting` names where the URL came from in error messages.
   * Building the app fails with a `QueueAddressError` when the URL is wrong or Redis does not answer.
   */
  queue?: { url: string; setting?: string };
}

/** Default ceiling on trials × steps for one API request: a fifth of the CLI's. */
export const API_TRIAL_STEP_BUDGET = 2e9;
/** Default ceiling on points × trials × steps for one sweep job. */
export const API_SWEEP_BUDGET = 2e10;
/** Default deadline of a sweep or sensitivity job. */
export const DEFAULT_LONG_JOB_DEADLINE_MS = 30 * 60_000;

/** Time a socket stays open past the job deadline, for the deadline's own 503 to reach the client. */
const SOCKET_MARGIN_MS = 30_000;

/** The idle-socket timeout: past the job deadline, so the deadline (a clear 503) always fires first. */
export function socketTimeoutMs(options: AppOptions): number {
  const deadline = options.pool?.jobDeadlineMs ?? DEFAULT_JOB_DEADLINE_MS;
  const socket = options.timeouts?.socketMs ?? deadline + SOCKET_MARGIN_MS;
  if (!(socket > deadline)) {
    throw new Error(
      `the socket timeout (${socket} ms) must be longer than the job deadline (${deadline} ms), or the transport would cut runs the budget allows`,
    );
  }
  return socket;
}

/** The fastify instance with its server options, before any plugin. */
function createFastify(options: AppOptions): FastifyInstance {
  return Fastify({
    // Warnings and faults only: a line per request would drown them (the error handler logs faults in full).
    logger: options.logger ? { level: 'warn' } : false,
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    // Without a proxy in front, these guard against slow clients holding sockets open. requestTimeout
    // bounds receiving the request; the idle-socket timeout outlasts the job deadline (see socketTimeoutMs).
    requestTimeout: options.timeouts?.requestMs ?? 30_000,
    connectionTimeout: socketTimeoutMs(options),
    keepAliveTimeout: 10_000,
    // A request id in every 5xx body lets a user report a fault without the server exposing it.
    genReqId: () => randomUUID(),
    // Every id the API reads fits (the router's default, 100, is below a legal scenario id's 200).
    routerOptions: { maxParamLength: MAX_ID_CHARS },
    return503OnClosing: true,
    ...fastifyErrorOptions,
  });
}

/**
 * Takes the data folder's lock, checks the database (`PRAGMA quick_check`) and opens the store; throws
 * `DataFolderError` when another server holds the folder or the database is damaged.
 */
function openStore(app: FastifyInstance, dataDir: string, maxRowBytes?: number): { store: Store; lock: DataLock } {
  mkdirSync(dataDir, { recursive: true });
  const lock = DataLock.acquire(dataDir, (note) => {
    app.log.warn(note);
    process.stderr.write(`georisk server: ${note}\n`);
  });
  try {
    const file = join(dataDir, DATABASE_FILE);
    const found = existsSync(file) ? Store.quickCheck(dataDir) : 'ok';
    if (found !== 'ok') {
      throw new DataFolderError(
        `the database ${file} is damaged (SQLite quick_check: ${found}); restore it from a backup, or move the folder away and start with an empty one`,
      );
    }
    return { store: new Store(dataDir, maxRowBytes === undefined ? {} : { maxRowBytes }), lock };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** Opens the store (marking runs a previous process left unfinished as failed), the pool and the job runner; closing the app closes them. */
function openServices(app: FastifyInstance, options: AppOptions, queue: QueueConnection | undefined) {
  const { store, lock } = openStore(app, options.dataDir, options.maxRowBytes);
  const abandoned = store.abandonUnfinishedRuns({
    code: 'server_restarted',
    message: 'the server stopped before this run finished; run it again',
    path: '',
  });
  if (abandoned > 0) app.log.warn({ abandoned }, 'runs left unfinished by a previous server were marked failed');
  const pool = new SimulationPool({ onWorkerError: (err) => app.log.error({ err }, 'worker thread failed'), ...options.pool });
  const jobsPerClient = new JobsPerClient(options.jobsPerClient ?? 2);
  const jobs = new JobRunner(store, pool, app.log, jobsPerClient, options.longJobDeadlineMs ?? DEFAULT_LONG_JOB_DEADLINE_MS, queue);
  app.addHook('onClose', async () => {
    await pool.close();
    // Jobs stop with the pool and stay "running" in the store, so the next start resumes them.
    await jobs.settled();
    await queue?.close();
    store.close();
    lock.release();
  });
  return { store, pool, jobs, lock, jobsPerClient };
}

/** Builds the app; closing it closes the pool and the store. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const budget = options.trialStepBudget ?? API_TRIAL_STEP_BUDGET;
  socketTimeoutMs(options); // refuses inconsistent timeouts before anything opens
  // Connected first: a queue that cannot work stops the start before anything is opened.
  const queue = options.queue === undefined ? undefined : await connectQueue(options.queue.url, options.queue.setting ?? '--queue');
  const app = createFastify(options);
  const scenariosDir = options.scenariosDir ?? defaultScenariosDir();
  const resolveModule = confinedResolver(scenariosDir);
  const library = loadLibrary(scenariosDir, (file, why) => app.log.warn({ file, why }, 'scenario left out of the library'));
  let services: ReturnType<typeof openServices>;
  try {
    services = openServices(app, options, queue);
  } catch (error) {
    // A folder held by another server or a damaged database: nothing stays open.
    await queue?.close();
    throw error;
  }
  const { store, pool, jobs, lock, jobsPerClient } = services;
  app.decorate('dataLock', lock);
  const documents = new DocumentChecker(scenariosDir, {
    ...options.documents,
    onError: (err: unknown) => app.log.error({ err }, 'a document-checking thread failed'),
  });
  app.addHook('onClose', () => documents.close());
  const maxResultValues = options.maxResultValues ?? DEFAULT_MAX_RESULT_VALUES;
  const scenarios = new ScenarioCatalog(resolveModule, library, store, documents);
  const quotas = new StorageQuotas(store, options.quotas === false ? false : { ...DEFAULT_QUOTAS, ...options.quotas });
  const planner = new JobPlanner(scenarios, budget, options.sweepBudget ?? API_SWEEP_BUDGET, maxResultValues);

  await app.register(errorsPlugin);
  await app.register(bodyTimeoutPlugin, { idleMs: options.bodyIdleMs ?? DEFAULT_BODY_IDLE_MS });
  // helmet's defaults (script-src 'self', object-src 'none', frame-ancestors 'self'), never 'unsafe-eval'.
  // No upgrade-insecure-requests: a classroom server on a LAN address speaks plain http.
  await app.register(helmet, { contentSecurityPolicy: { useDefaults: true, directives: { upgradeInsecureRequests: null } } });
  await app.register(limitsPlugin, { rateLimit: options.rateLimit, pressure: options.pressure });
  await app.register(yamlBodyPlugin);
  await app.register(jsonBodyPlugin);
  await resumeUnfinishedJobs(store, jobs, planner, app.log);

  const simulationLimit = simulationRouteConfig(options.rateLimit);
  const webDir = options.webDir === undefined ? defaultWebDir() : options.webDir || undefined;
  await app.register(webAppRoutes, { webDir });
  await app.register(healthRoutes, { pool, queue, store });
  await app.register(researchNotesRoutes, { researchDir: options.researchDir ?? join(dirname(scenariosDir), 'docs', 'research') });
  await app.register(scenarioRoutes, { scenarios, store, quotas });
  await app.register(runRoutes, { scenarios, store, pool, budget, maxResultValues, simulationLimit, jobsPerClient, quotas });
  await app.register(exactRoutes, { scenarios, pool, simulationLimit, jobsPerClient, maxResultValues });
  await app.register(updateRoutes, { scenarios, pool, simulationLimit, jobsPerClient, budget, maxResultValues });
  await app.register(jobRoutes, { scenarios, store, jobs, planner, simulationLimit });
  await app.register(exerciseRoutes, {
    db: store.db,
    writes: store,
    pool,
    jobsPerClient,
    scenario: (id) => scenarios.byId(id).loaded,
    prepareScenario: (id) => scenarios.prepare({ scenarioId: id }),
    documents,
    scenariosDir,
    budget,
    options: options.classroom,
  });
  await registerOpenApi(app);
  return app;
}
