/**
 * The georisk API as a fastify instance: plugins, routes and error mapping, with no `listen`, so
 * tests drive it with `inject()` and server.ts only adds the socket.
 *
 * @example
 * const app = await buildApp({ dataDir: '.georisk-data' });
 * const res = await app.inject({ method: 'GET', url: '/api/health' });
 */
import { randomUUID } from 'node:crypto';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import underPressure from '@fastify/under-pressure';
import {
  analyseSensitivity,
  buildModel,
  checkRunOptions,
  ENGINE_VERSION,
  finalizeResult,
  GeoriskError,
  type Issue,
  type LoadedScenario,
  loadScenarioText,
  type Model,
  type Overrides,
  planChunks,
  planSensitivity,
  planSweep,
  pointMeans,
  type QuantileName,
  type SensitivityPlan,
  type SweepPlan,
  scenarioHash,
} from '@georisk/engine';
import { connectQueue } from '@georisk/queue';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { z } from 'zod';
import { type ClassroomOptions, registerClassroom } from './classroom.ts';
import { ApiError, errorReply, sendError } from './errors.ts';
import { JobRunner, type JobWork, sweepWork } from './jobs.ts';
import { confinedResolver, defaultScenariosDir, defaultWebDir, type LibraryEntry, loadLibrary, type ScenarioSummary } from './library.ts';
import { registerOpenApi } from './openapi.ts';
import { type PoolOptions, SimulationPool } from './pool.ts';
import {
  DocumentRequestSchema,
  ExactRequestSchema,
  IdParamsSchema,
  RunListQuerySchema,
  RunRequestSchema,
  type SensitivityRequest,
  SensitivityRequestSchema,
  type SweepRequest,
  SweepRequestSchema,
} from './schemas.ts';
import { Store } from './store.ts';

