import { randomBytes } from 'node:crypto';

/**
 * Random bytes drawn from a pool filled by the CSPRNG a few kilobytes at a time, for the small
 * values every request needs (UUIDv7 ids, AES-GCM nonces): one call into the CSPRNG per few
 * hundred values instead of one per value, as Node's own `randomUUID` does. Every byte is handed
 * out once and never again, so a nonce from here is as unique as one from `randomBytes`.
 */
const POOL_BYTES = 8 * 1024;
const LARGEST_POOLED = 64;

let pool = Buffer.alloc(0);
let offset = 0;

/** `size` fresh random bytes, in a buffer of their own (the caller may change them). */
export function pooledRandomBytes(size: number): Buffer {
  if (size > LARGEST_POOLED) return randomBytes(size);
  if (offset + size > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  // A copy, so that no caller's value can reach the bytes handed out after it.
  const out = Buffer.from(pool.subarray(offset, offset + size));
  // Bytes handed out are wiped from the pool: a later memory dump cannot recover past nonces or ids.
  pool.fill(0, offset, offset + size);
  offset += size;
  return out;
}
