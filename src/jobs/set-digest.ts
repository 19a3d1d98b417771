import { createHash } from 'node:crypto';

/**
 * A digest of a set of ids that does not depend on order and adds up: the sum, modulo 2^256, of
 * SHA-256 of each item. Sweeps running in several processes at once each digest what they
 * deleted; the sum of their digests is the digest of everything deleted, so an auditor who knows
 * which rows were due can check the receipts without the sweeps having to agree on an order or
 * hold every id in memory.
 *
 * This is an additive multiset hash: good evidence that receipts match a known set, not a
 * commitment an adversary who controls the ids could not forge. The audit log signs receipts.
 */
const MODULUS = 1n << 256n;

const itemValue = (item: string): bigint => BigInt(`0x${createHash('sha256').update(item).digest('hex')}`);
const toHex = (value: bigint): string => value.toString(16).padStart(64, '0');

export class SetDigest {
  private sum = 0n;
  private size = 0;

  add(item: string): void {
    this.sum = (this.sum + itemValue(item)) % MODULUS;
    this.size++;
  }

  get count(): number {
    return this.size;
  }

  hex(): string {
    return toHex(this.sum);
  }
}

/** The digest of a set given as its items. */
export function digestOf(items: Iterable<string>): string {
  const digest = new SetDigest();
  for (const item of items) digest.add(item);
  return digest.hex();
}

/** The digest of the union of disjoint sets, from their digests. */
export function combineDigests(digests: Iterable<string>): string {
  let sum = 0n;
  for (const d of digests) {
    if (!/^[0-9a-f]{64}$/.test(d)) throw new Error(`not a set digest: ${d}`);
    sum = (sum + BigInt(`0x${d}`)) % MODULUS;
  }
  return toHex(sum);
}

/** How a deleted unit appears in a digest: its data class and id. */
export const digestItem = (dataClass: string, id: string): string => `${dataClass}:${id}`;