export interface AppOptions {
  /** Folder of the SQLite store (created if missing). */
  dataDir: string;
  /** The scenario library and the only place `include` may read from (default: the repository's scenarios/). */
  scenariosDir?: string;
  pool?: PoolOptions;
  /** Ceiling on trials × steps for one request (the CLI's default is 1e10). */
  trialStepBudget?: number;
  /** Ceiling on points × trials × steps for one sweep job. */
  sweepBudget?: number;
  /** Largest request body in bytes. */
  bodyLimitBytes?: number;
  /** Requests per IP per window, for all routes and for the simulation routes; false turns limiting off. */
  rateLimit?: { max: number; simulationMax: number; timeWindowMs: number } | false;
  /** Load shedding: 503 `overloaded` while the event loop lags or the heap is too big; false turns it off. */
  pressure?: { maxEventLoopDelayMs: number; maxHeapUsedBytes: number; sampleIntervalMs?: number } | false;
  /** Simulation jobs one client address may have admitted at once (429 beyond); false turns the cap off. */
  jobsPerClient?: number | false;
  logger?: boolean;
  /** The built web app served at / (default: apps/web/dist when built); false serves a short index page instead. */
  webDir?: string | false;
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
/** Default body limit: a scenario document of MAX_DOCUMENT_CHARS plus its JSON envelope. */
export const DEFAULT_BODY_LIMIT = 256 * 1024;

/** Issue codes about the request rather than a place in the document. */
const REQUEST_CODES = new Set<Issue['code']>(['bad_override', 'bad_run_options', 'budget_exceeded']);

const INDEX_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>georisk</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1d2430}code{background:#eef1f5;padding:0 .2rem}</style>
</head>
<body>
<h1>georisk</h1>
<p>Probabilistic escalation scenarios: seeded Monte Carlo and exact analysis, reproducible bit for bit.</p>
<p>The web app is not built here (build it with <code>pnpm --filter @georisk/web build</code>, or start with <code>pnpm start</code>, which builds it). The REST API:</p>
<ul>
<li><a href="/api/docs">API documentation</a> (<a href="/api/openapi.json">OpenAPI document</a>)</li>
<li><a href="/api/scenarios">the scenario library</a></li>
<li><a href="/api/health">health</a></li>
</ul>
</body>
</html>
`;

/** Parses a body with a zod schema; failures become 400 `{code, message, path}` in the error handler. */
function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  return schema.parse(body ?? {});
}

/** Adds line and column to issues about the document; request issues have no place in it. */
function locate(loaded: LoadedScenario, error: unknown): unknown {
  if (!(error instanceof GeoriskError)) return error;
  return new GeoriskError(error.issues.map((i) => (REQUEST_CODES.has(i.code) ? i : (loaded.locate([i])[0] ?? i))));
}

/**
 * A signal that fires when the client goes away before the answer is sent. (Fastify's
 * `request.signal` listens for the request's 'close', which Node emits as soon as a body has been
 * read, so it would cancel every POST; the response's 'close' before its end is the real sign.)
 */
function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableEnded) controller.abort(new Error('client closed the connection'));
  });
  return controller.signal;
}

/** Builds the app; closing it closes the pool and the store. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const budget = options.trialStepBudget ?? API_TRIAL_STEP_BUDGET;
  const sweepBudget = options.sweepBudget ?? API_SWEEP_BUDGET;
  // Connected first: a queue that cannot work stops the start before anything is opened.
  const queue = options.queue === undefined ? undefined : await connectQueue(options.queue.url, options.queue.setting ?? '--queue');
  const app = Fastify({
    // Warnings and faults only: a line per request would drown them (the error handler logs faults in full).
    logger: options.logger ? { level: 'warn' } : false,
    bodyLimit,
    // Without a proxy in front, these guard against slow clients holding sockets open.
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    keepAliveTimeout: 10_000,
    // A request id in every 5xx body lets a user report a fault without the server exposing it.
    genReqId: () => randomUUID(),
    return503OnClosing: true,
  });

  const scenariosDir = options.scenariosDir ?? defaultScenariosDir();
  const resolveModule = confinedResolver(scenariosDir);
  const library = loadLibrary(scenariosDir, (file, why) => app.log.warn({ file, why }, 'scenario left out of the library'));
  const store = new Store(options.dataDir);
  const abandoned = store.abandonUnfinishedRuns({
    code: 'server_restarted',
    message: 'the server stopped before this run finished; run it again',
    path: '',
  });
  if (abandoned > 0) app.log.warn({ abandoned }, 'runs left unfinished by a previous server were marked failed');
  const pool = new SimulationPool({ onWorkerError: (err) => app.log.error({ err }, 'worker thread failed'), ...options.pool });
  const jobs = new JobRunner(store, pool, app.log, queue);
  app.addHook('onClose', async () => {
    await pool.close();
    // Jobs stop with the pool and stay "running" in the store, so the next start resumes them.
    await jobs.settled();
    await queue?.close();
    store.close();
  });
  /** A job's progress: points done of all, and on the queue its chunks, throughput, ETA and workers seen. */
  const progressOf = (job: { id: string; done: number; total: number }) => {
    const chunks = jobs.chunkProgress(job.id);
    return { done: job.done, total: job.total, ...(chunks === undefined ? {} : { queue: chunks }) };
  };

  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendError(new ApiError(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`), request, reply),
  );

  await app.register(helmet, {
    // helmet's defaults (script-src 'self', object-src 'none', frame-ancestors 'self'), never 'unsafe-eval'.
    // No upgrade-insecure-requests: a classroom server on a LAN address speaks plain http.
    contentSecurityPolicy: { useDefaults: true, directives: { upgradeInsecureRequests: null } },
  });
  if (options.pressure !== false) {
    // Simulations never block the event loop, so lag or a swollen heap here means trouble: shed load early.
    const pressure = options.pressure ?? { maxEventLoopDelayMs: 1000, maxHeapUsedBytes: 2 * 1024 ** 3 };
    await app.register(underPressure, {
      maxEventLoopDelay: pressure.maxEventLoopDelayMs,
      maxHeapUsedBytes: pressure.maxHeapUsedBytes,
      ...(pressure.sampleIntervalMs === undefined ? {} : { sampleInterval: pressure.sampleIntervalMs }),
      pressureHandler: async (_request, _reply, type) => {
        throw new ApiError(503, 'overloaded', `the server is overloaded (${type}); try again shortly`, '', 5);
      },
    });
  }
  if (options.rateLimit !== false) {
    const limits = options.rateLimit ?? { max: 600, simulationMax: 60, timeWindowMs: 60_000 };
    await app.register(rateLimit, {
      max: limits.max,
      timeWindow: limits.timeWindowMs,
      errorResponseBuilder: (_request, context) => new ApiError(429, 'rate_limited', `rate limit exceeded, retry in ${context.after}`),
    });
  }
  // The simulation routes get a tighter limit than reads: each request can cost seconds of CPU.
  const limits = options.rateLimit;
  const simulationLimit: { rateLimit?: { max: number; timeWindow: number } } =
    limits === false ? {} : { rateLimit: { max: limits?.simulationMax ?? 60, timeWindow: limits?.timeWindowMs ?? 60_000 } };

  // Raw YAML (or JSON) documents for the validate and save routes; the body limit applies before parsing.
  app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'], { parseAs: 'string' }, (_r, body, done) =>
    done(null, body),
  );

  /** A document from a JSON `{text}` body or a raw YAML body. */
  const documentText = (body: unknown): string => parseBody(DocumentRequestSchema, typeof body === 'string' ? { text: body } : body).text;

  const loadText = (text: string): LoadedScenario => loadScenarioText(text, { resolveModule });

  /** Checks a document all the way (schema, includes, expressions, references); returns its model. */
  const checkDocument = (text: string): { loaded: LoadedScenario; model: Model } => {
    const loaded = loadText(text);
    try {
      return { loaded, model: buildModel(loaded.scenario) };
    } catch (error) {
      throw locate(loaded, error);
    }
  };

  const userScenarios = new Map<string, LoadedScenario>();
  /** A library or saved scenario by id, or 404. */
  const scenarioById = (id: string): { loaded: LoadedScenario; entry: LibraryEntry | undefined } => {
    const entry = library.get(id);
    if (entry) return { loaded: entry.loaded, entry };
    let loaded = userScenarios.get(id);
    if (!loaded) {
      const stored = store.getScenario(id);
      if (!stored) throw new ApiError(404, 'not_found', `no scenario with id "${id}"`, 'scenarioId');
      loaded = loadText(stored.text);
      userScenarios.set(id, loaded);
    }
    return { loaded, entry: undefined };
  };

  // Rate limits count requests, not CPU: a per-address cap keeps one client from taking every slot of the pool.
  const jobsPerClient = options.jobsPerClient ?? 2;
  const jobsByClient = new Map<string, number>();
  const clientJob = async <T>(ip: string, work: () => Promise<T>): Promise<T> => {
    const running = jobsByClient.get(ip) ?? 0;
    if (jobsPerClient !== false && running >= jobsPerClient) {
      throw new ApiError(
        429,
        'too_many_jobs',
        `this address already has ${running} simulation jobs running; wait for one to finish`,
        '',
        5,
      );
    }
    jobsByClient.set(ip, running + 1);
    try {
      return await work();
    } finally {
      const left = (jobsByClient.get(ip) ?? 1) - 1;
      if (left === 0) jobsByClient.delete(ip);
      else jobsByClient.set(ip, left);
    }
  };

  const source = (body: { scenarioId?: string | undefined; text?: string | undefined }): LoadedScenario =>
    body.scenarioId !== undefined ? scenarioById(body.scenarioId).loaded : loadText(body.text as string);

  /** Plans a sweep from its request (also when resuming one after a restart); checks its cost. */
  const planFor = (body: SweepRequest): SweepPlan => {
    const loaded = source(body);
    let plan: SweepPlan;
    try {
      plan = planSweep(loaded.scenario, {
        design: body.design,
        trials: body.trials,
        seed: body.seed,
        budget,
        ...(body.metrics ? { metrics: body.metrics } : {}),
        ...(body.quantiles ? { quantiles: body.quantiles as QuantileName[] } : {}),
      });
    } catch (error) {
      throw locate(loaded, error);
    }
    return checkCost(plan);
  };

  /** Plans a sensitivity analysis: its points are a sweep; each point keeps its metric means, analysed at the end. */
  const sensitivityWorkFor = (body: SensitivityRequest): JobWork => {
    const loaded = source(body);
    let plan: SensitivityPlan;
    try {
      plan = planSensitivity(loaded.scenario, {
        method: body.method,
        trials: body.trials,
        seed: body.seed,
        resamples: body.resamples,
        budget,
        ...(body.vary ? { vary: body.vary } : {}),
        ...(body.metrics ? { metrics: body.metrics } : {}),
        ...(body.samples !== undefined ? { samples: body.samples } : {}),
        ...(body.percentiles ? { percentiles: body.percentiles } : {}),
      });
    } catch (error) {
      throw locate(loaded, error);
    }
    const sweepPlan = checkCost(plan.sweep);
    return {
      plan: sweepPlan,
      columns: sweepPlan.metrics.map((m) => `${m}.mean`),
      row: (_index, summary) => pointMeans(sweepPlan, summary),
      finish: (rows) =>
        analyseSensitivity(
          plan,
          sweepPlan.points.map((_, i) => (rows.get(i) ?? []).map((x) => x ?? Number.NaN)),
        ),
    };
  };

  /** The job a stored request describes. */
  const workFor = (kind: string, request: unknown): JobWork =>
    kind === 'sensitivity'
      ? sensitivityWorkFor(SensitivityRequestSchema.parse(request))
      : sweepWork(planFor(SweepRequestSchema.parse(request)));

  function checkCost(plan: SweepPlan): SweepPlan {
    const steps = Math.round(plan.scenario.time.horizon / plan.scenario.time.dt);
    const cost = plan.points.length * plan.trials * steps;
    if (cost > sweepBudget) {
      throw new ApiError(
        400,
        'budget_exceeded',
        `${plan.points.length} points × ${plan.trials} trials × ${steps} steps = ${cost.toExponential(2)} trial-steps exceeds the sweep budget of ${sweepBudget.toExponential(2)}`,
        'trials',
      );
    }
    return plan;
  }

  // Jobs a previous process left running: resume them, keeping the rows already stored.
  for (const job of store.unfinishedJobs()) {
    try {
      const work = workFor(job.kind, job.request);
      if (work.plan.fingerprint !== job.fingerprint) throw new Error('the scenario or the engine changed since the job started');
      jobs.resume(job.id, work);
      app.log.warn({ job: job.id, done: job.done, total: job.total }, 'resuming a job left unfinished');
    } catch (error) {
      store.finishJob(job.id, 'failed', {
        code: 'server_restarted',
        message: `the job could not be resumed after a restart (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); start it again`,
        path: '',
      });
    }
  }

  const webDir = options.webDir === undefined ? defaultWebDir() : options.webDir || undefined;
  if (webDir !== undefined) {
    // The web app: static files, hashed assets cached for a year, index.html always revalidated.
    await app.register(fastifyStatic, {
      root: webDir,
      prefix: '/',
      wildcard: false,
      setHeaders: (res, path) => {
        res.header('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
      },
    });
  } else {
    app.get('/', { config: { rateLimit: false } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(INDEX_PAGE));
  }

  app.get('/api/health', { config: { rateLimit: false } }, async () => ({
    status: 'ok',
    engineVersion: ENGINE_VERSION,
    uptimeSeconds: Math.round(process.uptime()),
    pool: { threads: pool.threads, activeJobs: pool.activeJobs, maxJobs: pool.maxJobs, queuedTasks: pool.queuedTasks },
    ...(queue === undefined ? {} : { queue: queue.address.display }),
  }));

  app.get('/api/scenarios', async () => {
    const list: ScenarioSummary[] = [...library.values()].map(({ id, title, question, tags, hash, source }) => ({
      id,
      title,
      question,
      tags,
      hash,
      source,
    }));
    for (const s of store.listScenarios()) {
      list.push({ id: s.id, title: s.title, question: s.question, tags: s.tags, hash: s.hash, source: 'user' });
    }
    return { scenarios: list };
  });

  app.get('/api/scenarios/:id', async (request) => {
    const { id } = parseBody(IdParamsSchema, request.params);
    const entry = library.get(id);
    if (entry) {
      const { loaded, text, ...summary } = entry;
      return { ...summary, text, scenario: loaded.scenario };
    }
    const stored = store.getScenario(id);
    if (!stored) throw new ApiError(404, 'not_found', `no scenario with id "${id}"`, 'id');
    const { loaded } = scenarioById(id);
    return {
      id: stored.id,
      title: stored.title,
      question: stored.question,
      tags: stored.tags,
      hash: stored.hash,
      source: 'user',
      createdAt: stored.createdAt,
      text: stored.text,
      scenario: loaded.scenario,
    };
  });

  app.post('/api/scenarios/validate', async (request) => {
    const text = documentText(request.body);
    try {
      const { loaded, model } = checkDocument(text);
      const s = loaded.scenario;
      return {
        valid: true,
        id: s.id,
        title: s.title ?? null,
        hash: scenarioHash(model),
        steps: model.steps,
        tracks: model.tracks.map((t) => t.name),
        parameters: Object.keys(s.parameters),
        metrics: model.metrics.map((m) => m.name),
        warnings: loaded.locate(model.warnings),
        issues: [],
      };
    } catch (error) {
      if (!(error instanceof GeoriskError)) throw error;
      // An invalid document is this route's normal answer, not a failed request.
      return { valid: false, issues: error.issues, warnings: [] };
    }
  });

  app.post('/api/scenarios', async (request, reply) => {
    const text = documentText(request.body);
    const { loaded, model } = checkDocument(text);
    const s = loaded.scenario;
    const hash = scenarioHash(model);
    const saved = store.saveScenario({
      id: `${s.id}-${hash.slice(0, 12)}`,
      hash,
      documentId: s.id,
      title: s.title ?? null,
      question: s.question?.trim() ?? null,
      tags: s.tags ?? [],
      text,
    });
    return reply
      .code(201)
      .header('location', `/api/scenarios/${saved.id}`)
      .send({ id: saved.id, hash: saved.hash, documentId: saved.documentId, createdAt: saved.createdAt });
  });

  app.post('/api/runs', { config: simulationLimit }, async (request, reply) => {
    const body = parseBody(RunRequestSchema, request.body);
    const loaded = source(body);
    const overrides: Overrides = body.overrides;
    let model: Model;
    try {
      model = buildModel(loaded.scenario, overrides);
      checkRunOptions(model, { trials: body.trials, seed: body.seed, budget });
    } catch (error) {
      throw locate(loaded, error);
    }
    const id = randomUUID();
    const hash = scenarioHash(model);
    store.startRun({ id, scenarioId: body.scenarioId ?? loaded.scenario.id, scenarioHash: hash, request: body });
    const started = performance.now();
    try {
      const signal = clientGone(reply);
      const summary = await clientJob(request.ip, () => pool.runTrials(model, { seed: body.seed, trials: body.trials, overrides }, signal));
      const seconds = (performance.now() - started) / 1000;
      const workers = Math.min(pool.threads, planChunks(body.trials).length);
      const result = finalizeResult(model, summary, { seed: body.seed, overrides, seconds, workers });
      store.finishRun(id, { result });
      return reply.code(201).header('location', `/api/runs/${id}`).send({ id, status: 'done', result });
    } catch (error) {
      const located = locate(loaded, error);
      store.finishRun(id, { error: errorReply(located, request.id).body });
      throw located;
    }
  });

  app.get('/api/runs', async (request) => {
    const { limit } = parseBody(RunListQuerySchema, request.query);
    return { runs: store.recentRuns(limit) };
  });

  app.get('/api/runs/:id', async (request) => {
    const { id } = parseBody(IdParamsSchema, request.params);
    const run = store.getRun(id);
    if (!run) throw new ApiError(404, 'not_found', `no run with id "${id}"`, 'id');
    return run;
  });

  app.post('/api/exact', { config: simulationLimit }, async (request, reply) => {
    const body = parseBody(ExactRequestSchema, request.body);
    const loaded = source(body);
    try {
      // Checked here first, so a bad document or override costs no trip to a worker.
      buildModel(loaded.scenario, body.overrides);
      const signal = clientGone(reply);
      return await clientJob(request.ip, () => pool.exact(loaded.scenario, body.overrides, signal));
    } catch (error) {
      throw locate(loaded, error);
    }
  });

  app.post('/api/sweeps', { config: simulationLimit }, async (request, reply) => {
    const body = parseBody(SweepRequestSchema, request.body);
    const work = sweepWork(planFor(body));
    const id = randomUUID();
    jobs.start(id, 'sweep', body, work);
    return reply
      .code(202)
      .header('location', `/api/jobs/${id}`)
      .send({ id, kind: 'sweep', status: 'running', progress: { done: 0, total: work.plan.points.length }, columns: work.columns });
  });

  app.post('/api/sensitivity', { config: simulationLimit }, async (request, reply) => {
    const body = parseBody(SensitivityRequestSchema, request.body);
    const work = sensitivityWorkFor(body);
    const id = randomUUID();
    jobs.start(id, 'sensitivity', body, work);
    return reply
      .code(202)
      .header('location', `/api/jobs/${id}`)
      .send({ id, kind: 'sensitivity', status: 'running', progress: { done: 0, total: work.plan.points.length }, columns: work.columns });
  });

  app.get('/api/jobs/:id', async (request) => {
    const { id } = parseBody(IdParamsSchema, request.params);
    const job = store.getJob(id);
    if (!job) throw new ApiError(404, 'not_found', `no job with id "${id}"`, 'id');
    // Rows as `georisk sweep --format jsonl` writes them: one object per finished point, in point order.
    const rows = [...store.jobRows(id).entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([, row]) => Object.fromEntries(job.columns.map((c, i) => [c, row[i] ?? null])));
    return {
      id: job.id,
      kind: job.kind,
      status: job.status,
      progress: progressOf(job),
      columns: job.columns,
      rows,
      result: job.result,
      error: job.error,
      request: job.request,
      createdAt: job.createdAt,
      finishedAt: job.finishedAt,
    };
  });

  // Progress as server-sent events: `progress` whenever a point finishes, then `end` with the final status.
  app.get('/api/jobs/:id/events', async (request, reply) => {
    const { id } = parseBody(IdParamsSchema, request.params);
    if (!store.getJob(id)) throw new ApiError(404, 'not_found', `no job with id "${id}"`, 'id');
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    let last = '';
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      clearInterval(timer);
      if (!raw.writableEnded) raw.end();
    };
    const tick = () => {
      try {
        const job = store.db.open ? store.getJob(id) : undefined;
        if (!job) return stop();
        // On the queue, chunks finishing between points are progress too.
        const progress = progressOf(job);
        const mark = `${job.done}/${progress.queue?.chunksDone ?? ''}`;
        if (mark !== last) {
          last = mark;
          raw.write(`event: progress\ndata: ${JSON.stringify({ status: job.status, progress })}\n\n`);
        }
        if (job.status !== 'running') {
          raw.write(`event: end\ndata: ${JSON.stringify({ status: job.status, progress: progressOf(job), error: job.error })}\n\n`);
          stop();
        }
      } catch (err) {
        request.log.error({ err }, 'event stream failed');
        stop();
      }
    };
    raw.on('close', stop);
    tick();
    if (!raw.writableEnded) timer = setInterval(tick, 200);
  });

  app.delete('/api/jobs/:id', async (request) => {
    const { id } = parseBody(IdParamsSchema, request.params);
    const job = store.getJob(id);
    if (!job) throw new ApiError(404, 'not_found', `no job with id "${id}"`, 'id');
    if (job.status === 'running') jobs.cancel(id);
    const after = store.getJob(id) ?? job;
    return { id, status: after.status, progress: { done: after.done, total: after.total } };
  });

  await registerClassroom(app, {
    db: store.db,
    pool,
    scenario: (id) => scenarioById(id).loaded,
    scenariosDir,
    budget,
    options: options.classroom,
  });
  await registerOpenApi(app);
  return app;
}
