import type { Kysely } from 'kysely';
import type { KeyObject } from 'node:crypto';
import type { DB } from '../../db/schema.js';
import type { Executor } from '../../db/executor.js';
import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import { entryLeafHash, encodeEntry } from '../../audit/entry.js';
import { MerkleTree } from '../../audit/tree.js';
import { exportKey, formatCheckpointNote, keyId, noteVerifierKey, signCheckpoint, type SignedCheckpoint } from '../../audit/checkpoint.js';
import { AuditLogVerifier, type AuditProblem, type AuditVerification } from '../../audit/verify.js';
import { accessKinds } from './audit-record.js';
import type { AuditSigningKey } from './signing-key.js';
import {
  allCheckpoints,
  appendAudit,
  assignSeqs,
  countPending,
  entriesAbout,
  insertCheckpoint,
  lastRecordedPolicyVersion,
  latestCheckpoint,
  leafHashesFrom,
  lockSequencer,
  nextSeq,
  pendingEntries,
  rowToEntry,
  sequencedPage,
} from './audit.repository.js';

export interface AuditDeps {
  db: Kysely<DB>;
  clock: Clock;
  /** Signs checkpoints; null when none is configured (entries then wait, unsequenced, until one is). */
  key: AuditSigningKey | null;
  /** Names this log in every checkpoint. */
  origin: string;
  /** Entries per sequencing transaction (each ends with a signed checkpoint). */
  batchSize?: number;
}

export class AuditIntegrityError extends AppError {
  constructor(message: string) {
    super('audit_log_inconsistent', 503, message);
  }
}

/** The stored log does not hash to a checkpoint this process signed or trusts: stop signing. */
const integrity = (size: number) =>
  new AuditIntegrityError(`the stored audit log no longer matches its checkpoint at size ${size}; nothing more is signed until "custos audit verify" is run and the log restored`);

export interface SequenceResult {
  sequenced: number;
  size: number;
  checkpoint: SignedCheckpoint | null;
}

export interface DatabaseVerification extends AuditVerification {
  /** Entries appended but not yet sequenced (not an error: the next checkpoint takes them). */
  pending: number;
  checkpoints: number;
}

const LEAF_PAGE = 50_000;

/**
 * The audit log in the database, Trillian style. Appends are a plain insert in the caller's
 * transaction (appendAudit); this module's sequencer then gives committed entries consecutive
 * leaf indexes in append order, stores their leaf hashes, extends the tree and signs a
 * checkpoint, one batch per transaction under an advisory lock, so any number of processes may
 * append and sequence. Each process keeps the tree in memory (rebuilt from the stored leaf hashes
 * when it starts or falls behind) for fast proofs.
 */
