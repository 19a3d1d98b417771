/**
 * Span-level scoring as in presidio-research: a prediction matches a gold span of the same type
 * when their intersection over union is at least 0.5; each gold span matches at most one
 * prediction (best overlap first). F2 weighs recall twice as much as precision, because a missed
 * piece of personal data costs more than an over-redacted word.
 */
export interface Span {
  type: string;
  start: number;
  end: number;
}

export interface Counts {
  tp: number;
  predicted: number;
  gold: number;
}

export const iou = (a: Span, b: Span) => {
  const inter = Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
  const union = Math.max(a.end, b.end) - Math.min(a.start, b.start);
  return union === 0 ? 0 : inter / union;
};

/** Matched pairs between predictions and gold spans; `typed` requires equal types. */
export function match(pred: readonly Span[], gold: readonly Span[], typed: boolean): Array<[number, number]> {
  const pairs: Array<[number, number, number]> = [];
  pred.forEach((p, i) =>
    gold.forEach((g, j) => {
      if (typed && p.type !== g.type) return;
      const v = iou(p, g);
      if (v >= 0.5) pairs.push([i, j, v]);
    }),
  );
  pairs.sort((a, b) => b[2] - a[2]);
  const usedP = new Set<number>();
  const usedG = new Set<number>();
  const out: Array<[number, number]> = [];
  for (const [i, j] of pairs) {
    if (usedP.has(i) || usedG.has(j)) continue;
    usedP.add(i);
    usedG.add(j);
    out.push([i, j]);
  }
  return out;
}

export function metrics(c: Counts) {
  const precision = c.predicted === 0 ? 0 : c.tp / c.predicted;
  const recall = c.gold === 0 ? 0 : c.tp / c.gold;
  const f2 = precision + recall === 0 ? 0 : (5 * precision * recall) / (4 * precision + recall);
  return { precision, recall, f2 };
}

export class Scoreboard {
  readonly byType = new Map<string, Counts>();
  readonly overall: Counts = { tp: 0, predicted: 0, gold: 0 };
  readonly agnostic: Counts = { tp: 0, predicted: 0, gold: 0 };

  private counts(type: string): Counts {
    let c = this.byType.get(type);
    if (!c) this.byType.set(type, (c = { tp: 0, predicted: 0, gold: 0 }));
    return c;
  }

  add(pred: readonly Span[], gold: readonly Span[], typedScoring = true): void {
    for (const p of pred) if (typedScoring) this.counts(p.type).predicted++;
    for (const g of gold) this.counts(g.type).gold++;
    if (typedScoring) {
      for (const [i] of match(pred, gold, true)) this.counts(pred[i]!.type).tp++;
      this.overall.tp += match(pred, gold, true).length;
      this.overall.predicted += pred.length;
    }
    this.overall.gold += gold.length;
    this.agnostic.tp += match(pred, gold, false).length;
    this.agnostic.predicted += pred.length;
    this.agnostic.gold += gold.length;
  }
}
