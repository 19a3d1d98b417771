import { createHash } from 'node:crypto';

/**
 * The review sample (P18): chosen by the system, never by a person, and reproducible from its
 * seed, which the audit log records. Flagged conversations fill the quota first; within each
 * group the order is a seeded shuffle.
 */
export interface SampleCandidate {
  accountId: string;
  conversationId: string;
  flagged: boolean;
}

/** sfc32 seeded from SHA-256 of the seed text: small, fast and the same on every platform. */
export function seededRandom(seed: string): () => number {
  const h = createHash('sha256').update(`review-sample\0${seed}`).digest();
  let a = h.readUInt32LE(0);
  let b = h.readUInt32LE(4);
  let c = h.readUInt32LE(8);
  let d = h.readUInt32LE(12);
  const next = () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** How many of `n` candidates a rate takes: at least one as soon as the rate and the pool are not zero. */
export const sampleSize = (n: number, rate: number): number => (rate <= 0 || n === 0 ? 0 : Math.min(n, Math.ceil(n * rate)));

export function pickSample(candidates: readonly SampleCandidate[], rate: number, seed: string): SampleCandidate[] {
  if (!(rate >= 0 && rate <= 1)) throw new Error('the rate must be between 0 and 1');
  // A fixed order before shuffling, so the same seed over the same pool gives the same sample.
  const ordered = [...candidates].sort((x, y) => (x.conversationId < y.conversationId ? -1 : x.conversationId > y.conversationId ? 1 : 0));
  const random = seededRandom(seed);
  const flagged = shuffle(ordered.filter((c) => c.flagged), random);
  const others = shuffle(ordered.filter((c) => !c.flagged), random);
  return [...flagged, ...others].slice(0, sampleSize(ordered.length, rate));
}
