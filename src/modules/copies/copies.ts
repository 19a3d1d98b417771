import type { Executor } from '../../db/executor.js';
import type { ContentCipher, ContentLocation } from '../content/content-cipher.js';
import { uuidv7 } from '../../lib/ids.js';
import { notFound } from '../../lib/errors.js';
import { listMessages } from '../conversations/conversations.repository.js';
import { messageLocation } from '../conversations/conversations.service.js';

/**
 * Copies of content made for another purpose (feedback, safety review). Each copy is sealed under
 * a key of its own, wrapped by the root rather than by the account, so its life follows its own
 * window and survives the account's deletion de-identified (P12, P15). The way back to the account
 * is a separate link row, sealed under yet another key.
 */
export const copyLocation = (table: string, copyId: string, column: string): ContentLocation => ({
  accountId: null,
  keyScope: { kind: 'copy', id: copyId },
  table,
  rowId: copyId,
  column,
});

export interface SnapshotMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** The conversation's messages with seq in [fromSeq, toSeq], decrypted (the product copy's key). */
export async function readExchange(
  exec: Executor,
  cipher: ContentCipher,
  accountId: string,
  conversationId: string,
  fromSeq: number,
  toSeq: number,
): Promise<SnapshotMessage[]> {
  const rows = await listMessages(exec, accountId, conversationId);
  const out: SnapshotMessage[] = [];
  for (const m of rows) {
    if (m.seq < fromSeq || m.seq > toSeq || m.content === null) continue;
    out.push({
      role: m.role,
      content: await cipher.open(exec, messageLocation(accountId, conversationId, m.id), { ciphertext: m.content, keyVersion: m.content_key_version ?? 1 }),
    });
  }
  return out;
}

const linkLocation = (copyKind: string, copyId: string, keyScopeId: string): ContentLocation => ({
  accountId: null,
  keyScope: { kind: 'copy', id: keyScopeId },
  table: 'reid_links',
  rowId: `${copyKind}:${copyId}`,
  column: 'sealed_account',
});

export async function writeReidLink(
  exec: Executor,
  cipher: ContentCipher,
  link: { copyKind: 'feedback' | 'safety'; copyId: string; accountId: string; deleteAfter: Date; now: Date },
) {
  const keyScopeId = uuidv7(link.now.getTime());
  const sealed = await cipher.seal(exec, linkLocation(link.copyKind, link.copyId, keyScopeId), link.accountId);
  await exec
    .insertInto('reid_links')
    .values({
      copy_kind: link.copyKind,
      copy_id: link.copyId,
      key_scope_id: keyScopeId,
      sealed_account: sealed.ciphertext,
      key_version: sealed.keyVersion,
      created_at: link.now,
      delete_after: link.deleteAfter,
    })
    .execute();
}

/** Opens a link. Callers are the audited re-identification path and the training export only. */
export async function openReidLink(exec: Executor, cipher: ContentCipher, copyKind: 'feedback' | 'safety', copyId: string): Promise<string> {
  const row = await exec.selectFrom('reid_links').selectAll().where('copy_kind', '=', copyKind).where('copy_id', '=', copyId).executeTakeFirst();
  if (!row) throw notFound('re-identification link');
  return cipher.open(exec, linkLocation(copyKind, copyId, row.key_scope_id), { ciphertext: row.sealed_account, keyVersion: row.key_version });
}

export async function destroyReidLink(exec: Executor, cipher: ContentCipher, copyKind: 'feedback' | 'safety', copyId: string) {
  const row = await exec.deleteFrom('reid_links').where('copy_kind', '=', copyKind).where('copy_id', '=', copyId).returning('key_scope_id').executeTakeFirst();
  if (row) await cipher.destroyScopeKey(exec, null, { kind: 'copy', id: row.key_scope_id });
}
