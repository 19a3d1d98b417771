import type { PiiSpan } from './types.js';

/**
 * Overlapping findings are settled by confidence, then by length: a validated card number beats
 * the phone-number reading of the same digits, a whole address beats the town inside it.
 * The result is sorted by position and has no overlaps.
 */
export function resolveOverlaps(candidates: readonly PiiSpan[], minScore: number): PiiSpan[] {
  const ranked = candidates
    .filter((s) => s.score >= minScore && s.end > s.start)
    .sort((a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start);
  // Kept spans stay sorted by start, so each candidate checks only its two neighbours.
  const kept: PiiSpan[] = [];
  for (const s of ranked) {
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kept[mid]!.start < s.start) lo = mid + 1;
      else hi = mid;
    }
    const before = kept[lo - 1];
    const after = kept[lo];
    if ((before && before.end > s.start) || (after && after.start < s.end)) continue;
    kept.splice(lo, 0, s);
  }
  return kept;
}
