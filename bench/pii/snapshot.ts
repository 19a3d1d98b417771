import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPiiEngine } from '../../src/pii/index.js';
import type { PiiSpan } from '../../src/pii/index.js';
import { loadDevSet } from './dataset.js';
import { randomTexts } from './random-texts.js';
import { CHAT_SET } from './chat-set.js';
import { CHAT_HOLDOUT } from './chat-holdout.js';

/**
 * Regression check for speed work on the engine: records every finding (type, start, end,
 * score) on the dev set and compares a later run with it, so a change meant to be fast only is
 * proven to change no result.
 *
 *   node bin/run-ts.js bench/pii/snapshot.ts record [file]   # before the change
 *   node bin/run-ts.js bench/pii/snapshot.ts check [file]    # after it: lists every difference
 *
 * Views compared: each of the 1,500 texts with the default threshold and with `minScore: 0`,
 * the texts joined into one document (as the bulk bench scans them), every text lower-cased and
 * upper-cased (the "caseless" paths), and a few thousand random strings made of the characters
 * the recognisers key on (digits, separators, "@", capitals, street and name words), and the
 * messages of both chat-style sets (the development one also joined; a difference on a held-out
 * message is reported by its number only).
 * The default file is under bench/results/ (git-ignored): it holds dev-set offsets only.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const [mode = 'check', file = resolve(root, 'bench/results/pii-snapshot.json')] = process.argv.slice(2);

const samples = loadDevSet();
if (!samples) throw new Error('dev set not found');
const texts = samples.map((s) => s.text);
const strict = createPiiEngine();
const loose = createPiiEngine({ minScore: 0 });
/**
 * The chat-style messages: only their findings are compared, never scored here. A difference on a
 * held-out message is reported by its number alone: that set is never read for errors.
 */
const chatTexts = CHAT_SET.map((s) => s.text);
const holdoutTexts = CHAT_HOLDOUT.map((s) => s.text);
const show = (spans: PiiSpan[]) => spans.map((s) => `${s.type}:${s.start}-${s.end}:${s.score}`).join(' ');

const views: Record<string, string[]> = {
  default: texts.map((t) => show(strict.detect(t))),
  loose: texts.map((t) => show(loose.detect(t))),
  lower: texts.map((t) => show(loose.detect(t.toLowerCase()))),
  upper: texts.map((t) => show(loose.detect(t.toUpperCase()))),
  joined: [show(loose.detect(texts.join('\n\n')))],
  joinedLine: [show(strict.detect(texts.join('\n')))],
  random: randomTexts(4000).map((t) => show(loose.detect(t))),
  chat: chatTexts.map((t) => show(loose.detect(t))),
  chatJoined: [show(loose.detect(chatTexts.join('\n\n')))],
  holdout: holdoutTexts.map((t) => show(loose.detect(t))),
};

if (mode === 'record') {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(views));
  console.log(`recorded ${Object.values(views).reduce((n, v) => n + v.length, 0)} results in ${file}`);
} else {
  if (!existsSync(file)) throw new Error(`no snapshot at ${file}: run with "record" first`);
  const before = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string[]>;
  let differences = 0;
  for (const [view, results] of Object.entries(views)) {
    const old = before[view] ?? [];
    for (let i = 0; i < Math.max(old.length, results.length); i++) {
      if (old[i] === results[i]) continue;
      differences++;
      if (differences <= 20 && view === 'holdout') console.log(`holdout #${i}: findings differ (held-out messages are not shown)`);
      else if (differences <= 20) {
        const text = view === 'random' ? randomTexts(4000)[i]! : view === 'chat' ? chatTexts[i]! : view.startsWith('joined') || view === 'chatJoined' ? '(joined document)' : texts[i]!;
        console.log(`${view} #${i} ${JSON.stringify(text.slice(0, 200))}\n  before: ${old[i]?.slice(0, 600)}\n  after:  ${results[i]?.slice(0, 600)}`);
      }
    }
  }
  console.log(differences === 0 ? 'snapshot: identical' : `snapshot: ${differences} differences`);
  if (differences > 0) process.exitCode = 1;
}
