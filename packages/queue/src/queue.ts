/**
 * Sweeps on a Redis-backed job queue (BullMQ): the coordinator (`georisk sweep --queue URL`)
 * enqueues each (point, trial block) of a plan as a job, workers anywhere (`georisk worker --queue
 * URL`) run them, and the coordinator merges each point's chunks in order and calls `onPoint` as
 * `runPoints` does. Chunks carry their own seed and trial range and merge exactly, so the rows are
 * byte-identical to a local run. Jobs are keyed by (sweep fingerprint, point, chunk), so enqueuing
 * again (`--resume`) finds finished chunks instead of running them twice. Any points with their own
 * first trial run the same way (`runQueuedPoints`): a two-level run's draws do (uncertainty-on-queue.ts).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  contentHash,
  ENGINE_VERSION,
  GeoriskError,
  type Issue,
  loadScenarioText,
  MAX_SEED,
  mergeSummaries,
  type Overrides,
  pointOverrides,
  type RunSummary,
  type ScenarioDocument,
  type SweepPlan,
} from '@georisk/engine';
import { type Chunk, ModelCache, modelKey, planChunks, runChunkTask, type SweepPointChunkTask } from '@georisk/engine/chunks';
// Types only: bullmq and ioredis are loaded when a queue is first used, so every other command starts without them (about 0.25 s).
import type { Queue } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import { z } from 'zod';
import { QueueAddressError, QueueRunError, redisProblem } from './errors.ts';
import { decodeSummary, encodeSummary, metricsOnlySummary } from './summary-codec.ts';

/** The one queue every coordinator and worker of a Redis database shares (pick another database, /N, to keep groups apart). */
export const QUEUE_NAME = 'georisk-chunks';
/** Redis key prefix of everything georisk stores besides BullMQ's own keys. */
const KEY_PREFIX = 'georisk';
/**
 * Trials per queued chunk. A job costs about 2 ms of Redis round trips, encoding and merging on top
 * of its trials (docs/benchmarks.md, "Sweeps on a queue"); at this size that is 0.3% of a chunk of
 * the 2022 scenario and 1.5% for a tiny model, while a point of many trials still spreads over
 * several machines. Results never depend on it: chunks merge exactly.
 */
export const QUEUE_CHUNK_TRIALS = 16_384;
/** Chunks enqueued ahead of the next point to write: enough to keep many workers busy, few enough that Redis and memory stay small. */
export const QUEUE_WINDOW = 512;
/** Attempts per chunk: a chunk that fails (or whose worker dies) this many times fails the sweep. */
export const QUEUE_ATTEMPTS = 3;
/** Time limit on one chunk: a worker stops a chunk that runs longer and it is tried again. */
export const CHUNK_TIME_LIMIT_MS = 10 * 60_000;
/** Finished chunks and sweep records stay in Redis this long, for `--resume`. */
export const KEEP_SECONDS = 7 * 24 * 3600;
/** A finished sweep's record stays this long, for other coordinators of the same sweep still running. */
export const FINISHED_KEEP_SECONDS = 3600;
/** How long a coordinator or worker waits for Redis to answer before giving up. */
const CONNECT_TIMEOUT_MS = 3000;
/** How often the coordinator looks up its jobs directly (events are the fast path; this catches any it missed). */
const POLL_MS = 2000;
/** Failed-job text that carries scenario issues (a GeoriskError), so the coordinator reports them as a local run would. */
export const ISSUES_MARK = 'georisk-issues ';

/** Where the queue is: a redis:// URL, checked and split into connection options. */
export interface QueueAddress {
  /** The URL as shown in messages (without a password). */
  display: string;
  connection: RedisOptions;
  /** Where the URL came from, as messages name it (`--queue`, `GEORISK_QUEUE`). */
  setting: string;
}

/**
 * Parses `redis://[user:password@]HOST[:PORT][/N]` (or `rediss://` for TLS); a `QueueAddressError`
 * names what is wrong, calling the URL by its `setting` (a flag or an environment variable).
 */
