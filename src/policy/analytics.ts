/**
 * Usage analytics that identify no one (P16): counts per day and account kind, published only for
 * groups of at least `minGroupSize` distinct accounts (the policy file's `analytics`). A smaller
 * group is left out entirely, and no totals are given, so a left-out group cannot be recovered by
 * subtracting the shown ones from a total. Pure.
 */
export interface UsageCell {
  day: string;
  accountKind: string;
  accounts: number;
  conversations: number;
  messages: number;
}

export interface UsageReport {
  minGroupSize: number;
  cells: UsageCell[];
  /** How many groups were left out for being too small (their counts are not shown). */
  suppressedGroups: number;
}

export function aggregateUsage(cells: readonly UsageCell[], minGroupSize: number): UsageReport {
  const shown = cells.filter((c) => c.accounts >= minGroupSize);
  return { minGroupSize, cells: shown.map((c) => ({ ...c })), suppressedGroups: cells.length - shown.length };
}
