/**
 * The page's side of the engine workers: one worker for the library and the exact preview, and a
 * pool for Monte Carlo. A run is split into the engine's fixed chunks (planChunks) and handed out by
 * the engine's scheduler (scheduleChunks), the chunks' summaries are merged and finalized in a worker, so the numbers equal `georisk run` for the same
 * scenario, overrides, seed and trials, whatever the number of workers.
 */
import type {
  ExactResult,
  Issue,
  Overrides,
  RunResult,
  RunSummary,
  ScenarioDocument,
  SensitivityResult,
  UncertaintyResult,
  UpdateAnswer,
} from '@georisk/engine';
import type { PairedChunkTask, PairedSide } from '@georisk/engine/chunks';
import { CHUNK_TRIALS, GeoriskError, type Lane, planChunks, scheduleChunks } from '@georisk/engine/chunks/schedule';
// The accumulator alone (no simulator), so the page's main thread does not load the engine.
import { mergePaired, type PairedSummary } from '@georisk/engine/paired/accumulator';
import type { BandRequest, ChunkRequest, LibraryItem, Validation, WebSensitivityMethod, WorkerReply, WorkerRequest } from './protocol.ts';
import type { RoundHistogram } from './round-histogram.ts';

/** An error from the engine, with its issues (path, message, hint). */
export class EngineError extends Error {
  readonly issues: Issue[];
  constructor(message: string, issues: Issue[]) {
    super(message);
    this.name = 'EngineError';
    this.issues = issues;
  }
}

/** Thrown when a run is cancelled. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

type Pending = {
  resolve: (reply: WorkerReply) => void;
  reject: (error: Error) => void;
  onProgress?: (done: number, total?: number) => void;
};

// Strip request ids from the Omit so callers can pass a request without one.
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/** One engine worker with request/reply matching. */
class EngineWorker {
  readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor() {
    this.worker = new Worker(new URL('./engine-worker.ts', import.meta.url), { type: 'module', name: 'georisk-engine' });
    this.worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      const p = this.pending.get(reply.id);
      if (!p) return;
      if (reply.type === 'progress') {
        p.onProgress?.(reply.done, reply.total);
        return;
      }
      this.pending.delete(reply.id);
      if (reply.type === 'error') p.reject(new EngineError(reply.message, reply.issues));
      else p.resolve(reply);
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.failAll(new Error(`engine worker failed: ${event.message}`));
    };
  }

  request(req: DistributiveOmit<WorkerRequest, 'id'>, onProgress?: (done: number, total?: number) => void): Promise<WorkerReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...(onProgress ? { onProgress } : {}) });
      this.worker.postMessage({ ...req, id } as WorkerRequest);
    });
  }

  failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  terminate(error: Error): void {
    this.worker.terminate();
    this.failAll(error);
  }
}

let libraryWorker: EngineWorker | undefined;

/** The worker that loads the library and answers exact previews (started on first use). */
function mainWorker(): EngineWorker {
  libraryWorker ??= new EngineWorker();
  return libraryWorker;
}

/** Loads the bundled scenario library in a worker. */
export async function loadLibrary(): Promise<{ items: LibraryItem[]; skipped: { file: string; why: string }[] }> {
  const reply = await mainWorker().request({ type: 'library' });
  if (reply.type !== 'library') throw new Error(`unexpected reply ${reply.type}`);
  return { items: reply.items, skipped: reply.skipped };
}

/** Validates an edited document in the worker (problems with line and column; the scenario when valid). */
export async function validateDocument(text: string, from?: string): Promise<Validation> {
  const reply = await mainWorker().request({ type: 'validate', text, ...(from === undefined ? {} : { from }) });
  if (reply.type !== 'validate') throw new Error(`unexpected reply ${reply.type}`);
  return reply.validation;
}

/**
 * The exact preview: the latest request wins. While one is being solved, newer requests replace
 * each other, and only the newest is solved next, so a dragged slider never builds a queue.
 */
export class ExactPreview {
  private busy = false;
  private queued: { scenario: ScenarioDocument; overrides: Overrides } | undefined;

  constructor(
    private readonly onResult: (result: ExactResult, ms: number, overrides: Overrides) => void,
    private readonly onError: (error: Error) => void,
  ) {}

  private closed = false;

  request(scenario: ScenarioDocument, overrides: Overrides): void {
    if (this.closed) return;
    this.queued = { scenario, overrides };
    if (!this.busy) void this.pump();
  }

  /** Drops what is waiting and any answer still on its way (the view is gone). */
  close(): void {
    this.closed = true;
    this.queued = undefined;
  }