export function parseQueueUrl(text: string, setting = '--queue'): QueueAddress {
  const example = `write it as redis://HOST:PORT/N, e.g. ${setting}${setting.startsWith('-') ? ' ' : '='}redis://127.0.0.1:6379/0`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new QueueAddressError(`${setting} "${text}" is not a URL: ${example}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new QueueAddressError(`${setting} must be a redis:// URL, got "${url.protocol}": ${example}`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === '') throw new QueueAddressError(`${setting} "${text}" names no host: ${example}`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const path = url.pathname.replace(/^\//, '');
  const db = path === '' ? 0 : Number(path);
  if (!/^\d*$/.test(path) || !Number.isInteger(db) || db > 1_000_000) {
    throw new QueueAddressError(`the database in ${setting} "${text}" must be a whole number, as in redis://${url.host}/0`);
  }
  if (url.search !== '' || url.hash !== '')
    throw new QueueAddressError(`${setting} "${text}" has options georisk does not read: ${example}`);
  const connection: RedisOptions = { host, port, db };
  if (url.username !== '') connection.username = decodeURIComponent(url.username);
  if (url.password !== '') connection.password = decodeURIComponent(url.password);
  if (url.protocol === 'rediss:') connection.tls = {};
  return { display: `${url.protocol}//${url.host}/${db}`, connection, setting };
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(what)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** A coordinator's connections give up after about 20 s without Redis (15 tries, 0.2 s apart, growing to 2 s). */
const IMPATIENT = { maxRetriesPerRequest: 15, retryStrategy: (times: number) => Math.min(times * 200, 2000) };

/**
 * Connects to Redis; a usage error within seconds when nothing answers. Once connected, a dropped
 * connection is retried: forever for a worker (`patient`), which waits out a Redis restart, and
 * about half a minute for a coordinator, which then stops with a message saying how to resume.
 */
export async function connectRedis(address: QueueAddress, patient = false): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const redis = new Redis({
    ...address.connection,
    ...(patient ? { maxRetriesPerRequest: null } : IMPATIENT),
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
  });
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => {
    lastError = error;
  });
  try {
    await withTimeout(
      (async () => {
        await redis.connect();
        await redis.ping();
      })(),
      CONNECT_TIMEOUT_MS + 500,
      `no answer within ${(CONNECT_TIMEOUT_MS + 500) / 1000} s`,
    );
  } catch (error) {
    redis.disconnect();
    const why = redisProblem(lastError ?? error);
    throw new QueueAddressError(`cannot reach Redis at ${address.display} (${why}): start redis-server there, or fix ${address.setting}`);
  }
  // ioredis selects the database as it connects and goes on with database 0 when Redis refuses it:
  // another group's queue. Selecting again here makes the refusal an error.
  const db = address.connection.db ?? 0;
  try {
    await redis.select(db);
  } catch (error) {
    redis.disconnect();
    throw new QueueAddressError(
      `Redis at ${address.display} has no database ${db} (${(error as Error).message}): use one it has (0 to 15 unless its "databases" setting says more), or fix ${address.setting}`,
    );
  }
  return redis;
}

/** The Redis key of a sweep's record (its scenario), which workers read once per sweep. */
export function sweepKey(fingerprint: string): string {
  return `${KEY_PREFIX}:sweep:${fingerprint}`;
}

/** What a coordinator stores once per sweep, so jobs stay small. */
export interface SweepRecord {
  scenario: ScenarioDocument;
  scenarioHash: string;
  engine: string;
}

/** One job: a block of trials at one point of a sweep. */
export interface ChunkJob {
  /** The plan's fingerprint (the sweep record's key). */
  sweep: string;
  point: number;
  chunkIndex: number;
  chunk: Chunk;
  overrides: Overrides;
  seed: number;
  /** The coordinator's engine version and behaviour check; a worker whose own differ refuses the job. */
  engine: string;
  engineCheck: string;
  /** `contentHash` of the scenario the coordinator planned; the worker checks the record it reads against it. */
  scenarioHash: string;
  timeLimitMs: number;
  /** Which coordinator run enqueued it: a failure left by an earlier run is tried again, not reported. */
  run: string;
  /** Return the summary without its per-state series (`metricsOnlySummary`): a two-level run's draws read only metrics. */
  metricsOnly?: true;
}

const wholeNumber = (max: number) => z.number().int().min(0).max(max);

