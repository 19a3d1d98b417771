import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createPiiEngine } from '../../src/pii/index.js';
import { printTable, recordResult } from '../support.js';
import { loadDevSet, toDatasetType, DEV_SET_PATH, type Sample } from './dataset.js';
import { loadPeers } from './peers.js';
import { Scoreboard, metrics, type Span } from './score.js';
import { resolveChatSet } from './chat-score.js';
import { CHAT_HOLDOUT } from './chat-holdout.js';

/**
 * `npm run bench -- pii` (or `node bin/run-ts.js bench/pii/run.ts`): span-level precision, recall
 * and F2 per entity type on the Presidio synthetic dev set, for our engine and the JavaScript
 * libraries people use today, plus throughput on one core:
 * - per message: each dev-set text scanned on its own (≈85 bytes each, what a chat product does);
 * - bulk: all texts joined into one document and scanned at once (what a batch export does).
 * Options: `--seconds N` time spent measuring each throughput figure (default 2).
 */
type Detect = (text: string) => Span[] | Promise<Span[]>;

interface SystemResult {
  name: string;
  version: string;
  error?: string;
  board?: Scoreboard;
  /** The same system on the chat-style set (chat-set.ts), written for this project. */
  chatBoard?: Scoreboard;
  /** And on the held-out chat-style set (chat-holdout.ts), never read for errors. */
  holdoutBoard?: Scoreboard;
  messageMBps?: number;
  bulkMBps?: number;
}

async function score(samples: readonly Sample[], detect: Detect): Promise<Scoreboard> {
  const board = new Scoreboard();
  for (const s of samples) board.add(await detect(s.text), s.spans);
  return board;
}

/**
 * MB/s of UTF-8 input per second of this process's CPU time, cycling through the texts for about
 * `seconds` of wall time. CPU time, not wall time, so a busy shared machine does not skew the
 * comparison; everything runs on the main thread, i.e. one core.
 */
async function throughput(texts: readonly string[], detect: Detect, seconds: number): Promise<number> {
  let bytes = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  let i = 0;
  do {
    const text = texts[i % texts.length]!;
    await detect(text);
    bytes += Buffer.byteLength(text);
    i++;
  } while (performance.now() - start < seconds * 1000 || i < Math.min(texts.length, 50));
  const used = process.cpuUsage(cpu);
  return bytes / 1e6 / ((used.user + used.system) / 1e6);
}

function machine() {
  const cpuinfo = (() => {
    try {
      return readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return '';
    }
  })();
  const nproc = (() => {
    try {
      return Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
    } catch {
      return undefined;
    }
  })();
  return { nproc, cpuModel: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? 'unknown', node: process.version };
}

const fmt = (n: number | undefined, digits = 3) => (n === undefined ? '-' : n.toFixed(digits));