  private async pump(): Promise<void> {
    this.busy = true;
    while (this.queued) {
      const { scenario, overrides } = this.queued;
      this.queued = undefined;
      const started = performance.now();
      try {
        const reply = await mainWorker().request({ type: 'exact', scenario, overrides });
        if (reply.type === 'exact' && !this.queued && !this.closed) this.onResult(reply.result, performance.now() - started, overrides);
      } catch (error) {
        if (!this.queued && !this.closed) this.onError(error as Error);
      }
    }
    this.busy = false;
  }
}

/** The workers a run uses: every core, at most one per chunk, at most 8. */
export function workerCount(trials: number, cores: number): number {
  return Math.max(1, Math.min(cores, planChunks(trials).length, 8));
}

let pool: EngineWorker[] = [];

function poolOf(size: number): EngineWorker[] {
  while (pool.length < size) pool.push(new EngineWorker());
  return pool.slice(0, size);
}

/** A Monte Carlo run's result; `partialOf` is set when the run was cancelled and holds the trials asked for. */
export type MonteCarloResult = RunResult & { partialOf?: number };

// Each run's round-number histograms, beside the result so that its JSON stays `georisk run`'s.
const roundBins = new WeakMap<RunResult, Record<string, RoundHistogram>>();

/** The histogram of metric `name` at round numbers, when the page ran `result` (else undefined). */
export function roundBinsOf(result: RunResult, name: string): RoundHistogram | undefined {
  return roundBins.get(result)?.[name];
}

/** Keeps a finalize reply's round histograms with its result, and returns the result. */
function withRoundBins(reply: WorkerReply, partialOf?: number): MonteCarloResult {
  if (reply.type !== 'finalize') throw new Error(`unexpected reply ${reply.type}`);
  const result: MonteCarloResult = partialOf === undefined ? reply.result : { ...reply.result, partialOf };
  roundBins.set(result, reply.bins);
  return result;
}

export interface RunHandle {
  result: Promise<MonteCarloResult>;
  /**
   * Stops the run at once (its workers are terminated). The chunks already finished, in chunk order,
   * become a partial result (the first N trials, the same numbers as a run of N trials); with none
   * finished `result` rejects with CancelledError.
   */
  cancel(): void;
}

export interface RunRequest {
  scenario: ScenarioDocument;
  overrides: Overrides;
  seed: number;
  trials: number;
  onProgress?: (done: number, total: number) => void;
  onWarnings?: (warnings: Issue[]) => void;
}

/**
 * A worker as a lane of the engine's scheduler, one chunk at a time. Progress inside a chunk is
 * reported as it comes; a scenario's issues come back as data, so the earliest failing chunk wins.
 */
function workerLane<T, S>(
  w: EngineWorker,
  request: (task: T) => DistributiveOmit<WorkerRequest, 'id'>,
  read: (reply: WorkerReply) => S,
  onProgress: (task: T, trialsDone: number) => void,
  trialsOf: (task: T) => number,
): Lane<T, S> {
  return {
    run: async (task) => {
      try {
        const reply = await w.request(request(task), (done) => onProgress(task, done));
        const summary = read(reply);
        onProgress(task, trialsOf(task));
        return { summary };
      } catch (error) {
        if (error instanceof EngineError && error.issues.length > 0) return { issues: error.issues };
        throw error;
      }
    },
  };
}

/** Reads a chunk reply's summary. */
function chunkSummary(reply: WorkerReply): RunSummary {
  if (reply.type !== 'chunk') throw new Error(`unexpected reply ${reply.type}`);
  return reply.summary;
}

/** The chunks finished so far, merged and finalized in a fresh worker (the run's were terminated), as a partial result. */
async function finalizePartial(
  base: { scenario: ScenarioDocument; overrides: Overrides; seed: number },
  key: string,
  parts: RunSummary[],
  seconds: number,
  workers: number,
  asked: number,
): Promise<MonteCarloResult> {
  const w = new EngineWorker();
  try {
    return withRoundBins(await w.request({ type: 'finalize', ...base, key, parts, seconds, workers }), asked);
  } finally {
    w.worker.terminate();
  }
}