/**
 * What a worker accepts as a job: anyone who can write to Redis can put a job there, so a worker
 * checks every field before it runs anything (a chunk of -5 trials, a seed of "abc" or a parameter
 * set to text would otherwise come back "completed" with a summary).
 */
export const ChunkJobSchema = z.object({
  sweep: z.string().regex(/^[0-9a-f]{8,128}$/),
  point: wholeNumber(Number.MAX_SAFE_INTEGER),
  chunkIndex: wholeNumber(Number.MAX_SAFE_INTEGER),
  chunk: z.object({ firstTrial: wholeNumber(Number.MAX_SAFE_INTEGER), trials: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }),
  overrides: z.record(z.string(), z.number().refine(Number.isFinite, 'a finite number')),
  seed: wholeNumber(MAX_SEED),
  engine: z.string(),
  engineCheck: z.string(),
  scenarioHash: z.string(),
  timeLimitMs: z
    .number()
    .positive()
    .max(24 * 3600_000),
  run: z.string(),
  metricsOnly: z.literal(true).optional(),
});

/** The first problem of a job's data as one line (path: message), or undefined when it is a job. */
export function chunkJobProblem(data: unknown): string | undefined {
  const parsed = ChunkJobSchema.safeParse(data);
  if (parsed.success) return undefined;
  const first = parsed.error.issues[0];
  return first === undefined ? 'not a chunk job' : `${first.path.join('.') || 'the job'}: ${first.message}`;
}

/** A finished job's return value. */
export interface ChunkResult {
  /** The chunk's summary (`encodeSummary`). */
  summary: string;
  /** Which worker ran it (host:pid). */
  worker: string;
  /** Milliseconds the chunk took on its worker. */
  ms: number;
}

/** The engine task a job stands for, given the scenario of its sweep's record. */
export function chunkTaskOf(job: ChunkJob, scenario: ScenarioDocument): SweepPointChunkTask {
  return { kind: 'sweep-point', scenario, sweep: job.sweep, point: job.point, overrides: job.overrides, seed: job.seed, chunk: job.chunk };
}

/** A job's id: the same trials of the same point of the same sweep always get the same one. */
export function chunkJobId(fingerprint: string, point: number, chunk: Chunk): string {
  return `${fingerprint}-p${point}-t${chunk.firstTrial}-n${chunk.trials}`;
}

/** This process as a worker name. */
export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}

/** A tiny scenario every engine runs the same way; its summary's hash tells two engine builds apart. */
const CANARY = `id: georisk-canary
time: { unit: day, dt: 1, horizon: 40 }
parameters:
  a: { default: 0.05, range: [0, 0.2], uncertainty: { dist: lognormal, mu: -3, sigma: 0.5 } }
  b: { default: 0.2, range: [0.05, 0.5] }
tracks:
  k:
    states: [x, y, z]
    transitions:
      - { from: x, to: y, rate: a }
      - { from: y, to: z, rate: 'b * (1 + sqrt(t) / 10)' }
      - { from: z, to: x, probability: 0.05 }
variables:
  v: { initial: 0 }
flows:
  - { to: v, amount: 'poisson(3 * dt) + gamma(2, 0.5) * (k == "y" ? 1 : 0)' }
metrics:
  reached: { expr: 'ever(k, "z")' }
  when: { expr: 'first(k, "y")' }
  total: { expr: 'v' }
`;

let canaryHash: string | undefined;

/**
 * A hash of what this engine computes for a fixed small run: equal on two machines when their
 * engines give the same bits (same version is necessary, not always sufficient: a local change
 * to the engine shows here).
 */
export function engineCheck(): string {
  if (canaryHash === undefined) {
    const { scenario } = loadScenarioText(CANARY);
    const chunk = { firstTrial: 0, trials: 300 };
    const outcome = runChunkTask(new ModelCache(), {
      kind: 'run',
      scenario,
      key: modelKey(scenario, {}),
      overrides: {},
      seed: 20220913,
      chunk,
    });
    if (!('summary' in outcome)) throw new GeoriskError(outcome.issues);
    canaryHash = contentHash({ engine: ENGINE_VERSION, summary: encodeSummary(outcome.summary) }).slice(0, 16);
  }
  return canaryHash;
}

