import { pathToFileURL } from 'node:url';
import { createPiiEngine, ibanValid, luhnValid, ssnValid } from '../../src/pii/index.js';
import { CHAT_ENTITY_TYPES, CHAT_SET, type ChatSample } from './chat-set.js';
import { loadDevSet, toDatasetType } from './dataset.js';
import { loadPeers } from './peers.js';
import { Scoreboard, boardLines, errorLines, metrics, type Span } from './score.js';

/**
 * Scores the engine on the chat-style set (`chat-set.ts`) with the dev-set bench's matching and
 * metrics: `node bin/run-ts.js bench/pii/chat-score.ts`. `TYPE=PERSON N=50` also lists the false
 * positives (FP) and false negatives (FN) of one type, as `errors.ts` does; `MIN=0.4` changes the
 * score threshold; `PEERS=1` scores the JavaScript peers too. Before scoring, every annotation is
 * checked (value found, type known, structured values valid); a bad one exits non-zero.
 */

export interface ResolvedSample {
  text: string;
  spans: Span[];
}

const nthIndexOf = (text: string, value: string, n: number) => {
  let at = -1;
  for (let i = 0; i < n; i++) {
    at = text.indexOf(value, at + 1);
    if (at < 0) return -1;
  }
  return at;
};

/** Each entity → offsets of the `occurrence`-th (default first) exact occurrence of its value. */
export function resolveChatSet(samples: readonly ChatSample[] = CHAT_SET): ResolvedSample[] {
  return samples.map((s, index) => {
    const spans = s.entities.map((e) => {
      const at = e.value.length === 0 ? -1 : nthIndexOf(s.text, e.value, e.occurrence ?? 1);
      if (at < 0) throw new Error(`chat set sample ${index}: ${e.type} ${JSON.stringify(e.value)} (occurrence ${e.occurrence ?? 1}) not found in ${JSON.stringify(s.text)}`);
      return { type: e.type, start: at, end: at + e.value.length };
    });
    return { text: s.text, spans };
  });
}

/** Problems with the annotations: unknown types, values not found, invalid cards/IBANs/SSNs, overlaps. */
export function checkChatSet(samples: readonly ChatSample[] = CHAT_SET): string[] {
  const problems: string[] = [];
  const known = new Set<string>(CHAT_ENTITY_TYPES);
  samples.forEach((s, index) => {
    if (s.text.trim().length === 0) problems.push(`sample ${index}: empty text`);
    const seen: Span[] = [];
    for (const e of s.entities) {
      const where = `sample ${index}: ${e.type} ${JSON.stringify(e.value)}`;
      if (!known.has(e.type)) problems.push(`${where}: unknown type`);
      if (e.value.trim() !== e.value || e.value.length === 0) problems.push(`${where}: empty or padded value`);
      if (e.occurrence !== undefined && (!Number.isInteger(e.occurrence) || e.occurrence < 1)) problems.push(`${where}: occurrence must be a positive integer`);
      const at = e.value.length === 0 ? -1 : nthIndexOf(s.text, e.value, e.occurrence ?? 1);
      if (at < 0) {
        problems.push(`${where}: occurrence ${e.occurrence ?? 1} not found`);
        continue;
      }
      const span = { type: e.type, start: at, end: at + e.value.length };
      if (seen.some((o) => o.start < span.end && span.start < o.end)) problems.push(`${where}: overlaps another entity`);
      seen.push(span);
      const digits = e.value.replace(/\D/g, '');
      if (e.type === 'CREDIT_CARD' && !luhnValid(digits)) problems.push(`${where}: fails Luhn`);
      if (e.type === 'IBAN_CODE' && !ibanValid(e.value.replace(/\s/g, ''))) problems.push(`${where}: fails mod-97`);
      if (e.type === 'US_SSN' && !ssnValid(digits)) problems.push(`${where}: not a valid SSN`);
    }
  });
  return problems;
}

