import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateCheckpointKeyPair, signCheckpoint, type SignedCheckpoint } from './checkpoint.js';
import { canonicalJson, entryLeafHash, type AuditEntry, type JsonValue } from './entry.js';
import { MerkleTree } from './tree.js';
import { AuditLogVerifier, verifyAuditLog, type AuditProblem, type AuditProblemKind, type StoredAuditEntry, type StoredEncodedAuditEntry } from './verify.js';

const origin = 'custos.test/audit';
const keys = generateCheckpointKeyPair();

function entryAt(seq: number): AuditEntry {
  return {
    seq,
    at: new Date(Date.UTC(2025, 0, 1) + seq * 1000).toISOString(),
    action: seq % 3 === 0 ? 'staff.read' : 'consent.change',
    actor: seq % 3 === 0 ? { kind: 'staff', id: `staff-${seq % 7}` } : { kind: 'user', id: `USER${100000000000 + seq}` },
    subject: { accountPseudonym: `USER${100000000000 + seq}`, conversationId: `conv-${seq}` },
    details: { purpose: 'support', count: seq },
  };
}

const stored = (entry: AuditEntry): StoredAuditEntry => ({ ...entry, leafHash: entryLeafHash(entry) });

/** An intact log of n entries and checkpoints signed at the given sizes. */
function makeLog(n: number, checkpointSizes: number[], privateKey = keys.privateKey) {
  const entries = Array.from({ length: n }, (_, seq) => stored(entryAt(seq)));
  const tree = MerkleTree.fromLeafHashes(entries.map((e) => e.leafHash));
  const checkpoints = checkpointSizes.map((size) => signCheckpoint({ origin, size, rootHash: tree.root(size) }, privateKey));
  return { entries, tree, checkpoints };
}

const verify = (entries: StoredAuditEntry[], checkpoints: SignedCheckpoint[], options: { origin?: string; maxProblems?: number } = {}) =>
  verifyAuditLog(entries, checkpoints, { publicKeys: keys.publicKey, origin, ...options });

const summary = (problems: AuditProblem[]) => problems.map((p) => ({ kind: p.kind, seq: p.seq, checkpointSize: p.checkpointSize }));

describe('verifyAuditLog on an intact log', () => {
  it('accepts it and reports its size, root and the checkpointed size', () => {
    const { entries, tree, checkpoints } = makeLog(50, [10, 32, 45]);
    const result = verify(entries, checkpoints);
    expect(result).toMatchObject({ ok: true, size: 50, checkpointedSize: 45, problems: [], problemCount: 0 });
    expect(result.rootHash).toEqual(tree.root());
  });

  it('accepts an empty log, and one without checkpoints (nothing anchored yet)', () => {
    expect(verify([], [])).toMatchObject({ ok: true, size: 0, checkpointedSize: 0 });
    expect(verify(makeLog(5, []).entries, [])).toMatchObject({ ok: true, size: 5, checkpointedSize: 0 });
  });

  it('accepts checkpoints in any order and from any trusted key (key rotation)', () => {
    const next = generateCheckpointKeyPair();
    const { entries, tree } = makeLog(40, []);
    const checkpoints = [
      signCheckpoint({ origin, size: 30, rootHash: tree.root(30) }, next.privateKey),
      signCheckpoint({ origin, size: 10, rootHash: tree.root(10) }, keys.privateKey),
    ];
    const result = verifyAuditLog(entries, checkpoints, { publicKeys: [keys.publicKey, next.publicKey], origin });
    expect(result).toMatchObject({ ok: true, checkpointedSize: 30 });
  });

  it('gives the same verdict when the entries arrive in batches', () => {
    const { entries, checkpoints } = makeLog(100, [64, 100]);
    const verifier = new AuditLogVerifier({ publicKeys: keys.publicKey });
    for (let i = 0; i < entries.length; i += 7) verifier.addAll(entries.slice(i, i + 7));
    expect(verifier.size).toBe(100);
    const once = verifier.finish(checkpoints);
    expect(once).toEqual(verify(entries, checkpoints));
    expect(verifier.finish(checkpoints)).toEqual(once);
  });
});

