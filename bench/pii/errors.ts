import { createPiiEngine } from '../../src/pii/index.js';
import { loadDevSet, toDatasetType } from './dataset.js';
import { Scoreboard, match, metrics } from './score.js';

/**
 * Error analysis on the dev set: `TYPE=PERSON N=50 node bin/run-ts.js bench/pii/errors.ts` prints
 * the per-type scores, then the false positives (FP) and false negatives (FN) of one type with
 * what was predicted over each missed span. `MIN=0.4` changes the score threshold.
 * Read the errors to find general patterns; never add the dev set's own values to a list.
 */
const data = loadDevSet();
if (!data) throw new Error('dev set not found');
const engine = createPiiEngine({ minScore: Number(process.env.MIN ?? 0.5) });
const board = new Scoreboard();
const focus = process.env.TYPE;
const errors: string[] = [];
const show = (text: string, start: number, end: number) => JSON.stringify(text.slice(start, end));
for (const s of data) {
  const found = engine.detect(s.text);
  const pred = found.map((p) => ({ type: toDatasetType(p.type), start: p.start, end: p.end, score: p.score }));
  board.add(pred, s.spans);
  if (!focus) continue;
  const pairs = match(pred, s.spans, true);
  const matchedPred = new Set(pairs.map((p) => p[0]));
  const matchedGold = new Set(pairs.map((p) => p[1]));
  const context = JSON.stringify(s.text.slice(0, 160));
  pred.forEach((p, i) => {
    if (!matchedPred.has(i) && p.type === focus) errors.push(`FP ${p.type} ${show(s.text, p.start, p.end)} ${p.score} || ${context}`);
  });
  s.spans.forEach((g, j) => {
    if (matchedGold.has(j) || g.type !== focus) return;
    const over = pred.filter((p) => p.start < g.end && g.start < p.end).map((p) => `${p.type}:${show(s.text, p.start, p.end)}`);
    errors.push(`FN ${g.type} ${show(s.text, g.start, g.end)} [${over.join(',')}] || ${context}`);
  });
}
for (const [type, c] of [...board.byType.entries()].sort()) {
  const m = metrics(c);
  console.log(`${type.padEnd(18)} P ${m.precision.toFixed(3)} R ${m.recall.toFixed(3)} F2 ${m.f2.toFixed(3)}  tp ${c.tp} pred ${c.predicted} gold ${c.gold}`);
}
const o = metrics(board.overall);
const a = metrics(board.agnostic);
console.log(`OVERALL P ${o.precision.toFixed(3)} R ${o.recall.toFixed(3)} F2 ${o.f2.toFixed(3)} | any type F2 ${a.f2.toFixed(3)}`);
if (focus) console.log(errors.slice(0, Number(process.env.N ?? 80)).join('\n'));