/** Runs Monte Carlo on a pool of workers. */
export function runMonteCarlo(req: RunRequest): RunHandle {
  const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 4;
  const size = workerCount(req.trials, cores);
  const workers = poolOf(size);
  let cancelled = false;
  const cancel = () => {
    if (cancelled) return;
    cancelled = true;
    // Terminating is the only way to stop a chunk mid-flight; the pool starts afresh next time.
    for (const w of workers) w.terminate(new CancelledError());
    pool = pool.filter((w) => !workers.includes(w));
  };
  const started = performance.now();
  const base = { scenario: req.scenario, overrides: req.overrides, seed: req.seed };
  let key: string | undefined;
  const parts: RunSummary[] = [];
  const result = (async () => {
    const [lead] = workers;
    if (lead === undefined) throw new Error('internal: a run has at least one worker');
    const plan = await lead.request({ type: 'plan', ...base, trials: req.trials });
    if (plan.type !== 'plan') throw new Error(`unexpected reply ${plan.type}`);
    key = plan.key;
    if (plan.warnings.length > 0) req.onWarnings?.(plan.warnings);
    const chunks = planChunks(req.trials);
    // Trials done in each chunk so far, by chunk index.
    const doneIn = new Float64Array(chunks.length);
    let done = 0;
    const onProgress = (chunk: ChunkRequest, trialsDone: number) => {
      const index = chunk.firstTrial / CHUNK_TRIALS;
      done += trialsDone - (doneIn[index] ?? 0);
      doneIn[index] = trialsDone;
      req.onProgress?.(done, req.trials);
    };
    try {
      await scheduleChunks({
        count: chunks.length,
        task: (index): ChunkRequest => ({ type: 'chunk', ...base, key: plan.key, ...(chunks[index] ?? { firstTrial: 0, trials: 0 }) }),
        lanes: workers.map((w) =>
          workerLane(
            w,
            (task: ChunkRequest) => task,
            chunkSummary,
            onProgress,
            (task) => task.trials,
          ),
        ),
        signal: {
          get aborted() {
            return cancelled;
          },
        },
        // Summaries arrive in chunk order, so `parts` is always the finished prefix (what a cancel keeps).
        onSummary: (index, summary) => {
          parts[index] = summary;
        },
      });
    } catch (error) {
      throw error instanceof GeoriskError ? new EngineError(error.message, error.issues) : error;
    }
    const seconds = (performance.now() - started) / 1000;
    return withRoundBins(await lead.request({ type: 'finalize', ...base, key: plan.key, parts, seconds, workers: size }));
  })();
  // A cancelled run may reject from inside a worker request: it keeps the finished chunks, or says CancelledError.
  return {
    result: result.catch((error: unknown) => {
      if (!cancelled) throw error;
      const prefix = finishedPrefix(parts);
      if (key === undefined || prefix.length === 0) throw new CancelledError();
      return finalizePartial(base, key, prefix, (performance.now() - started) / 1000, size, req.trials);
    }),
    cancel,
  };
}

/** The summaries of the chunks finished before the first missing one. */
export function finishedPrefix<T>(parts: (T | undefined)[]): T[] {
  const out: T[] = [];
  for (const p of parts) {
    if (p === undefined) break;
    out.push(p);
  }
  return out;
}

/** What a paired comparison asks for: the baseline's and the current inputs, over the same seed and trials. */
export interface PairedRequest {
  baseline: PairedSide;
  current: PairedSide;
  seed: number;
  trials: number;
}

export interface PairedHandle {
  result: Promise<PairedSummary>;
  cancel(): void;
}

/** Runs both sides of a paired comparison over the same trials on workers of its own; per metric, the per-trial differences. */
export function runPaired(req: PairedRequest, onProgress?: (done: number, total: number) => void): PairedHandle {
  const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 4;
  const chunks = planChunks(req.trials);
  const workers = Array.from({ length: workerCount(req.trials, cores) }, () => new EngineWorker());
  let cancelled = false;
  const cancel = () => {
    if (cancelled) return;
    cancelled = true;
    for (const w of workers) w.terminate(new CancelledError());
  };
  const doneIn = new Float64Array(chunks.length);
  let done = 0;
  const progress = (task: PairedChunkTask, trialsDone: number) => {
    const index = task.chunk.firstTrial / CHUNK_TRIALS;
    done += trialsDone - (doneIn[index] ?? 0);
    doneIn[index] = trialsDone;
    onProgress?.(done, req.trials);
  };
  const read = (reply: WorkerReply): PairedSummary => {
    if (reply.type !== 'paired-chunk') throw new Error(`unexpected reply ${reply.type}`);
    return reply.summary;
  };
  const result = (async () => {
    const merged: PairedSummary = { trials: 0, metrics: {} };
    try {
      await scheduleChunks({
        count: chunks.length,
        task: (index): PairedChunkTask => ({
          kind: 'paired',
          baseline: req.baseline,
          current: req.current,
          seed: req.seed,
          chunk: chunks[index] ?? { firstTrial: 0, trials: 0 },
        }),
        lanes: workers.map((w) =>
          workerLane(
            w,
            (task: PairedChunkTask) => ({ type: 'paired-chunk', task }),
            read,
            progress,
            (task) => task.chunk.trials,
          ),
        ),
        signal: {
          get aborted() {
            return cancelled;
          },
        },
        onSummary: (_, summary) => mergePaired(merged, summary),
      });
    } catch (error) {
      throw error instanceof GeoriskError ? new EngineError(error.message, error.issues) : error;
    }
    return merged;
  })();
  return {
    result: result
      .catch((error: unknown) => {
        throw cancelled ? new CancelledError() : error;
      })
      .finally(() => {
        for (const w of workers) w.worker.terminate();
      }),
    cancel,
  };
}