describe('verifyAuditLog finds where the log was tampered with', () => {
  const { entries, checkpoints } = makeLog(40, [8, 16, 24, 40]);

  it('an entry edited in place, its stored hash left alone', () => {
    const tampered = entries.map((e) => (e.seq === 20 ? { ...e, details: { purpose: 'support', count: 999 } } : e));
    const result = verify(tampered, checkpoints);
    expect(result.ok).toBe(false);
    expect(summary(result.problems)).toEqual([
      { kind: 'entry_changed', seq: 20, checkpointSize: undefined },
      { kind: 'checkpoint_root_mismatch', seq: 16, checkpointSize: 24 },
      { kind: 'checkpoint_root_mismatch', seq: 16, checkpointSize: 40 },
    ]);
    expect(result.checkpointedSize).toBe(16);
    expect(result.problems[0]!.message).toContain('entry 20');
  });

  it('an entry edited together with its stored hash: the checkpoints bracket it', () => {
    const tampered = entries.map((e) => (e.seq === 20 ? stored({ ...entryAt(20), actor: { kind: 'system', id: 'cover-up' } }) : e));
    const result = verify(tampered, checkpoints);
    expect(summary(result.problems)).toEqual([
      { kind: 'checkpoint_root_mismatch', seq: 16, checkpointSize: 24 },
      { kind: 'checkpoint_root_mismatch', seq: 16, checkpointSize: 40 },
    ]);
    expect(result.problems[0]!.message).toMatch(/first 24 entries .* at or after entry 16/);
  });

  it('a deleted row', () => {
    const result = verify(
      entries.filter((e) => e.seq !== 5),
      checkpoints,
    );
    expect(summary(result.problems)[0]).toEqual({ kind: 'seq_gap', seq: 5, checkpointSize: undefined });
    expect(result.problems[0]!.message).toBe('entry 5 is missing: deleted from the log');
    expect(result.problems.filter((p) => p.kind === 'checkpoint_root_mismatch').map((p) => p.checkpointSize)).toEqual([8, 16, 24]);
    // 39 entries remain, fewer than the checkpoint at 40 covers.
    expect(result.problems.at(-1)).toMatchObject({ kind: 'log_truncated', seq: 39, checkpointSize: 40 });
    expect(result.checkpointedSize).toBe(0);
  });

  it('several deleted rows in a run', () => {
    const result = verify(
      entries.filter((e) => e.seq < 10 || e.seq > 13),
      checkpoints,
    );
    expect(result.problems[0]).toMatchObject({ kind: 'seq_gap', seq: 10, message: 'entries 10..13 are missing: deleted from the log' });
  });

  it('deleted rows at the end', () => {
    const result = verify(entries.slice(0, 30), checkpoints);
    expect(summary(result.problems)).toEqual([{ kind: 'log_truncated', seq: 30, checkpointSize: 40 }]);
    expect(result.checkpointedSize).toBe(24);
  });

  it('an inserted row that reuses a sequence number', () => {
    const forged = stored({ ...entryAt(12), action: 'staff.read', details: {} });
    const tampered = [...entries.slice(0, 13), forged, ...entries.slice(13)];
    const result = verify(tampered, checkpoints);
    expect(result.problems[0]).toMatchObject({ kind: 'seq_duplicate', seq: 12 });
    expect(result.problems.filter((p) => p.kind === 'checkpoint_root_mismatch').map((p) => p.checkpointSize)).toEqual([16, 24, 40]);
  });

  it('an inserted row with the later rows renumbered and rehashed', () => {
    const renumbered = [...entries.slice(0, 30).map((e) => entryAt(e.seq)), { ...entryAt(30), action: 'forged' }, ...entries.slice(30).map((e) => entryAt(e.seq + 1))].map(stored);
    const result = verify(renumbered, checkpoints);
    expect(summary(result.problems)).toEqual([{ kind: 'checkpoint_root_mismatch', seq: 24, checkpointSize: 40 }]);
  });

  it('two rows swapped', () => {
    const tampered = [...entries];
    [tampered[17], tampered[18]] = [tampered[18]!, tampered[17]!];
    const result = verify(tampered, checkpoints);
    expect(summary(result.problems)).toEqual([
      { kind: 'seq_out_of_order', seq: 17, checkpointSize: undefined },
      { kind: 'checkpoint_root_mismatch', seq: 16, checkpointSize: 24 },
      { kind: 'checkpoint_root_mismatch', seq: 16, checkpointSize: 40 },
    ]);
    expect(result.problems[0]!.message).toBe('entry 17 comes after entry 18: entries were moved');
  });

  it('an entry that can no longer be encoded', () => {
    const tampered = entries.map((e) => (e.seq === 3 ? { ...e, at: 'yesterday' } : e));
    const result = verify(tampered, checkpoints);
    expect(result.problems[0]).toMatchObject({ kind: 'entry_malformed', seq: 3 });
    // Its stored hash keeps the position, so the checkpoints still match.
    expect(result.problems).toHaveLength(1);
  });
});