export function createAuditModule({ db, clock, key, origin, batchSize = 5_000 }: AuditDeps) {
  let tree: MerkleTree | null = null;

  /** Brings the in-memory tree to `size` from the stored leaf hashes, and checks it against the last checkpoint. */
  async function treeAt(exec: Executor, size: number): Promise<MerkleTree> {
    if (tree === null || tree.size > size) tree = new MerkleTree();
    const t = tree;
    while (t.size < size) {
      const page = await leafHashesFrom(exec, t.size, Math.min(LEAF_PAGE, size - t.size));
      if (page.length === 0) break;
      for (const row of page) {
        if (row.seq !== t.size) {
          tree = null;
          throw new AuditIntegrityError(`the audit log has no entry ${t.size}; run "custos audit verify"`);
        }
        t.append(row.leaf_hash);
      }
    }
    if (t.size < size) {
      tree = null;
      throw new AuditIntegrityError(`the audit log holds fewer than ${size} sequenced entries`);
    }
    return t;
  }

  /** The tree may only grow over a prefix that still matches the last signed checkpoint. */
  async function checkAgainstLatest(exec: Executor, t: MerkleTree) {
    const latest = await latestCheckpoint(exec);
    if (!latest || latest.checkpoint.size > t.size) return;
    if (!t.root(latest.checkpoint.size).equals(latest.checkpoint.rootHash)) {
      tree = null;
      throw integrity(latest.checkpoint.size);
    }
  }

  function sign(size: number, root: Buffer): SignedCheckpoint {
    return signCheckpoint({ origin, size, rootHash: root }, key!.privateKey);
  }

  async function sequenceBatch(): Promise<{ sequenced: number; size: number; checkpoint: SignedCheckpoint | null }> {
    let appended = false;
    try {
      return await db.transaction().execute(async (trx) => {
        await lockSequencer(trx);
        const next = await nextSeq(trx);
        const t = await treeAt(trx, next);
        await checkAgainstLatest(trx, t);
        const pending = await pendingEntries(trx, batchSize);
        const latest = await latestCheckpoint(trx);
        const keyChanged = latest !== null && latest.keyId !== keyId(key!.publicKey);
        if (pending.length === 0 && latest !== null && latest.checkpoint.size === next && !keyChanged) {
          return { sequenced: 0, size: next, checkpoint: null };
        }
        const assigned = pending.map((row, i) => {
          const seq = next + i;
          return { id: Number(row.id), seq, leafHash: entryLeafHash(rowToEntry({ ...row, seq })) };
        });
        appended = assigned.length > 0;
        for (const a of assigned) t.append(a.leafHash);
        await assignSeqs(trx, assigned);
        const size = next + assigned.length;
        const checkpoint = sign(size, t.root(size));
        await insertCheckpoint(trx, checkpoint, clock.now());
        return { sequenced: assigned.length, size, checkpoint };
      });
    } catch (error) {
      // The leaves appended in memory belong to a transaction that did not commit.
      if (appended) tree = null;
      throw error;
    }
  }

  async function sequence(): Promise<SequenceResult> {
    if (!key) return { sequenced: 0, size: await nextSeq(db), checkpoint: null };
    let total = 0;
    let last: SequenceResult = { sequenced: 0, size: 0, checkpoint: null };
    for (;;) {
      const batch = await sequenceBatch();
      total += batch.sequenced;
      last = { sequenced: total, size: batch.size, checkpoint: batch.checkpoint ?? last.checkpoint };
      if (batch.sequenced < batchSize) break;
    }
    return last;
  }

  function publicKeyView(publicKey: KeyObject) {
    return {
      keyId: keyId(publicKey),
      algorithm: 'Ed25519' as const,
      publicKey: exportKey(publicKey, 'base64'),
      publicKeyPem: exportKey(publicKey, 'pem'),
      noteVerifierKey: noteVerifierKey(origin, publicKey),
    };
  }

  function checkpointView(signed: SignedCheckpoint & { signedAt?: Date }) {
    return {
      origin: signed.checkpoint.origin,
      size: signed.checkpoint.size,
      rootHash: signed.checkpoint.rootHash.toString('base64'),
      keyId: signed.keyId,
      signature: signed.signature.toString('base64'),
      signedAt: signed.signedAt?.toISOString() ?? null,
      note: key && signed.keyId === keyId(key.publicKey) ? formatCheckpointNote(signed, origin, key.publicKey) : null,
    };
  }

  function requireKey(): AuditSigningKey {
    if (!key) throw new AppError('audit_signing_unavailable', 503, 'no audit signing key is configured (CUSTOS_AUDIT_SIGNING_KEY)');
    return key;
  }

  /** The latest checkpoint and the tree at its size, after sequencing what is pending. */
  async function anchored() {
    requireKey();
    await sequence();
    const latest = await latestCheckpoint(db);
    if (!latest) throw new AppError('audit_log_empty', 503, 'the audit log has no checkpoint yet');
    const t = await treeAt(db, latest.checkpoint.size);
    if (!t.root(latest.checkpoint.size).equals(latest.checkpoint.rootHash)) {
      tree = null;
      throw integrity(latest.checkpoint.size);
    }
    return { latest, tree: t };
  }

  return {
    sequence,

    get signing() {
      return key !== null;
    },

    publicKey: () => publicKeyView(requireKey().publicKey),

    /** The signed checkpoint a user verifies proofs against (P20), with the key to check its signature. */
    async checkpoint() {
      const { latest } = await anchored();
      return { checkpoint: checkpointView(latest), key: publicKeyView(key!.publicKey) };
    },

    /** An inclusion proof of leaf `seq` in the tree of `size` (default: the latest checkpoint). */
    async inclusionProof(seq: number, size?: number) {
      const { latest, tree: t } = await anchored();
      const treeSize = size ?? latest.checkpoint.size;
      if (!Number.isSafeInteger(seq) || seq < 0 || seq >= treeSize || treeSize > t.size) throw new AppError('proof_out_of_range', 400, 'no such leaf in a tree of that size');
      return { leafIndex: seq, treeSize, leafHash: t.leafHash(seq).toString('base64'), proof: t.inclusionProof(seq, treeSize).map((h) => h.toString('base64')) };
    },

    /** Shows that the tree of size `from` is a prefix of the tree of size `to` (both signed sizes or not). */
    async consistencyProof(from: number, to?: number) {
      const { latest, tree: t } = await anchored();
      const size2 = to ?? latest.checkpoint.size;
      if (!Number.isSafeInteger(from) || from < 1 || from > size2 || size2 > t.size) throw new AppError('proof_out_of_range', 400, 'sizes must satisfy 1 <= from <= to <= the latest checkpoint');
      return { from, to: size2, proof: t.consistencyProof(from, size2).map((h) => h.toString('base64')) };
    },

    /**
     * Every staff access to one user's data (P20), newest first, each with its inclusion proof
     * against the latest checkpoint. The entry is given as its exact canonical bytes, so a user
     * recomputes the leaf hash themselves.
     */
    async accessLog(pseudonym: string, limit = 200) {
      const { latest, tree: t } = await anchored();
      const size = latest.checkpoint.size;
      const rows = await entriesAbout(db, pseudonym, accessKinds, limit);
      const entries = rows
        .filter((r) => r.seq !== null && Number(r.seq) < size)
        .map((r) => {
          const entry = rowToEntry({ ...r, seq: r.seq! });
          const details = entry.details as Record<string, unknown>;
          const text = (v: unknown) => (typeof v === 'string' ? v : null);
          return {
            at: entry.at,
            action: entry.action,
            staffRole: text(details.role),
            purpose: text(details.purpose),
            caseRef: text(details.caseRef),
            opened: text(details.opened) ?? (entry.action === 'staff.read' ? null : entry.action === 'review.unmask' ? 'masked_fields' : entry.action === 'copy.reidentify' ? 'identity_of_copy' : 'masked_conversation'),
            conversationId: entry.subject.conversationId ?? null,
            grantId: text(details.grant),
            leafIndex: entry.seq,
            leafHash: t.leafHash(entry.seq).toString('base64'),
            entry: encodeEntry(entry).toString('utf8'),
            proof: t.inclusionProof(entry.seq, size).map((h) => h.toString('base64')),
          };
        });
      return { checkpoint: checkpointView(latest), key: publicKeyView(key!.publicKey), entries };
    },

    /**
     * Recomputes the whole log from the stored rows and checks every checkpoint (pure verifier),
     * plus what only the database can show: the access-log index agrees with the entries.
     */
    async verify(options: { trustedKeys?: KeyObject[]; pageSize?: number } = {}): Promise<DatabaseVerification> {
      const keys = [...(key ? [key.publicKey] : []), ...(options.trustedKeys ?? [])];
      if (keys.length === 0) throw new AppError('audit_signing_unavailable', 503, 'verifying checkpoints needs the public key: configure the signing key or pass a trusted key');
      const verifier = new AuditLogVerifier({ publicKeys: keys, origin });
      const indexProblems: AuditProblem[] = [];
      const pageSize = options.pageSize ?? 20_000;
      let after = -1;
      // The next page is read while this one is verified: the database works while this process hashes.
      let next = sequencedPage(db, after, pageSize);
      for (;;) {
        const page = await next;
        if (page.length === 0) break;
        after = page[page.length - 1]!.seq;
        next = sequencedPage(db, after, pageSize);
        for (const row of page) {
          verifier.addEncoded(row);
          if (!row.indexMatches && indexProblems.length < 1000) {
            indexProblems.push({ kind: 'entry_changed', seq: row.seq, message: `entry ${row.seq}: its access-log index names another user than the entry does` });
          }
        }
      }
      const checkpoints = await allCheckpoints(db);
      const result = verifier.finish(checkpoints);
      // Entry problems by seq (where the log breaks), then what it means for the checkpoints.
      const entryProblems = [...result.problems.filter((p) => p.checkpointSize === undefined), ...indexProblems].sort((a, b) => (a.seq ?? -1) - (b.seq ?? -1));
      const problems = [...entryProblems, ...result.problems.filter((p) => p.checkpointSize !== undefined)];
      return {
        ...result,
        ok: result.ok && indexProblems.length === 0,
        problems,
        problemCount: result.problemCount + indexProblems.length,
        pending: await countPending(db),
        checkpoints: checkpoints.length,
      };
    },

    /** Records the policy version in force when it differs from the last one recorded (at start). */
    async recordPolicyVersion(version: string) {
      await db.transaction().execute(async (trx) => {
        await lockSequencer(trx);
        const previous = await lastRecordedPolicyVersion(trx);
        if (previous === version) return;
        await appendAudit(trx, { kind: 'policy.version', at: clock.now(), actor: 'system:startup', subject: null, refs: { version, previous } });
      });
    },

    /** Forgets the in-memory tree (tests that edit the database behind its back). */
    resetCache() {
      tree = null;
    },
  };
}

export type AuditModule = ReturnType<typeof createAuditModule>;
