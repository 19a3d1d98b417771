import { randomBytes } from 'node:crypto';

/**
 * The keys of the keyed-hash and pseudonymisation operators. `CUSTOS_PII_KEY` (base64, 32 bytes)
 * makes hashes and pseudonyms stable across restarts and processes; without it a random key is
 * drawn at start, so they are stable only within one process (documented in docs/pii.md).
 */
export function piiKey(env: NodeJS.ProcessEnv): Buffer {
  const text = env.CUSTOS_PII_KEY;
  if (!text) return randomBytes(32);
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('CUSTOS_PII_KEY must be the base64 of 32 bytes');
  return key;
}