describe('verifyAuditLog checks the checkpoints', () => {
  const { entries, tree, checkpoints } = makeLog(30, [10, 20, 30]);

  it('a checkpoint with a bad signature', () => {
    const forged = checkpoints.map((c) => (c.checkpoint.size === 20 ? { ...c, signature: Buffer.from(c.signature.map((b, i) => (i === 0 ? b ^ 0x80 : b))) } : c));
    const result = verify(entries, forged);
    expect(summary(result.problems)).toEqual([{ kind: 'checkpoint_bad_signature', seq: undefined, checkpointSize: 20 }]);
    expect(result.problems[0]!.message).toContain('signature is not valid');
    expect(result.checkpointedSize).toBe(30);
  });

  it('a checkpoint altered after signing (a root for another size)', () => {
    const altered = checkpoints.map((c) => (c.checkpoint.size === 20 ? { ...c, checkpoint: { ...c.checkpoint, rootHash: tree.root(21) } } : c));
    expect(summary(verify(entries, altered).problems)).toEqual([{ kind: 'checkpoint_bad_signature', seq: undefined, checkpointSize: 20 }]);
  });

  it('a checkpoint signed by a key that is not trusted', () => {
    const stranger = generateCheckpointKeyPair();
    const foreign = signCheckpoint({ origin, size: 30, rootHash: tree.root(30) }, stranger.privateKey);
    const result = verify(entries, [foreign]);
    expect(result.problems[0]).toMatchObject({ kind: 'checkpoint_bad_signature', checkpointSize: 30 });
    expect(result.problems[0]!.message).toContain('not trusted');
    expect(result.checkpointedSize).toBe(0);
  });

  it('a validly signed checkpoint whose root is not the tree at its size', () => {
    const wrong = signCheckpoint({ origin, size: 20, rootHash: tree.root(19) }, keys.privateKey);
    const result = verify(entries, [checkpoints[0]!, wrong]);
    expect(summary(result.problems)).toEqual([{ kind: 'checkpoint_root_mismatch', seq: 10, checkpointSize: 20 }]);
    expect(result.checkpointedSize).toBe(10);
  });

  it('a second history signed by the same key, when the entries match the first', () => {
    const fork = signCheckpoint({ origin, size: 20, rootHash: tree.root(19) }, keys.privateKey);
    const result = verify(entries, [...checkpoints, fork]);
    expect(summary(result.problems)).toEqual([{ kind: 'checkpoint_fork', seq: undefined, checkpointSize: 20 }]);
    expect(result.problems[0]!.message).toContain('size 30');
    expect(result.checkpointedSize).toBe(30);
  });

  it('a checkpoint of another log', () => {
    const other = signCheckpoint({ origin: 'elsewhere/audit', size: 10, rootHash: tree.root(10) }, keys.privateKey);
    const result = verify(entries, [other]);
    expect(summary(result.problems)).toEqual([{ kind: 'checkpoint_wrong_origin', seq: undefined, checkpointSize: 10 }]);
    // Without an expected origin the same checkpoint is fine.
    expect(verifyAuditLog(entries, [other], { publicKeys: keys.publicKey }).ok).toBe(true);
  });
});

describe('verifyAuditLog limits its report', () => {
  it('keeps at most maxProblems of each group but counts them all', () => {
    const { entries, checkpoints } = makeLog(30, [10, 20, 30]);
    const tampered = entries.map((e) => ({ ...e, leafHash: Buffer.alloc(32) }));
    const result = verify(tampered, checkpoints, { maxProblems: 5 });
    expect(result.problems.filter((p) => p.kind === 'entry_changed')).toHaveLength(5);
    expect(result.problemCount).toBe(30);
    expect(result.ok).toBe(false);
  });
});