/** What the panel asks a sensitivity analysis for (the scenario at the panel's values). */
export interface SensitivityRequest {
  scenario: ScenarioDocument;
  overrides: Overrides;
  method: WebSensitivityMethod;
  metric: string;
  trials: number;
  samples: number;
  seed: number;
}

/** An analysis's answer: the result, and the exact metric solves it needed (undefined for Monte Carlo). */
export interface SensitivityAnswer {
  result: SensitivityResult;
  solved: number | undefined;
}

export interface SensitivityHandle {
  result: Promise<SensitivityAnswer>;
  cancel(): void;
}

/** Asks `worker` for an analysis and reads its answer. */
async function askSensitivity(
  worker: EngineWorker,
  req: SensitivityRequest,
  onProgress?: (done: number, total: number) => void,
): Promise<SensitivityAnswer> {
  const reply = await worker.request({ type: 'sensitivity', ...req }, onProgress && ((done, total) => onProgress(done, total ?? done)));
  if (reply.type !== 'sensitivity') throw new Error(`unexpected reply ${reply.type}`);
  return { result: reply.result, solved: reply.solved };
}

/** Runs a tornado or Sobol' analysis of one metric in a worker of its own (cancelled by terminating it). */
export function runSensitivity(req: SensitivityRequest, onProgress: (done: number, total: number) => void): SensitivityHandle {
  const worker = new EngineWorker();
  let cancelled = false;
  const result = askSensitivity(worker, req, onProgress)
    .catch((error: unknown) => {
      throw cancelled ? new CancelledError() : error;
    })
    .finally(() => worker.worker.terminate());
  return {
    result,
    cancel: () => {
      cancelled = true;
      worker.terminate(new CancelledError());
    },
  };
}

/**
 * An exact tornado that follows the panel: one worker kept for it (with the answers it keeps between
 * requests), the latest request wins. While one is solved, newer requests replace each other, and only
 * the newest is solved next; an answer overtaken by a newer request is dropped, never shown.
 */
export class LiveSensitivity {
  private worker: EngineWorker | undefined;
  private busy = false;
  private queued: SensitivityRequest | undefined;
  private closed = false;
  /** Set by `drop`: the answer on its way is not to be shown. */
  private dropped = false;
  /** The waiting request is quiet (see `request`). */
  private quiet = false;

