import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { pooledRandomBytes } from './random-pool.js';

/**
 * UUIDv7 (RFC 9562): time-ordered, so rows written together sit together in the primary-key
 * index, which keeps inserts fast at volume. The random part makes ids unguessable.
 */
export function uuidv7(now: number = Date.now()): string {
  const bytes = pooledRandomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A bearer secret: 256 random bits, URL-safe. Only its hash is ever stored. */
export const newToken = (prefix: string): string => `${prefix}_${randomBytes(32).toString('base64url')}`;

export const sha256 = (value: string | Buffer): Buffer => createHash('sha256').update(value).digest();

export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The pseudonymous identifier used in place of the real identity (P21): `USER` + 12 random digits. */
export function newPseudonym(): string {
  let digits = '';
  for (let i = 0; i < 12; i++) digits += String(randomInt(10));
  return `USER${digits}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);
