/**
 * Fair share of the worker threads between client addresses: at most one task per thread is handed
 * to the pool, and when a thread frees up the next task comes from the waiting address served least
 * so far, so a client with many jobs (or many lanes) gets no more of the pool than one with a single job.
 */

/** Admits tasks `slots` at a time, the next one always from the waiting client served least. */
export class FairShare {
  private active = 0;
  /** Waiting tasks per client, in arrival order of the clients (ties go to the earlier one). */
  private readonly waiting = new Map<string, (() => void)[]>();
  /** Tasks admitted per client; a client coming (back) starts at `floor`, so it gets no burst of turns. */
  private readonly served = new Map<string, number>();
  /** The count of the client admitted last, before its admission. */
  private floor = 0;

  constructor(private readonly slots: number) {}

  /** Tasks waiting for a slot, all clients together. */
  get queued(): number {
    let n = 0;
    for (const q of this.waiting.values()) n += q.length;
    return n;
  }

  /** Runs `task` once `client`'s turn comes; a signal that fires while it waits rejects with its reason. */
  async run<T>(client: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.admit(client, signal);
    try {
      return await task();
    } finally {
      this.active--;
      this.next();
    }
  }

  private admit(client: string, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.active < this.slots && this.waiting.size === 0) {
      this.count(client);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(client) ?? [];
      const onAbort = () => {
        const i = queue.indexOf(go);
        if (i >= 0) queue.splice(i, 1);
        if (queue.length === 0 && this.waiting.get(client) === queue) this.waiting.delete(client);
        reject(signal?.reason);
      };
      const go = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      queue.push(go);
      this.waiting.set(client, queue);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Marks one task of `client` admitted. */
  private count(client: string): void {
    const served = Math.max(this.served.get(client) ?? 0, this.floor);
    this.floor = served;
    this.served.set(client, served + 1);
    this.active++;
  }

  /** Hands free slots to the waiting clients, the least served first. */
  private next(): void {
    while (this.active < this.slots && this.waiting.size > 0) {
      let pick: string | undefined;
      let least = Number.POSITIVE_INFINITY;
      for (const client of this.waiting.keys()) {
        const served = Math.max(this.served.get(client) ?? 0, this.floor);
        if (served < least) {
          least = served;
          pick = client;
        }
      }
      if (pick === undefined) return;
      const queue = this.waiting.get(pick) ?? [];
      const go = queue.shift();
      if (queue.length === 0) this.waiting.delete(pick);
      if (go === undefined) continue;
      this.count(pick);
      go();
    }
    // Counts at or below the floor mean the same as none: drop them so the map stays small.
    if (this.served.size > 256) {
      for (const [client, served] of this.served) if (served <= this.floor && !this.waiting.has(client)) this.served.delete(client);
    }
  }
}