/** A coordinator's hold on the queue. */
export interface QueueConnection {
  address: QueueAddress;
  redis: Redis;
  queue: Queue<ChunkJob, ChunkResult>;
  close(): Promise<void>;
}

/** Connects to the queue at `url`; a `QueueAddressError` within seconds when the URL is wrong or Redis does not answer. */
export async function connectQueue(url: string, setting = '--queue'): Promise<QueueConnection> {
  const address = parseQueueUrl(url, setting);
  const redis = await connectRedis(address);
  const { Queue } = await import('bullmq');
  const queue = new Queue<ChunkJob, ChunkResult>(QUEUE_NAME, {
    connection: { ...address.connection, ...IMPATIENT },
    // Completed events carry results (tens of kB each); the coordinator also polls, so a short stream loses nothing.
    streams: { events: { maxLen: 500 } },
  });
  queue.on('error', () => {}); // a dropped connection is retried; failed commands reject where they are awaited
  try {
    await withTimeout(queue.waitUntilReady(), CONNECT_TIMEOUT_MS * 2, 'the queue did not open');
  } catch (error) {
    redis.disconnect();
    await queue.close().catch(() => {});
    throw new QueueAddressError(`cannot open the queue at ${address.display}: ${redisProblem(error)}`);
  }
  return {
    address,
    redis,
    queue,
    async close() {
      await withTimeout(queue.close(), 2000, 'closing').catch(() => {});
      redis.disconnect();
    },
  };
}

/** How a queue sweep is going. */
export interface QueueProgress {
  chunksDone: number;
  chunksTotal: number;
  pointsDone: number;
  pointsTotal: number;
  /** Chunks finished per second since the first one arrived (0 before). */
  chunksPerSecond: number;
  /** Seconds left at the current rate (undefined before any rate is known). */
  etaSeconds: number | undefined;
  /** Distinct workers that have returned a chunk. */
  workersSeen: number;
  /** Seconds since the sweep was enqueued. */
  seconds: number;
}

export interface QueuePointOptions {
  queue: QueueConnection;
  /** First point to run (points before it are done already, e.g. when resuming). */
  start?: number;
  /** Called once per point, in point order, with the point's merged summary. */
  onPoint: (index: number, summary: RunSummary) => void;
  onProgress?: (progress: QueueProgress) => void;
  /** Called once if no chunk has come back after a while (no worker is running, probably). */
  onIdle?: () => void;
  /** For tests: pretend to be another engine version. */
  engineVersion?: string;
  /** For tests: a different scenario hash than the plan's. */
  scenarioHash?: string;
  /** Time limit per chunk (default `CHUNK_TIME_LIMIT_MS`). */
  timeLimitMs?: number;
  /** Stops the sweep (its waiting chunks are removed); `runPointsOnQueue` then throws the signal's reason. */
  signal?: AbortSignal;
  /** What the user can do when Redis goes away mid-sweep, added to that error (the finished chunks stay in Redis). */
  resumeAdvice?: string;
}

interface Slot {
  point: number;
  chunkIndex: number;
}

/** The error a finally-failed job stands for: the scenario's own issues, or a run failure naming the chunk and worker. */
function jobFailure(slot: Slot, chunks: number, reason: string, worker: string | undefined, attempts = 1): Error {
  if (reason.startsWith(ISSUES_MARK)) {
    try {
      return new GeoriskError(JSON.parse(reason.slice(ISSUES_MARK.length)) as Issue[]);
    } catch {
      // fall through: report the text as it is
    }
  }
  const where = `chunk ${slot.chunkIndex + 1}/${chunks} of point ${slot.point}`;
  const tries = attempts > 1 ? ` (${attempts} attempts, the last` : '';
  return new QueueRunError(`${where} failed${tries}${worker ? ` on worker ${worker}` : ''}${tries ? ')' : ''}: ${reason}`);
}

/**
 * What a queue run computes: points of one scenario, each the same number of trials in chunks, with
 * its own overrides and its own first trial (0 for every point of a sweep, which share their trials;
 * draw i × trials per draw for a two-level run, whose draws never share them).
 */
