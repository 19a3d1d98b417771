import type { PiiSpan } from './types.js';

/**
 * Overlapping findings are settled by confidence, then by length: a validated card number beats
 * the phone-number reading of the same digits, a whole address beats the town inside it.
 * The result is sorted by position and has no overlaps.
 */
export function resolveOverlaps(candidates: readonly PiiSpan[], minScore: number): PiiSpan[] {
  const ranked: PiiSpan[] = [];
  for (const s of candidates) if (s.score >= minScore && s.end > s.start) ranked.push(s);
  if (ranked.length > SMALL) {
    ranked.sort(byRank);
    return keepByCoverage(ranked);
  }
  // A chat message has a handful of findings: a stable insertion sort (the same order as the
  // stable Array.prototype.sort) costs less than calling a comparator through sort.
  for (let i = 1; i < ranked.length; i++) {
    const s = ranked[i]!;
    let j = i;
    while (j > 0 && byRank(ranked[j - 1]!, s) > 0) {
      ranked[j] = ranked[j - 1]!;
      j--;
    }
    ranked[j] = s;
  }
  return keepBySortedInsert(ranked);
}

/** Higher score first, then longer, then earlier. */
function byRank(a: PiiSpan, b: PiiSpan): number {
  return b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start;
}

/** Up to this many findings (a chat message has a handful) a sorted insert is cheapest. */
const SMALL = 64;

/** Kept spans stay sorted by start, so each candidate checks only its two neighbours. */
function keepBySortedInsert(ranked: readonly PiiSpan[]): PiiSpan[] {
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

/**
 * The same choice for a long document, where inserting into the middle of thousands of kept
 * spans is quadratic: a candidate is kept when none of its characters is covered yet. Kept spans
 * never overlap, so their starts differ and sorting them by start gives the same order.
 */
function keepByCoverage(ranked: readonly PiiSpan[]): PiiSpan[] {
  let size = 0;
  for (const s of ranked) if (s.end > size) size = s.end;
  const covered = new Uint8Array(size);
  const kept: PiiSpan[] = [];
  for (const s of ranked) {
    let free = true;
    for (let k = s.start; k < s.end && free; k++) free = covered[k] === 0;
    if (!free) continue;
    covered.fill(1, s.start, s.end);
    kept.push(s);
  }
  return kept.sort((a, b) => a.start - b.start);
}