  constructor(
    private readonly onAnswer: (answer: SensitivityAnswer, ms: number) => void,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Solves `req` next (replacing what waits); `quiet`: only to start the worker and fill its kept answers, not to show. */
  request(req: SensitivityRequest, quiet = false): void {
    if (this.closed) return;
    this.queued = req;
    this.quiet = quiet;
    if (!this.busy) void this.pump();
  }

  /** Whether a request is being solved or waits. */
  get pending(): boolean {
    return this.busy || this.queued !== undefined;
  }

  /** Drops what waits and any answer on its way (e.g. the panel ran another analysis); the worker stays. */
  drop(): void {
    this.queued = undefined;
    this.dropped = true;
  }

  /** Stops the worker (the view is gone). */
  close(): void {
    this.closed = true;
    this.queued = undefined;
    this.worker?.terminate(new CancelledError());
    this.worker = undefined;
  }

  private async pump(): Promise<void> {
    this.busy = true;
    while (this.queued && !this.closed) {
      const req = this.queued;
      this.queued = undefined;
      this.dropped = this.quiet;
      const started = performance.now();
      this.worker ??= new EngineWorker();
      try {
        const answer = await askSensitivity(this.worker, req);
        if (!this.queued && !this.dropped && !this.closed) this.onAnswer(answer, performance.now() - started);
      } catch (error) {
        if (!this.queued && !this.dropped && !this.closed) this.onError(error as Error);
      }
    }
    this.busy = false;
  }
}

export interface BandHandle {
  result: Promise<UncertaintyResult>;
  cancel(): void;
}

/**
 * A two-level run on every core: a worker plans the draws, the engine's scheduler hands their tasks
 * to the workers, and a worker turns the outcomes into the band as the library does (same numbers).
 */
export function runBand(req: BandRequest, onProgress?: (done: number, total: number) => void): BandHandle {
  const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 4;
  // Workers of its own, ended with the band: cancelling a plain run (which ends the shared pool's workers) leaves it be.
  const workers = Array.from({ length: Math.max(1, Math.min(cores, 8)) }, () => new EngineWorker());
  let cancelled = false;
  const cancel = () => {
    if (cancelled) return;
    cancelled = true;
    for (const w of workers) w.terminate(new CancelledError());
  };
  const result = (async () => {
    const [lead] = workers;
    if (lead === undefined) throw new Error('internal: a band has at least one worker');
    const planned = await lead.request({ type: 'band-plan', ...req });
    if (planned.type !== 'band-plan') throw new Error(`unexpected reply ${planned.type}`);
    const { plan, tasks } = planned;
    const outcomes: (RunSummary | ExactResult)[] = new Array(tasks.length);
    let done = 0;
    const lanes: Lane<number, RunSummary | ExactResult>[] = workers.map((w) => ({
      run: async (index) => {
        const task = tasks[index];
        if (task === undefined) throw new Error('internal: no such band task');
        try {
          const reply = await w.request({ type: 'band-task', task });
          if (reply.type !== 'band-task') throw new Error(`unexpected reply ${reply.type}`);
          onProgress?.(++done, tasks.length);
          return { summary: reply.summary };
        } catch (error) {
          if (error instanceof EngineError && error.issues.length > 0) return { issues: error.issues };
          throw error;
        }
      },
    }));
    try {
      await scheduleChunks({
        count: tasks.length,
        task: (index) => index,
        lanes,
        signal: {
          get aborted() {
            return cancelled;
          },
        },
        onSummary: (index, summary) => {
          outcomes[index] = summary;
        },
      });
    } catch (error) {
      throw error instanceof GeoriskError ? new EngineError(error.message, error.issues) : error;
    }
    const finished = await lead.request({ type: 'band-finish', plan, outcomes });
    if (finished.type !== 'band-finish') throw new Error(`unexpected reply ${finished.type}`);
    return finished.result;
  })();
  return {
    result: result
      .catch((error: unknown) => {
        throw cancelled ? new CancelledError() : error;
      })
      .finally(() => {
        for (const w of workers) w.worker.terminate();
      }),
    cancel,
  };
}

/** The bundled observation files for a library scenario file (scenarios/observations/<name>-*.yaml). */
export async function observationExamples(file: string): Promise<{ file: string; text: string; title?: string }[]> {
  const reply = await mainWorker().request({ type: 'observe-examples', file });
  if (reply.type !== 'observe-examples') throw new Error(`unexpected reply ${reply.type}`);
  return reply.examples;
}

/**
 * Checks an observations document against the scenario in the worker: its issues with line and
 * column (empty when it reads), and its plain value (undefined when it is not YAML or JSON).
 */
export async function checkObservations(
  scenario: ScenarioDocument,
  overrides: Overrides,
  text: string,
): Promise<{ issues: Issue[]; value: unknown }> {
  const reply = await mainWorker().request({ type: 'observe-check', scenario, overrides, text });
  if (reply.type !== 'observe-check') throw new Error(`unexpected reply ${reply.type}`);
  return { issues: reply.issues, value: reply.value };
}

/**
 * Conditions the forecast on observations in a worker of its own (the engine's updateScenario);
 * `onProgress` hears the trials simulated of both passes (weighing, then replaying); `cancel` terminates it.
 */
export function runUpdate(
  req: { scenario: ScenarioDocument; overrides: Overrides; text: string; trials: number; seed: number },
  onProgress?: (done: number, total: number) => void,
): {
  answer: Promise<UpdateAnswer>;
  cancel(): void;
} {
  const worker = new EngineWorker();
  const progress = onProgress && ((done: number, total?: number) => onProgress(done, total ?? 2 * req.trials));
  const answer = worker.request({ type: 'update', ...req }, progress).then((reply) => {
    if (reply.type !== 'update') throw new Error(`unexpected reply ${reply.type}`);
    return reply.answer;
  });
  const done = () => worker.worker.terminate();
  answer.then(done, done);
  return { answer, cancel: () => worker.terminate(new CancelledError()) };
}
