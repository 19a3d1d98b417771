import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCommand } from '../../src/cli/program.js';
import { serverContext } from '../../src/cli/context.js';
import { bufferIO } from '../../src/cli/io.js';
import { defaultPolicyPath, loadPolicy, type Policy } from '../../src/policy/index.js';
import type { BatchView, TrainingExportLine } from '../../src/modules/training/training.service.js';
import { createHarness, type Harness, type TestUser } from '../support/harness.js';

/**
 * What the conformance tests of the lifecycle promises share: the API through the harness, the
 * CLI in-process on the same container (the path the admin channel takes), and time moved only
 * with `--at`. The harness clock is never moved: every API call happens at the same instant, and
 * sweeps and exports look at later instants.
 */
export const DAY = 86_400_000;

const dirs: string[] = [];
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'custos-conformance-'));
  dirs.push(dir);
  return dir;
}
export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A policy file written with some windows changed, loaded the way the server loads one. */
/**
 * The one harness of a conformance file: created before its first test, closed after its last
 * together with the temporary folders its exports wrote. The object is filled in before the first
 * test runs, so a file just says `const h = fileHarness();`.
 */
export function fileHarness(): Harness {
  const shell = {} as Harness;
  beforeAll(async () => {
    Object.assign(shell, await createHarness());
  });
  afterAll(async () => {
    if (typeof shell.close === 'function') await shell.close();
    removeTempDirs();
  });
  return shell;
}

export function policyFileWith(change: (document: Policy) => void): Policy {
  // The parsed file has the policy's shape; it is validated again when loaded back.
  const document = parseYaml(readFileSync(defaultPolicyPath, 'utf8')) as Policy;
  change(document);
  const file = join(tempDir(), 'policy.yaml');
  writeFileSync(file, JSON.stringify(document));
  return loadPolicy(file);
}

export async function cli(h: Harness, argv: string[], cwd = tempDir()) {
  const io = bufferIO({ cwd, env: {} });
  const code = await runCommand(argv, serverContext(io, h.container));
  return { code, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
}

export interface SweepResult {
  counts: Record<string, number>;
  total: number;
  digest: string;
}

export async function sweep(h: Harness, at: Date): Promise<SweepResult> {
  const result = await cli(h, ['lifecycle', 'run', '--json', '--at', at.toISOString()]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as SweepResult;
}

export interface ExportResult {
  batch: BatchView;
  lines: TrainingExportLine[];
  /** The file exactly as written. */
  text: string;
}

export async function exportTraining(h: Harness, at: Date): Promise<ExportResult> {
  const cwd = tempDir();
  const result = await cli(h, ['training', 'export', '--out', 'batch.jsonl', '--at', at.toISOString(), '--json'], cwd);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const batch = JSON.parse(result.stdout) as BatchView & { file: string; lines: number };
  expect(batch.file).toBe(join(cwd, 'batch.jsonl'));
  return readBatchFile(batch, batch.file);
}

/** Writes an existing batch again (`training export --batch`), to see what it holds now. */
export async function rewriteBatch(h: Harness, batchId: string): Promise<ExportResult> {
  const cwd = tempDir();
  const result = await cli(h, ['training', 'export', '--batch', batchId, '--out', 'again.jsonl', '--json'], cwd);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const batch = JSON.parse(result.stdout) as BatchView & { file: string };
  return readBatchFile(batch, batch.file);
}

function readBatchFile(batch: BatchView, file: string): ExportResult {
  const text = readFileSync(file, 'utf8');
  const lines = text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as TrainingExportLine);
  expect(lines).toHaveLength(batch.records);
  return { batch, lines, text };
}

/** The texts a file holds, to ask "is this conversation in it?" by a canary it alone contains. */
export const textsOf = (e: ExportResult) => e.lines.flatMap((l) => l.messages.map((m) => m.content));
export const holds = (e: ExportResult, canary: string) => textsOf(e).some((t) => t.includes(canary));

export async function setTraining(h: Harness, user: TestUser, trainingOptIn: boolean) {
  const res = await h.app.inject({ method: 'PUT', url: '/v1/me/privacy', headers: user.auth, payload: { trainingOptIn } });
  expect(res.statusCode).toBe(200);
  expect(res.json().trainingOptIn).toBe(trainingOptIn);
}

export async function newConversation(h: Harness, user: TestUser, options: { incognito?: boolean } = {}) {
  const res = await h.app.inject({ method: 'POST', url: '/v1/conversations', headers: user.auth, payload: { incognito: options.incognito ?? false } });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; incognito: boolean; retention: { deleteAfter: string | null; rule: string } };
}

export async function say(h: Harness, user: TestUser, conversationId: string, content: string) {
  const res = await h.app.inject({ method: 'POST', url: `/v1/conversations/${conversationId}/messages`, headers: user.auth, payload: { role: 'user', content } });
  expect(res.statusCode).toBe(201);
}

/** A conversation holding one message with a unique canary, to find it in exports. */
export async function conversationWith(h: Harness, user: TestUser, canary: string, options: { incognito?: boolean } = {}) {
  const conversation = await newConversation(h, user, options);
  await say(h, user, conversation.id, `${canary} — something only this conversation says`);
  return conversation;
}

export async function open(h: Harness, user: TestUser, conversationId: string) {
  return h.app.inject({ method: 'GET', url: `/v1/conversations/${conversationId}`, headers: user.auth });
}

export async function historyIds(h: Harness, user: TestUser): Promise<string[]> {
  const res = await h.app.inject({ method: 'GET', url: '/v1/conversations', headers: user.auth });
  expect(res.statusCode).toBe(200);
  return (res.json().conversations as { id: string }[]).map((c) => c.id);
}

export async function deleteConversation(h: Harness, user: TestUser, conversationId: string) {
  const res = await h.app.inject({ method: 'DELETE', url: `/v1/conversations/${conversationId}`, headers: user.auth });
  expect(res.statusCode).toBe(204);
}

/** Whether any row of the product copy is left: the conversation or any of its messages. */
export async function storedRows(h: Harness, conversationId: string): Promise<number> {
  const conversations = await h.database.db.selectFrom('conversations').select('id').where('id', '=', conversationId).execute();
  const messages = await h.database.db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).execute();
  return conversations.length + messages.length;
}

export const plus = (base: Date | string, ms: number) => new Date(new Date(base).getTime() + ms);