const STRUCTURED = new Set(['EMAIL_ADDRESS', 'PHONE_NUMBER', 'CREDIT_CARD', 'IBAN_CODE', 'US_SSN', 'IP_ADDRESS', 'DOMAIN_NAME', 'STREET_ADDRESS', 'SECRET', 'US_DRIVER_LICENSE']);

/** Samples whose text, or one of whose structured values, occurs in `otherTexts` (named `otherName`). */
export function checkAgainstTexts(samples: readonly ChatSample[], otherTexts: readonly string[], otherName: string): string[] {
  const other = otherTexts.join('\n');
  const problems: string[] = [];
  samples.forEach((s, index) => {
    if (other.includes(s.text)) problems.push(`sample ${index}: text occurs in the ${otherName}`);
    for (const e of s.entities) {
      if (STRUCTURED.has(e.type) && other.includes(e.value)) problems.push(`sample ${index}: ${e.type} ${JSON.stringify(e.value)} occurs in the ${otherName}`);
    }
  });
  return problems;
}

/** The set must not reuse the dev set's texts or structured values (checked when the dev set is present). */
export function checkAgainstDevSet(samples: readonly ChatSample[] = CHAT_SET): string[] {
  const dev = loadDevSet();
  if (!dev) return [];
  return checkAgainstTexts(samples, dev.map((d) => d.text), 'dev set');
}

export type Detect = (text: string) => Span[] | Promise<Span[]>;

/** Scores `detect` on resolved samples; with `focus`, also lists that type's FP and FN. */
export async function score(data: readonly ResolvedSample[], detect: Detect, focus?: string) {
  const board = new Scoreboard();
  const errors: string[] = [];
  for (const s of data) {
    const pred = await detect(s.text);
    board.add(pred, s.spans);
    if (focus) errors.push(...errorLines(s.text, pred, s.spans, focus));
  }
  return { board, errors };
}

/** Prints P/R/F2 per type, overall and type-agnostic. */
export function print(board: Scoreboard) {
  for (const line of boardLines(board)) console.log(line);
  const o = metrics(board.overall);
  const a = metrics(board.agnostic);
  console.log(`OVERALL P ${o.precision.toFixed(3)} R ${o.recall.toFixed(3)} F2 ${o.f2.toFixed(3)} | any type P ${a.precision.toFixed(3)} R ${a.recall.toFixed(3)} F2 ${a.f2.toFixed(3)}`);
}

async function main() {
  const problems = [...checkChatSet(), ...checkAgainstDevSet()];
  if (problems.length > 0) {
    console.error(`chat set: ${problems.length} bad annotation(s)\n${problems.join('\n')}`);
    process.exit(1);
  }
  const data = resolveChatSet();
  const gold = data.reduce((n, s) => n + s.spans.length, 0);
  const empty = data.filter((s) => s.spans.length === 0).length;
  console.log(`chat set: ${data.length} messages, ${gold} entities, ${empty} messages without any`);

  const engine = createPiiEngine({ minScore: Number(process.env.MIN ?? 0.5) });
  const focus = process.env.TYPE;
  const detect: Detect = (text) => engine.detect(text).map((p) => ({ type: toDatasetType(p.type), start: p.start, end: p.end, score: p.score }));
  const ours = await score(data, detect, focus);
  // Messages without personal data where the engine still found something.
  let flagged = 0;
  for (const s of data) if (s.spans.length === 0 && engine.detect(s.text).length > 0) flagged++;
  console.log('\ncustos');
  print(ours.board);
  console.log(`messages without personal data with a finding: ${flagged} of ${empty}`);

  if (process.env.PEERS) {
    for (const peer of await loadPeers()) {
      console.log(`\n${peer.name} ${peer.version}`);
      if ('error' in peer) {
        console.log(`  cannot run: ${peer.error}`);
        continue;
      }
      print((await score(data, (text) => peer.detect(text))).board);
    }
  }
  if (focus) console.log(`\n${ours.errors.slice(0, Number(process.env.N ?? 80)).join('\n')}`);
}

// Run only as the entry point, so the checks can be imported without scoring.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
