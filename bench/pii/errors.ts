import { createPiiEngine } from '../../src/pii/index.js';
import { loadDevSet, toDatasetType } from './dataset.js';
import { Scoreboard, boardLines, errorLines, metrics } from './score.js';

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
for (const s of data) {
  const found = engine.detect(s.text);
  const pred = found.map((p) => ({ type: toDatasetType(p.type), start: p.start, end: p.end, score: p.score }));
  board.add(pred, s.spans);
  if (focus) errors.push(...errorLines(s.text, pred, s.spans, focus));
}
for (const line of boardLines(board)) console.log(line);
const o = metrics(board.overall);
const a = metrics(board.agnostic);
console.log(`OVERALL P ${o.precision.toFixed(3)} R ${o.recall.toFixed(3)} F2 ${o.f2.toFixed(3)} | any type F2 ${a.f2.toFixed(3)}`);
if (focus) console.log(errors.slice(0, Number(process.env.N ?? 80)).join('\n'));
