/** Canonical JSON and content hashes: the basis of receipts and permalinks. */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * JSON with object keys sorted at every level, typed arrays as plain arrays and no whitespace,
 * so equal data always gives equal text. Non-finite numbers become null, as in JSON.stringify.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

function sortDeep(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>, sortDeep);
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value instanceof Map) return sortDeep(Object.fromEntries(value));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortDeep(v);
    }
    return out;
  }
  return value;
}

/** SHA-256 of the canonical JSON of `value`, as hex. */
export function contentHash(value: unknown): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(value))));
}