export async function run(args: string[] = []): Promise<void> {
  const seconds = Number(args[args.indexOf('--seconds') + 1] ?? 2) || 2;
  const samples = loadDevSet();
  if (!samples) {
    console.log(`pii bench skipped: dev set not found at ${DEV_SET_PATH}`);
    return;
  }
  const texts = samples.map((s) => s.text);
  const document = texts.join('\n\n');
  const engine = createPiiEngine();
  const ours: Detect = (text) => engine.detect(text).map((p) => ({ type: toDatasetType(p.type), start: p.start, end: p.end }));

  const systems: SystemResult[] = [];
  const chat = resolveChatSet();
  const holdout = resolveChatSet(CHAT_HOLDOUT);
  const oursResult: SystemResult = { name: 'custos', version: 'this tree', board: await score(samples, ours), chatBoard: await score(chat, ours), holdoutBoard: await score(holdout, ours) };
  oursResult.messageMBps = await throughput(texts, ours, seconds);
  oursResult.bulkMBps = await throughput([document], ours, seconds);
  systems.push(oursResult);

  for (const peer of await loadPeers()) {
    if ('error' in peer) {
      systems.push({ name: peer.name, version: peer.version, error: `cannot run on Node ${process.version}: ${peer.error}` });
      continue;
    }
    try {
      const detect: Detect = (text) => peer.detect(text);
      const result: SystemResult = { name: peer.name, version: peer.version, board: await score(samples, detect), chatBoard: await score(chat, detect), holdoutBoard: await score(holdout, detect) };
      result.messageMBps = await throughput(texts, detect, seconds);
      result.bulkMBps = await throughput([document], detect, seconds);
      systems.push(result);
    } catch (error) {
      systems.push({ name: peer.name, version: peer.version, error: `failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  console.log(`\nPII detection on ${samples.length} dev-set texts (${(Buffer.byteLength(document) / 1024).toFixed(0)} KiB), span IoU >= 0.5\n`);
  printTable(
    systems.map((s) => {
      if (!s.board) return { system: `${s.name} ${s.version}`, precision: '-', recall: '-', F2: '-', 'F2 any type': '-', 'MB/s per message': '-', 'MB/s bulk': '-', note: s.error ?? '' };
      const o = metrics(s.board.overall);
      const a = metrics(s.board.agnostic);
      return { system: `${s.name} ${s.version}`, precision: fmt(o.precision), recall: fmt(o.recall), F2: fmt(o.f2), 'F2 any type': fmt(a.f2), 'MB/s per message': fmt(s.messageMBps, 2), 'MB/s bulk': fmt(s.bulkMBps, 2), note: '' };
    }),
  );

  const chatTable = (pick: (s: SystemResult) => Scoreboard | undefined) =>
    printTable(
      systems.map((s) => {
        const board = pick(s);
        if (!board) return { system: `${s.name} ${s.version}`, precision: '-', recall: '-', F2: '-', 'F2 any type': '-' };
        const o = metrics(board.overall);
        return { system: `${s.name} ${s.version}`, precision: fmt(o.precision), recall: fmt(o.recall), F2: fmt(o.f2), 'F2 any type': fmt(metrics(board.agnostic).f2) };
      }),
    );
  console.log(`\nThe chat-style set: ${chat.length} messages written for this project (bench/pii/chat-set.ts, a second development set), same scoring\n`);
  chatTable((s) => s.chatBoard);
  console.log(`\nThe held-out chat-style set: ${holdout.length} messages written for this project (bench/pii/chat-holdout.ts), never read for errors\n`);
  chatTable((s) => s.holdoutBoard);

  const goldTypes = [...new Set(samples.flatMap((s) => s.spans.map((g) => g.type)))].sort();
  console.log('\nF2 per entity type (precision / recall for ours)\n');
  printTable(
    goldTypes.map((type) => {
      const row: Record<string, string | number> = { type, gold: oursResult.board!.byType.get(type)?.gold ?? 0 };
      const m = metrics(oursResult.board!.byType.get(type) ?? { tp: 0, predicted: 0, gold: 0 });
      row['custos P/R'] = `${fmt(m.precision, 2)}/${fmt(m.recall, 2)}`;
      for (const s of systems) row[s.name] = s.board ? fmt(metrics(s.board.byType.get(type) ?? { tp: 0, predicted: 0, gold: 0 }).f2) : '-';
      return row;
    }),
  );

  const summary = systems.map((s) => ({
    name: s.name,
    version: s.version,
    ...(s.error ? { error: s.error } : {}),
    ...(s.board
      ? {
          overall: roundAll(metrics(s.board.overall)),
          typeAgnostic: roundAll(metrics(s.board.agnostic)),
          perType: Object.fromEntries(goldTypes.map((t) => [t, roundAll(metrics(s.board!.byType.get(t) ?? { tp: 0, predicted: 0, gold: 0 }))])),
          ...(s.chatBoard ? { chatSet: { overall: roundAll(metrics(s.chatBoard.overall)), typeAgnostic: roundAll(metrics(s.chatBoard.agnostic)) } } : {}),
          ...(s.holdoutBoard ? { chatHoldout: { overall: roundAll(metrics(s.holdoutBoard.overall)), typeAgnostic: roundAll(metrics(s.holdoutBoard.agnostic)) } } : {}),
          mbPerSecondPerMessage: round(s.messageMBps ?? 0, 2),
          mbPerSecondBulk: round(s.bulkMBps ?? 0, 2),
        }
      : {}),
  }));
  console.log('');
  recordResult('pii', { dataset: 'presidio-synth-v2', texts: samples.length, iouThreshold: 0.5, host: machine(), systems: summary });
}

const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;
const roundAll = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, round(v)]));

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run(process.argv.slice(2));
