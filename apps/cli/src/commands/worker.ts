/**
 * `georisk worker --queue redis://HOST:PORT/N`: runs sweep chunks from the queue on this machine's
 * cores until stopped (Ctrl-C finishes the chunks in hand first). Any number of workers, on any
 * machines with the repository, serve the same queue; a worker that dies has its chunks handed to
 * the others once its locks expire.
 */
import { availableParallelism } from 'node:os';
import { contentHash, ENGINE_VERSION } from '@georisk/engine';
import { type EncodedOutcome, ThreadPool } from '@georisk/node';
import {
  type ChunkJob,
  type ChunkResult,
  chunkJobProblem,
  chunkTaskOf,
  connectRedis,
  engineCheck,
  ISSUES_MARK,
  parseQueueUrl,
  QUEUE_NAME,
  type SweepRecord,
  sweepKey,
  workerName,
} from '@georisk/queue';
import type { Job } from 'bullmq';
import { EXIT, type RegisterCommand, wholeNumber } from '../cli-common.ts';

interface WorkerFlags {
  queue: string;
  threads?: number;
  stallSeconds: number;
  verbose: boolean;
}

/** Sweep records this worker has read, newest last (a worker usually serves one sweep at a time). */
const records = new Map<string, SweepRecord>();

async function workerCommand(options: WorkerFlags): Promise<void> {
  const flags = { ...options, threads: options.threads ?? availableParallelism() };
  const address = parseQueueUrl(flags.queue);
  const redis = await connectRedis(address, true);
  // Loaded here, not at the top: every other command starts without bullmq.
  const { UnrecoverableError, Worker } = await import('bullmq');
  const name = workerName();
  const check = engineCheck();
  const log = (line: string) => process.stderr.write(`georisk worker: ${line}\n`);
  const pool = new ThreadPool({ threads: flags.threads });
  const threadsFree = new Slots(flags.threads);
  let done = 0;
  let doneSinceLine = 0;

  const recordOf = async (job: ChunkJob): Promise<SweepRecord> => {
    const cached = records.get(job.sweep);
    if (cached !== undefined) return cached;
    const text = await redis.get(sweepKey(job.sweep));
    if (text === null) {
      throw new UnrecoverableError(`sweep ${job.sweep.slice(0, 12)} has no record in Redis any more (its coordinator finished or gave up)`);
    }
    const record = JSON.parse(text) as SweepRecord;
    if (contentHash(record.scenario) !== record.scenarioHash) {
      throw new UnrecoverableError(`the scenario stored for sweep ${job.sweep.slice(0, 12)} is damaged (its hash does not match)`);
    }
    records.set(job.sweep, record);
    if (records.size > 4) records.delete(records.keys().next().value as string);
    return record;
  };

  const processor = async (job: Job<ChunkJob, ChunkResult>): Promise<ChunkResult> => {
    const malformed = chunkJobProblem(job.data);
    if (malformed !== undefined) {
      log(`refused job ${job.id}: its data is not a chunk job (${malformed})`);
      throw new UnrecoverableError(`not a chunk job: ${malformed}`);
    }
    const d = job.data;
    const what = `chunk ${d.chunkIndex + 1} of point ${d.point} (sweep ${d.sweep.slice(0, 12)})`;
    const refuse = (why: string): never => {
      log(`refused ${what}: ${why}`);
      throw new UnrecoverableError(why);
    };
    if (d.engine !== ENGINE_VERSION) {
      refuse(
        `version mismatch: the coordinator runs georisk engine ${d.engine}, worker ${name} runs ${ENGINE_VERSION}; run the same georisk on the coordinator and every worker`,
      );
    }
    if (d.engineCheck !== check) {
      refuse(
        `engine mismatch: the coordinator's engine and worker ${name}'s both say ${ENGINE_VERSION} but compute different numbers; run the same commit of georisk everywhere`,
      );
    }
    const record = await recordOf(d);
    if (record.scenarioHash !== d.scenarioHash) {
      refuse(
        `scenario mismatch: the job expects scenario ${d.scenarioHash.slice(0, 12)}, the sweep's record holds ${record.scenarioHash.slice(0, 12)}; run the sweep again`,
      );
    }
    // The worker holds two chunks a thread; the second waits here for a free thread, so that its time
    // limit, its start line and its time count from when it runs, not from when it was fetched.
    if (flags.verbose) log(`chunk taken: ${what}`);
    const release = await threadsFree.acquire();
    if (flags.verbose) log(`chunk started: ${what}`);
    const started = performance.now();
    let outcome: EncodedOutcome;
    try {
      outcome = await pool.runEncoded(chunkTaskOf(d, record.scenario), AbortSignal.timeout(d.timeLimitMs), d.metricsOnly === true);
    } catch (error) {
      if ((error as Error).message.includes('aborted')) {
        log(`${what} stopped at its time limit of ${d.timeLimitMs / 1000} s`);
        throw new Error(`took longer than its time limit of ${d.timeLimitMs / 1000} s`);
      }
      throw error;
    } finally {
      release();
    }
    if ('issues' in outcome) throw new UnrecoverableError(`${ISSUES_MARK}${JSON.stringify(outcome.issues)}`);
    const ms = performance.now() - started;
    done++;
    doneSinceLine++;
    if (flags.verbose) log(`chunk done: ${what}, ${d.chunk.trials} trials in ${ms.toFixed(0)} ms`);
    return { summary: outcome.summary, worker: name, ms };
  };

  const worker = new Worker<ChunkJob, ChunkResult>(QUEUE_NAME, processor, {
    connection: address.connection,
    name,
    // A second chunk waits on each thread, so none idles while the next job is fetched.
    concurrency: flags.threads * 2,
    lockDuration: flags.stallSeconds * 1000,
    stalledInterval: flags.stallSeconds * 1000,
    maxStalledCount: 2,
  });
  let lastWarning = 0;
  worker.on('error', (error) => {
    const now = performance.now();
    if (now - lastWarning > 10_000) {
      lastWarning = now;
      log(`warning: ${error.message} (retrying)`);
    }
  });
  const summary = setInterval(() => {
    if (doneSinceLine > 0 && !flags.verbose) log(`${done} chunks done`);
    doneSinceLine = 0;
  }, 60_000);
  summary.unref();
  await worker.waitUntilReady();
  log(
    `${name} waiting for chunks on ${address.display} (${flags.threads} thread${flags.threads === 1 ? '' : 's'}, engine ${ENGINE_VERSION})`,
  );
  await new Promise<void>((stopped) => {
    const stop = () => {
      log(`stopping: finishing the chunks in hand (${done} done)`);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      worker.close().then(stopped, stopped);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  clearInterval(summary);
  await pool.destroy();
  redis.disconnect();
}

/** Registers `worker`. */
export const registerWorker: RegisterCommand = (program, setExit) => {
  program
    .command('worker')
    .description(
      'run sweep chunks from a Redis queue (for `sweep --queue`, `sensitivity --queue` and `run --uncertainty N --queue`) until stopped',
    )
    .requiredOption('--queue <url>', 'the queue: redis://HOST:PORT/N, the same URL the coordinator was given')
    .option('-t, --threads <n>', 'chunks to run at once (default: the number of cores)', wholeNumber('--threads', 1))
    .option(
      '--stall-seconds <s>',
      'a worker silent this long (killed, frozen) has its chunks handed to other workers',
      wholeNumber('--stall-seconds', 1),
      30,
    )
    .option('-v, --verbose', 'a line on stderr per chunk started and finished')
    .action(async (flags: WorkerFlags) => {
      await workerCommand({ ...flags, verbose: flags.verbose === true });
      setExit(EXIT.ok);
    });
};

/** A count of free slots: `acquire` waits for one and returns its release. */
class Slots {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}

  acquire(): Promise<() => void> {
    const release = () => {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(release);
    }
    return new Promise((resolve) => this.waiting.push(() => resolve(release)));
  }
}