export interface QueuedPoints {
  /** Names the run in Redis (its record and its job ids): equal for the same work only. */
  fingerprint: string;
  scenario: ScenarioDocument;
  seed: number;
  /** How many points there are. */
  count: number;
  /** Trials per point. */
  trials: number;
  overrides(point: number): Overrides;
  firstTrial(point: number): number;
  /** Only the metrics of each point are read: workers return (and the coordinator keeps) `metricsOnlySummary`s. */
  metricsOnly?: boolean;
}

/** The points of a sweep plan as a queue runs them: every point on trials 0 … trials − 1. */
export function sweepPoints(plan: SweepPlan): QueuedPoints {
  return {
    fingerprint: plan.fingerprint,
    scenario: plan.scenario,
    seed: plan.seed,
    count: plan.points.length,
    trials: plan.trials,
    overrides: (point) => pointOverrides(plan, point),
    firstTrial: () => 0,
  };
}

/**
 * Runs the points of a plan on the queue: enqueues (point, chunk) jobs a window ahead, gathers
 * finished chunks, and calls `onPoint` in point order with each point's chunks merged in chunk
 * order, exactly as `runPoints` would. Throws `GeoriskError` for a scenario's issues and `QueueRunError`
 * when a chunk is refused (engine or scenario mismatch) or fails every attempt.
 */
export async function runPointsOnQueue(plan: SweepPlan, options: QueuePointOptions): Promise<void> {
  await runQueuedPoints(sweepPoints(plan), options);
}

