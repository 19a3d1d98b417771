import { describe, expect, it } from 'vitest';
import { loadDevSet, toDatasetType, DEV_SET_PATH } from '../../bench/pii/dataset.js';
import { Scoreboard, metrics } from '../../bench/pii/score.js';
import { checkAgainstDevSet, checkAgainstTexts, checkChatSet, resolveChatSet } from '../../bench/pii/chat-score.js';
import { CHAT_HOLDOUT } from '../../bench/pii/chat-holdout.js';
import { CHAT_SET } from '../../bench/pii/chat-set.js';
import { createPiiEngine } from './engine.js';

/**
 * Quality floor on the Presidio synthetic dev set (../shared/data/pii/presidio-synth-v2.json,
 * next to the repository): a change that loses recall or precision fails here, not in production.
 * The full comparison with other libraries is `node bin/run-ts.js bench/pii/run.ts`.
 */
const samples = loadDevSet();
const STRUCTURED = ['EMAIL_ADDRESS', 'PHONE_NUMBER', 'CREDIT_CARD', 'IBAN_CODE', 'US_SSN', 'IP_ADDRESS'];
/** Measured 0.786 when this floor was set (0.760 before the chat-style rules); the goal is 0.85. */
const OVERALL_FLOOR = 0.775;
/** The chat-style set (bench/pii/chat-set.ts): measured 0.951 when this floor was set. */
const CHAT_FLOOR = 0.93;
/** The held-out chat-style set (bench/pii/chat-holdout.ts, never read for errors): measured 0.840 when this floor was set. */
const HOLDOUT_FLOOR = 0.81;

function chatF2(samples: ReturnType<typeof resolveChatSet>): number {
  const board = new Scoreboard();
  const engine = createPiiEngine();
  for (const s of samples) {
    board.add(
      engine.detect(s.text).map((p) => ({ type: toDatasetType(p.type), start: p.start, end: p.end })),
      s.spans,
    );
  }
  return metrics(board.overall).f2;
}

describe.skipIf(!samples)(`P31 PII quality floor on the dev set (${samples ? 'present' : `missing at ${DEV_SET_PATH}`})`, () => {
  const board = new Scoreboard();
  const engine = createPiiEngine();
  for (const s of samples ?? []) {
    board.add(
      engine.detect(s.text).map((p) => ({ type: toDatasetType(p.type), start: p.start, end: p.end })),
      s.spans,
    );
  }

  it.each(STRUCTURED)('%s has F2 >= 0.95', (type) => {
    const counts = board.byType.get(type);
    expect(counts?.gold).toBeGreaterThan(0);
    expect(metrics(counts!).f2).toBeGreaterThanOrEqual(0.95);
  });

  it(`overall F2 >= ${OVERALL_FLOOR} (Presidio's default engine: 0.618)`, () => {
    expect(metrics(board.overall).f2).toBeGreaterThanOrEqual(OVERALL_FLOOR);
  });
});

describe('P31 PII quality floor on the chat-style set (in the repository)', () => {
  it('has valid annotations, and no text or structured value of the dev set or the held-out set', () => {
    expect(checkChatSet()).toEqual([]);
    expect(checkAgainstDevSet()).toEqual([]);
    expect(checkAgainstTexts(CHAT_SET, CHAT_HOLDOUT.map((s) => s.text), 'held-out set')).toEqual([]);
  });

  it(`overall F2 >= ${CHAT_FLOOR}`, () => {
    expect(chatF2(resolveChatSet())).toBeGreaterThanOrEqual(CHAT_FLOOR);
  });
});

describe('P31 PII quality floor on the held-out chat-style set (in the repository)', () => {
  it('has valid annotations, and no text or structured value of the dev set or the chat set', () => {
    expect(checkChatSet(CHAT_HOLDOUT)).toEqual([]);
    expect(checkAgainstDevSet(CHAT_HOLDOUT)).toEqual([]);
    expect(checkAgainstTexts(CHAT_HOLDOUT, CHAT_SET.map((s) => s.text), 'chat set')).toEqual([]);
  });

  it(`overall F2 >= ${HOLDOUT_FLOOR}`, () => {
    expect(chatF2(resolveChatSet(CHAT_HOLDOUT))).toBeGreaterThanOrEqual(HOLDOUT_FLOOR);
  });
});

if (!samples) console.warn(`PII quality floor skipped: dev set not found at ${DEV_SET_PATH}`);
