/** Per-address quotas on what the store keeps: saved scenarios, runs, and their bytes (a disk-filling guard). */
import { ApiError } from './errors.ts';
import type { Store } from './store.ts';

/** What one client address may store in all. */
export interface QuotaOptions {
  /** Saved scenarios (429 `quota_exceeded` beyond). */
  scenarios: number;
  /** Stored runs (429 `quota_exceeded` beyond). */
  runs: number;
  /** Bytes of scenario texts, run requests, results and errors (413 `storage_quota_exceeded` beyond). */
  bytes: number;
}

/** Defaults: 1,000 scenarios, 10,000 runs and 1 GiB per address. */
export const DEFAULT_QUOTAS: QuotaOptions = { scenarios: 1000, runs: 10_000, bytes: 1024 ** 3 };

/** Checks an address's stored items against its quotas before the store takes one more. */
export class StorageQuotas {
  constructor(
    private readonly store: Store,
    /** false turns the quotas off. */
    private readonly quotas: QuotaOptions | false,
  ) {}

  /** Throws when `client` may not store one more `kind` of `bytes` bytes. */
  check(client: string, kind: 'scenarios' | 'runs', bytes: number): void {
    if (this.quotas === false) return;
    const used = this.store.usage(client);
    const max = this.quotas[kind];
    if (used[kind] >= max) {
      throw new ApiError(
        429,
        'quota_exceeded',
        `this address has stored ${used[kind]} ${kind === 'runs' ? 'runs' : 'scenarios'}, the most one address may; ask the server's operator to raise the quota`,
      );
    }
    if (used.bytes + bytes > this.quotas.bytes) {
      throw new ApiError(
        413,
        'storage_quota_exceeded',
        `this address has stored ${(used.bytes / 1024 ** 2).toFixed(1)} MiB; ${(bytes / 1024 ** 2).toFixed(1)} MiB more would pass its quota of ${(this.quotas.bytes / 1024 ** 2).toFixed(1)} MiB`,
      );
    }
  }
}
