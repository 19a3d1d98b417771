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

/**
 * The false positives (FP) and false negatives (FN) of one type in one text, each as a line with
 * the text's start for context and, for a miss, what was predicted over it: the error listings of
 * errors.ts and chat-score.ts.
 */
export function errorLines(text: string, pred: readonly (Span & { score?: number })[], gold: readonly Span[], focus: string): string[] {
  const lines: string[] = [];
  const show = (start: number, end: number) => JSON.stringify(text.slice(start, end));
  const pairs = match(pred, gold, true);
  const matchedPred = new Set(pairs.map((p) => p[0]));
  const matchedGold = new Set(pairs.map((p) => p[1]));
  const context = JSON.stringify(text.slice(0, 160));
  pred.forEach((p, i) => {
    const score = p.score !== undefined ? ` ${String(p.score)}` : '';
    if (!matchedPred.has(i) && p.type === focus) lines.push(`FP ${p.type} ${show(p.start, p.end)}${score} || ${context}`);
  });
  gold.forEach((g, j) => {
    if (matchedGold.has(j) || g.type !== focus) return;
    const over = pred.filter((p) => p.start < g.end && g.start < p.end).map((p) => `${p.type}:${show(p.start, p.end)}`);
    lines.push(`FN ${g.type} ${show(g.start, g.end)} [${over.join(',')}] || ${context}`);
  });
  return lines;
}

/** P/R/F2 per type, then overall and type-agnostic, one line each. */
export function boardLines(board: Scoreboard): string[] {
  const lines: string[] = [];
  for (const [type, c] of [...board.byType.entries()].sort()) {
    const m = metrics(c);
    lines.push(`${type.padEnd(18)} P ${m.precision.toFixed(3)} R ${m.recall.toFixed(3)} F2 ${m.f2.toFixed(3)}  tp ${c.tp} pred ${c.predicted} gold ${c.gold}`);
  }
  return lines;
}
