import { createPiiEngine } from '../../src/pii/index.js';
import { checkAgainstDevSet, checkAgainstTexts, checkChatSet, print, resolveChatSet, score, type Detect } from './chat-score.js';
import { CHAT_HOLDOUT } from './chat-holdout.js';
import { CHAT_SET } from './chat-set.js';
import { toDatasetType } from './dataset.js';

/**
 * Scores the engine on the held-out chat-style set (`chat-holdout.ts`):
 * `node bin/run-ts.js bench/pii/holdout-score.ts`. The annotations are checked first (as
 * `chat-score.ts` checks its set, and no text or structured value shared with `chat-set.ts` or the
 * dev set); a problem exits non-zero. It prints figures only, never individual errors: the set is
 * for measuring, and the engine must not be tuned on it. `MIN=0.4` changes the score threshold.
 */

const problems = [
  ...checkChatSet(CHAT_HOLDOUT),
  ...checkAgainstDevSet(CHAT_HOLDOUT),
  ...checkAgainstTexts(CHAT_HOLDOUT, CHAT_SET.map((s) => s.text), 'chat set'),
  ...checkAgainstTexts(CHAT_SET, CHAT_HOLDOUT.map((s) => s.text), 'held-out set').map((p) => `chat-set.ts ${p}`),
];
if (problems.length > 0) {
  console.error(`held-out set: ${problems.length} bad annotation(s)\n${problems.join('\n')}`);
  process.exit(1);
}

const data = resolveChatSet(CHAT_HOLDOUT);
const gold = data.reduce((n, s) => n + s.spans.length, 0);
const empty = data.filter((s) => s.spans.length === 0).length;
console.log(`held-out chat set: ${data.length} messages, ${gold} entities, ${empty} messages without any`);

const engine = createPiiEngine({ minScore: Number(process.env.MIN ?? 0.5) });
const detect: Detect = (text) => engine.detect(text).map((p) => ({ type: toDatasetType(p.type), start: p.start, end: p.end, score: p.score }));
const { board } = await score(data, detect);
let flagged = 0;
for (const s of data) if (s.spans.length === 0 && engine.detect(s.text).length > 0) flagged++;
console.log('\ncustos');
print(board);
console.log(`messages without personal data with a finding: ${flagged} of ${empty}`);