describe('verifyAuditLog properties', () => {
  const { entries, checkpoints } = makeLog(64, [16, 33, 64]);

  it('any single deletion, duplication, swap or edit is found and placed', () => {
    type Tamper = 'delete' | 'duplicate' | 'swap' | 'edit';
    const expected: Record<Tamper, AuditProblemKind> = { delete: 'seq_gap', duplicate: 'seq_duplicate', swap: 'seq_out_of_order', edit: 'entry_changed' };
    fc.assert(
      fc.property(fc.constantFrom<Tamper>('delete', 'duplicate', 'swap', 'edit'), fc.integer({ min: 0, max: 62 }), (tamper, at) => {
        const log = [...entries];
        if (tamper === 'delete') log.splice(at, 1);
        if (tamper === 'duplicate') log.splice(at + 1, 0, log[at]!);
        if (tamper === 'swap') [log[at], log[at + 1]] = [log[at + 1]!, log[at]!];
        if (tamper === 'edit') log[at] = { ...log[at]!, action: 'edited' };
        const result = verify(log, checkpoints);
        expect(result.ok).toBe(false);
        expect(result.problems.some((p) => p.kind === expected[tamper] && p.seq === at)).toBe(true);
        // Every signed root over the tampered position stops matching (a duplicate sits one after it).
        expect(result.checkpointedSize).toBeLessThanOrEqual(tamper === 'duplicate' ? at + 1 : at);
      }),
      { numRuns: 200 },
    );
  });
});

describe('AuditLogVerifier.addEncoded, the stored form the database verifier reads', () => {
  const { entries, checkpoints } = makeLog(64, [16, 33, 64]);
  // The row as the database holds it: subject and details as the append's canonical text, the leaf hash as hex.
  const asStored = (e: StoredAuditEntry): StoredEncodedAuditEntry => ({
    seq: e.seq,
    at: e.at,
    action: e.action,
    actorKind: e.actor.kind,
    actorId: e.actor.id,
    subjectJson: canonicalJson(e.subject as JsonValue),
    detailsJson: canonicalJson(e.details as JsonValue),
    leafHashHex: Buffer.from(e.leafHash).toString('hex'),
  });
  const verifyEncoded = (log: StoredEncodedAuditEntry[]) => {
    const verifier = new AuditLogVerifier({ publicKeys: keys.publicKey, origin });
    for (const e of log) verifier.addEncoded(e);
    return verifier.finish(checkpoints);
  };
  const sameVerdict = (a: ReturnType<typeof verify>, b: ReturnType<typeof verify>) => {
    expect(summary(b.problems)).toEqual(summary(a.problems));
    expect([b.ok, b.size, b.checkpointedSize, b.problemCount]).toEqual([a.ok, a.size, a.checkpointedSize, a.problemCount]);
    expect(b.rootHash).toEqual(a.rootHash);
  };

  it('accepts the intact log with the same root', () => {
    const result = verifyEncoded(entries.map(asStored));
    expect(result.ok).toBe(true);
    sameVerdict(verify(entries, checkpoints), result);
  });

  it('gives the same verdict as add() for any deletion, duplication, swap, edit, malformed field or replaced leaf hash', () => {
    type Tamper = 'delete' | 'duplicate' | 'swap' | 'edit' | 'malformed' | 'hash';
    fc.assert(
      fc.property(fc.constantFrom<Tamper>('delete', 'duplicate', 'swap', 'edit', 'malformed', 'hash'), fc.integer({ min: 0, max: 62 }), (tamper, at) => {
        const log = [...entries];
        if (tamper === 'delete') log.splice(at, 1);
        if (tamper === 'duplicate') log.splice(at + 1, 0, log[at]!);
        if (tamper === 'swap') [log[at], log[at + 1]] = [log[at + 1]!, log[at]!];
        if (tamper === 'edit') log[at] = { ...log[at]!, details: { purpose: 'edited' } };
        if (tamper === 'malformed') log[at] = { ...log[at]!, at: 'yesterday' };
        if (tamper === 'hash') log[at] = { ...log[at]!, leafHash: Buffer.alloc(32, 7) };
        sameVerdict(verify(log, checkpoints), verifyEncoded(log.map(asStored)));
      }),
      { numRuns: 200 },
    );
  });

  it('reports stored text that is not canonical as changed, and a stored hash that is not hex without breaking the positions', () => {
    const log = entries.map(asStored);
    log[9] = { ...log[9]!, detailsJson: log[9]!.detailsJson.replace(',', ', ') };
    log[40] = { ...log[40]!, leafHashHex: 'not hex' };
    const result = verifyEncoded(log);
    expect(summary(result.problems).filter((p) => p.checkpointSize === undefined)).toEqual([
      { kind: 'entry_changed', seq: 9, checkpointSize: undefined },
      { kind: 'entry_changed', seq: 40, checkpointSize: undefined },
    ]);
    // Entry 40 itself still hashes as signed: only entry 9 breaks the checkpoints.
    expect(result.checkpointedSize).toBe(0);
    expect(result.problems.filter((p) => p.kind === 'checkpoint_root_mismatch').map((p) => p.seq)).toEqual([0, 0, 0]);
  });
});
