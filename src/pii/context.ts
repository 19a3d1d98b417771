/**
 * Context words: a match is more likely what it looks like when the words around it say so
 * ("call me at", "my SSN is"). Windows are measured in characters on the lower-cased text.
 */
export function contextBefore(lower: string, start: number, pattern: RegExp, window = 48): boolean {
  const from = Math.max(0, start - window);
  return pattern.test(lower.slice(from, start));
}

export function contextAround(lower: string, start: number, end: number, pattern: RegExp, before = 48, after = 24): boolean {
  const from = Math.max(0, start - before);
  return pattern.test(lower.slice(from, start)) || pattern.test(lower.slice(end, end + after));
}
