import { describe, expect, it } from 'vitest';
import { pooledRandomBytes } from './random-pool.js';

describe('pooledRandomBytes', () => {
  it('never hands out the same bytes twice, across pool refills', () => {
    const seen = new Set<string>();
    // 16-byte values over several 8 KiB pools: a repeat would mean a reused region.
    for (let i = 0; i < 5_000; i++) seen.add(pooledRandomBytes(16).toString('hex'));
    expect(seen.size).toBe(5_000);
  });

  it('gives buffers of the size asked, independent of each other', () => {
    const a = pooledRandomBytes(12);
    const b = pooledRandomBytes(12);
    expect(a.length).toBe(12);
    a.fill(0);
    expect(b.equals(Buffer.alloc(12))).toBe(false);
    expect(pooledRandomBytes(100).length).toBe(100);
  });
});