/** Runs any `QueuedPoints` on the queue, as `runPointsOnQueue` runs a sweep's. */
export async function runQueuedPoints(plan: QueuedPoints, options: QueuePointOptions): Promise<void> {
  const { queue, redis } = options.queue;
  const start = options.start ?? 0;
  const chunks = planChunks(plan.trials, QUEUE_CHUNK_TRIALS);
  const pointsTotal = plan.count - start;
  const chunksTotal = pointsTotal * chunks.length;
  const engine = options.engineVersion ?? ENGINE_VERSION;
  const run = randomUUID();
  const scenarioHash = contentHash(plan.scenario);
  const record: SweepRecord = { scenario: plan.scenario, scenarioHash, engine };
  await redis.set(sweepKey(plan.fingerprint), JSON.stringify(record), 'EX', KEEP_SECONDS);

  const slots = new Map<string, Slot>(); // enqueued, result not yet in
  const parts = new Map<number, (RunSummary | undefined)[]>();
  const workers = new Set<string>();
  let nextToEnqueue = start;
  let nextToEmit = start;
  let chunksDone = 0;
  let firstResultAt: number | undefined;
  const startedAt = performance.now();
  let failure: Error | undefined;
  // Chunks that failed for good, by job id (their slots stay in `slots`). The failure reported is the
  // earliest in plan order once no earlier chunk is still running, so it never depends on timing.
  const failed = new Map<string, Error>();
  const noteFailure = (id: string, error: Error) => {
    if (!failed.has(id)) failed.set(id, error);
    failure ??= earliestFailure();
    wake();
  };
  const earlier = (a: Slot, b: Slot) => a.point < b.point || (a.point === b.point && a.chunkIndex < b.chunkIndex);
  const earliestFailure = (): Error | undefined => {
    let first: { slot: Slot; error: Error } | undefined;
    for (const [id, error] of failed) {
      const slot = slots.get(id);
      if (slot !== undefined && (first === undefined || earlier(slot, first.slot))) first = { slot, error };
    }
    if (first === undefined) return undefined;
    for (const [id, slot] of slots) if (!failed.has(id) && earlier(slot, first.slot)) return undefined;
    return first.error;
  };
  let wake: () => void = () => {};

  const accept = (id: string, value: ChunkResult | string | undefined) => {
    const slot = slots.get(id);
    if (slot === undefined || value === undefined || value === null) return;
    const result = (typeof value === 'string' ? JSON.parse(value) : value) as ChunkResult;
    let summary: RunSummary;
    try {
      summary = decodeSummary(result.summary);
      const asked = chunks[slot.chunkIndex]?.trials;
      if (summary.trials !== asked) throw new Error(`it returned ${summary.trials} trials for a chunk of ${asked}`);
      // Also when a worker sent the whole summary: every chunk of a point must have the same shape to merge.
      if (plan.metricsOnly === true) summary = metricsOnlySummary(summary);
    } catch (error) {
      noteFailure(id, jobFailure(slot, chunks.length, (error as Error).message, result.worker));
      return;
    }
    slots.delete(id);
    if (failed.size > 0) failure ??= earliestFailure();
    (parts.get(slot.point) as (RunSummary | undefined)[])[slot.chunkIndex] = summary;
    chunksDone++;
    firstResultAt ??= performance.now();
    workers.add(result.worker);
    wake();
  };

  /** Looks a job up: takes its result, notes a final failure, enqueues it again if it vanished. */
  const check = async (id: string) => {
    const slot = slots.get(id);
    if (slot === undefined) return;
    const state = await queue.getJobState(id);
    if (!slots.has(id)) return; // its result came in meanwhile
    if (state === 'completed') {
      const job = await queue.getJob(id);
      accept(id, job?.returnvalue);
    } else if (state === 'failed') {
      const job = await queue.getJob(id);
      if (job !== undefined && job.data.run !== run) {
        // Left by an earlier coordinator of this sweep (it was still running when that one gave up).
        await job.remove().catch(() => {});
        await queue.add('chunk', jobData(slot), jobOptions(id));
        return;
      }
      noteFailure(id, jobFailure(slot, chunks.length, job?.failedReason ?? 'unknown reason', job?.processedBy, job?.attemptsMade));
    } else if (state === 'unknown') {
      await queue.add('chunk', jobData(slot), jobOptions(id));
    }
  };

  /** A point's chunk with its trial numbers in the seed's numbering (as job ids and jobs carry them). */
  const chunkAt = (point: number, index: number): Chunk => {
    const chunk = chunks[index];
    if (chunk === undefined) throw new Error(`internal: chunk ${index} of a plan of ${chunks.length}`);
    return { firstTrial: plan.firstTrial(point) + chunk.firstTrial, trials: chunk.trials };
  };
  const jobData = (slot: Slot): ChunkJob => ({
    sweep: plan.fingerprint,
    point: slot.point,
    chunkIndex: slot.chunkIndex,
    chunk: chunkAt(slot.point, slot.chunkIndex),
    overrides: plan.overrides(slot.point),
    seed: plan.seed,
    engine,
    engineCheck: engineCheck(),
    scenarioHash: options.scenarioHash ?? scenarioHash,
    timeLimitMs: options.timeLimitMs ?? CHUNK_TIME_LIMIT_MS,
    run,
    ...(plan.metricsOnly === true ? { metricsOnly: true as const } : {}),
  });
  const jobOptions = (id: string) => ({
    jobId: id,
    attempts: QUEUE_ATTEMPTS,
    backoff: { type: 'fixed', delay: 500 },
    removeOnComplete: { age: KEEP_SECONDS },
    removeOnFail: { age: KEEP_SECONDS },
  });

  const enqueueMore = async () => {
    const batch: { name: string; data: ChunkJob; opts: ReturnType<typeof jobOptions> }[] = [];
    while (nextToEnqueue < plan.count && slots.size + batch.length + chunks.length <= Math.max(QUEUE_WINDOW, chunks.length)) {
      const point = nextToEnqueue++;
      parts.set(point, new Array(chunks.length).fill(undefined));
      for (let c = 0; c < chunks.length; c++) {
        const id = chunkJobId(plan.fingerprint, point, chunkAt(point, c));
        const slot = { point, chunkIndex: c };
        slots.set(id, slot);
        batch.push({ name: 'chunk', data: jobData(slot), opts: jobOptions(id) });
      }
    }
    // Adding a job whose id exists (a finished chunk, on resume) leaves it as it is.
    if (batch.length > 0) await queue.addBulk(batch);
    return batch.map((b) => b.opts.jobId);
  };

  let outputError: unknown;
  const emitReady = async () => {
    for (;;) {
      const done = parts.get(nextToEmit);
      if (done === undefined || done.some((p) => p === undefined)) return;
      const total = (done as RunSummary[]).reduce((acc, p) => mergeSummaries(acc, p));
      parts.delete(nextToEmit);
      try {
        options.onPoint(nextToEmit, total);
      } catch (error) {
        outputError = error;
        throw error;
      }
      // The row is written: its chunks are no longer needed in Redis.
      const point = nextToEmit;
      await Promise.all(chunks.map((_, c) => queue.remove(chunkJobId(plan.fingerprint, point, chunkAt(point, c))).catch(() => 0)));
      nextToEmit++;
    }
  };

  const report = () => {
    const now = performance.now();
    const rate = firstResultAt !== undefined && now - firstResultAt > 0 ? chunksDone / ((now - startedAt) / 1000) : 0;
    options.onProgress?.({
      chunksDone,
      chunksTotal,
      pointsDone: nextToEmit - start,
      pointsTotal,
      chunksPerSecond: rate,
      etaSeconds: rate > 0 ? (chunksTotal - chunksDone) / rate : undefined,
      workersSeen: workers.size,
      seconds: (now - startedAt) / 1000,
    });
  };

  const { QueueEvents } = await import('bullmq');
  const events = new QueueEvents(QUEUE_NAME, { connection: options.queue.address.connection });
  events.on('error', () => {});
  events.on('completed', ({ jobId, returnvalue }) => accept(jobId, returnvalue as unknown as ChunkResult | string));
  events.on('failed', ({ jobId }) => {
    if (slots.has(jobId)) check(jobId).catch(() => {});
  });
  let idleReported = false;
  const signal = options.signal;
  const onAbort = () => wake();
  signal?.addEventListener('abort', onAbort);
  try {
    signal?.throwIfAborted();
    await events.waitUntilReady();
    await enqueueMore();
    // Chunks finished before this coordinator listened (a resume) are found by looking them up.
    await Promise.all([...slots.keys()].map(check));
    let lastPoll = performance.now();
    let lastReport = 0;
    let lastReportedPoint = nextToEmit;
    while (nextToEmit < plan.count) {
      if (failure !== undefined) throw failure;
      signal?.throwIfAborted();
      await emitReady();
      let now = performance.now();
      // At most every 250 ms, and at once when a point is written, so the chunk count never lags the rows.
      if (now - lastReport >= 250 || nextToEmit !== lastReportedPoint) {
        lastReportedPoint = nextToEmit;
        report();
        lastReport = now;
      }
      if (nextToEmit >= plan.count) break;
      // A chunk that failed waits for the chunks before it (see earliestFailure): nothing new is enqueued meanwhile.
      const added = failed.size > 0 ? [] : await enqueueMore();
      if (added.length > 0) await Promise.all(added.map(check));
      now = performance.now();
      if (!idleReported && chunksDone === 0 && now - startedAt > 10_000) {
        idleReported = true;
        options.onIdle?.();
      }
      if (failure !== undefined) continue;
      if (now - lastPoll >= POLL_MS) {
        lastPoll = now;
        await Promise.all([...slots.keys()].map(check));
        await redis.expire(sweepKey(plan.fingerprint), KEEP_SECONDS);
        continue;
      }
      await new Promise<void>((go) => {
        const timer = setTimeout(go, 250);
        wake = () => {
          clearTimeout(timer);
          go();
        };
      });
      wake = () => {};
    }
    report();
    // Not deleted: another coordinator of the same sweep (a second CLI, or the API) may still be
    // waiting on chunks that need the record; each refreshes it while it polls, so it lapses an hour
    // after the last one finishes.
    await redis.expire(sweepKey(plan.fingerprint), FINISHED_KEEP_SECONDS);
  } catch (error) {
    // Waiting chunks of a failed or stopped sweep would only fail again, or run for nobody.
    const stopped = signal?.aborted === true && error === signal.reason;
    if (failure !== undefined || stopped) await Promise.all([...slots.keys()].map((id) => queue.remove(id).catch(() => 0)));
    if (error === outputError || error === failure || stopped) throw error;
    // Anything else came from Redis: the finished chunks stay there for a resume.
    throw new QueueRunError(
      `lost the queue at ${options.queue.address.display} (${redisProblem(error)}); finished chunks stay in Redis${options.resumeAdvice ? `: ${options.resumeAdvice}` : ''}`,
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await withTimeout(events.close(), 2000, 'closing').catch(() => {});
  }
}
