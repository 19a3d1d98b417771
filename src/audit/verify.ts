import type { KeyObject } from 'node:crypto';
import { verifyCheckpoint, keyId, type SignedCheckpoint } from './checkpoint.js';
import { encodedEntryText, entryLeafHash, type AuditEntry, type EncodedAuditEntry } from './entry.js';
import { HASH_BYTES, hashLeafHex } from './merkle.js';
import { MerkleTree } from './tree.js';

/**
 * Verifies a stored audit log from scratch: recomputes every leaf hash from the entries, rebuilds
 * the tree, and checks every signed checkpoint against it. Pure: the caller reads the rows and the
 * checkpoints and hands them in, in batches if it likes (AuditLogVerifier), so a log of millions of
 * entries never has to sit in memory at once.
 */
export interface StoredAuditEntry extends AuditEntry {
  /** The leaf hash stored beside the entry when it was appended. */
  readonly leafHash: Uint8Array;
}

/** A stored entry in the database's form (subject and details as their stored JSON text), with its stored leaf hash as hex. */
export interface StoredEncodedAuditEntry extends EncodedAuditEntry {
  /** 64 lower-case hex digits, or null when the row has none. */
  readonly leafHashHex: string | null;
}

const ZERO_LEAF_HEX = '0'.repeat(2 * HASH_BYTES);
const LEAF_HEX = /^[0-9a-f]{64}$/;

export type AuditProblemKind =
  /** The entry cannot be encoded (a field has the wrong type or form). */
  | 'entry_malformed'
  /** The stored leaf hash is not the hash of the stored entry: the row was edited. */
  | 'entry_changed'
  /** Sequence numbers skip: the entries in between were deleted. */
  | 'seq_gap'
  /** A sequence number appears twice: a row was inserted. */
  | 'seq_duplicate'
  /** A sequence number appears after a later one: rows were moved. */
  | 'seq_out_of_order'
  /** The checkpoint's signature is not valid under any trusted key. */
  | 'checkpoint_bad_signature'
  /** The checkpoint is validly signed but names another log. */
  | 'checkpoint_wrong_origin'
  /** The checkpoint is validly signed but the entries no longer hash to its root: they were changed, inserted or removed. */
  | 'checkpoint_root_mismatch'
  /** The checkpoint is validly signed, but a checkpoint at its size or later matches the entries and this one does not: the key signed two histories. */
  | 'checkpoint_fork'
  /** A validly signed checkpoint covers more entries than the log holds: its tail was deleted. */
  | 'log_truncated';

export interface AuditProblem {
  readonly kind: AuditProblemKind;
  /** The entry concerned; for checkpoint_root_mismatch the first entry that may differ; for log_truncated the first missing one. */
  readonly seq?: number;
  readonly checkpointSize?: number;
  readonly message: string;
}

export interface AuditVerification {
  readonly ok: boolean;
  /** Entries read, which is the size of the rebuilt tree. */
  readonly size: number;
  /** Root of the rebuilt tree at `size`. */
  readonly rootHash: Buffer;
  /** The largest size at which a valid checkpoint matches the entries; entries beyond it are not yet anchored. */
  readonly checkpointedSize: number;
  /** Entry problems by seq, then checkpoint problems by size; at most maxProblems of each. */
  readonly problems: AuditProblem[];
  /** All problems found, including those left out of `problems`. */
  readonly problemCount: number;
}

export interface AuditVerifierOptions {
  /** The checkpoint verification keys; several after a key rotation. Each checkpoint names its key by keyId. */
  readonly publicKeys: KeyObject | readonly KeyObject[];
  /** When given, checkpoints of any other origin are problems. */
  readonly origin?: string;
  /** The most problems of each group (entries, checkpoints) kept in the result; default 1000. */
  readonly maxProblems?: number;
}

type Gap = { from: number; to: number };

export class AuditLogVerifier {
  readonly #tree = new MerkleTree();
  readonly #keys: Map<string, KeyObject>;
  readonly #origin: string | undefined;
  readonly #maxProblems: number;
  readonly #entryProblems: AuditProblem[] = [];
  #problemCount = 0;
  #next = 0;
  #lastSeq: number | null = null;
  // Seqs skipped so far, ascending and disjoint. A later entry may fill one (moved rows); what is left at the end was deleted.
  readonly #gaps: Gap[] = [];

  constructor(options: AuditVerifierOptions) {
    const keys = Array.isArray(options.publicKeys) ? (options.publicKeys as readonly KeyObject[]) : [options.publicKeys as KeyObject];
    this.#keys = new Map(keys.map((key) => [keyId(key), key]));
    this.#origin = options.origin;
    this.#maxProblems = options.maxProblems ?? 1000;
  }

  get size(): number {
    return this.#tree.size;
  }

  /** Takes the next stored entry, in the order the log holds them (by seq). */
  add(stored: StoredAuditEntry): void {
    const seq = Number.isSafeInteger(stored.seq) && stored.seq >= 0 ? stored.seq : null;
    let recomputed: Buffer | null = null;
    try {
      recomputed = entryLeafHash(stored);
    } catch (error) {
      this.#report(this.#entryProblems, { kind: 'entry_malformed', ...(seq === null ? {} : { seq }), message: `entry at position ${this.#tree.size} cannot be encoded: ${(error as Error).message}` });
    }
    if (seq !== null) this.#checkSeq(seq);

    const storedHash = stored.leafHash instanceof Uint8Array && stored.leafHash.length === HASH_BYTES ? stored.leafHash : null;
    if (recomputed && (storedHash === null || !recomputed.equals(storedHash))) {
      this.#report(this.#entryProblems, { kind: 'entry_changed', seq: stored.seq, message: `entry ${seq} does not hash to its stored leaf hash: the entry or its hash was changed` });
    }
    // The position stays occupied whatever happened, so later checkpoints still line up with their entries.
    this.#tree.append(recomputed ?? storedHash ?? Buffer.alloc(HASH_BYTES));
  }

  /**
   * add() for an entry read in its stored form: the stored subject and details text is hashed as
   * it is (see EncodedAuditEntry), and the leaf hash stays hex from the database to the tree. The
   * same checks and problems as add(), at a fraction of its cost per entry.
   */
  addEncoded(stored: StoredEncodedAuditEntry): void {
    const seq = Number.isSafeInteger(stored.seq) && stored.seq >= 0 ? stored.seq : null;
    let recomputed: string | null = null;
    try {
      recomputed = hashLeafHex(encodedEntryText(stored));
    } catch (error) {
      this.#report(this.#entryProblems, { kind: 'entry_malformed', ...(seq === null ? {} : { seq }), message: `entry at position ${this.#tree.size} cannot be encoded: ${(error as Error).message}` });
    }
    if (seq !== null) this.#checkSeq(seq);

    // The recomputed hash is lower-case hex by construction, so an equal stored text is a valid leaf hash.
    if (recomputed !== null && recomputed !== stored.leafHashHex) {
      this.#report(this.#entryProblems, { kind: 'entry_changed', seq: stored.seq, message: `entry ${seq} does not hash to its stored leaf hash: the entry or its hash was changed` });
    }
    // The position stays occupied whatever happened, so later checkpoints still line up with their entries.
    if (recomputed !== null) this.#tree.appendHex(recomputed);
    else this.#tree.appendHex(typeof stored.leafHashHex === 'string' && LEAF_HEX.test(stored.leafHashHex) ? stored.leafHashHex : ZERO_LEAF_HEX);
  }

  addAll(entries: Iterable<StoredAuditEntry>): void {
    for (const entry of entries) this.add(entry);
  }

  /** Checks the checkpoints against the entries added so far and returns the verdict. */
  finish(checkpoints: Iterable<SignedCheckpoint>): AuditVerification {
    // Counted here rather than on the instance, so finishing twice gives the same verdict twice.
    let problemCount = this.#problemCount;
    const report = (into: AuditProblem[], problem: AuditProblem) => {
      problemCount += 1;
      if (into.length < this.#maxProblems) into.push(problem);
    };
    const entryProblems = [...this.#entryProblems];
    for (const gap of this.#gaps) {
      const which = gap.from === gap.to ? `entry ${gap.from} is` : `entries ${gap.from}..${gap.to} are`;
      report(entryProblems, { kind: 'seq_gap', seq: gap.from, message: `${which} missing: deleted from the log` });
    }
    entryProblems.sort((a, b) => (a.seq ?? -1) - (b.seq ?? -1));

    const size = this.#tree.size;
    const checkpointProblems: AuditProblem[] = [];
    const bySize = [...checkpoints].sort((a, b) => a.checkpoint.size - b.checkpoint.size);
    // First sort out which valid checkpoints match the entries: a mismatch means something else
    // when a larger or equal checkpoint matches (then the entries are as signed, the checkpoint is not).
    const verdicts = bySize.map((signed) => ({ signed, verdict: this.#judge(signed, size) }));
    const matched = verdicts.filter((v) => v.verdict === 'match').map((v) => v.signed.checkpoint.size);
    const checkpointedSize = matched.length > 0 ? Math.max(...matched) : 0;
    for (const { signed, verdict } of verdicts) {
      const cp = signed.checkpoint;
      switch (verdict) {
        case 'match':
          break;
        case 'untrusted_key':
          report(checkpointProblems, { kind: 'checkpoint_bad_signature', checkpointSize: cp.size, message: `checkpoint at size ${cp.size} names key ${String(signed.keyId)}, which is not trusted` });
          break;
        case 'bad_signature':
          report(checkpointProblems, { kind: 'checkpoint_bad_signature', checkpointSize: cp.size, message: `checkpoint at size ${cp.size}: its signature is not valid` });
          break;
        case 'wrong_origin':
          report(checkpointProblems, { kind: 'checkpoint_wrong_origin', checkpointSize: cp.size, message: `checkpoint at size ${cp.size} is for log "${cp.origin}", not "${this.#origin}"` });
          break;
        case 'beyond_log':
          report(checkpointProblems, {
            kind: 'log_truncated',
            seq: size,
            checkpointSize: cp.size,
            message: `a checkpoint was signed at size ${cp.size} but the log holds ${size} entries: entries from ${size} on were deleted`,
          });
          break;
        case 'mismatch': {
          if (checkpointedSize >= cp.size) {
            report(checkpointProblems, {
              kind: 'checkpoint_fork',
              checkpointSize: cp.size,
              message: `checkpoint at size ${cp.size} contradicts the checkpoint at size ${checkpointedSize}, which matches the entries: the signing key signed a different history`,
            });
            break;
          }
          const from = Math.max(0, ...matched.filter((m) => m < cp.size));
          report(checkpointProblems, {
            kind: 'checkpoint_root_mismatch',
            seq: from,
            checkpointSize: cp.size,
            message: `the first ${cp.size} entries do not hash to the root signed at size ${cp.size}: something at or after entry ${from} was changed, inserted or removed`,
          });
          break;
        }
      }
    }

    return {
      ok: problemCount === 0,
      size,
      rootHash: this.#tree.root(),
      checkpointedSize,
      problems: [...entryProblems, ...checkpointProblems],
      problemCount,
    };
  }

  #judge(signed: SignedCheckpoint, size: number): 'match' | 'untrusted_key' | 'bad_signature' | 'wrong_origin' | 'beyond_log' | 'mismatch' {
    const key = this.#keys.get(signed.keyId);
    if (!key) return 'untrusted_key';
    if (!verifyCheckpoint(signed, key)) return 'bad_signature';
    const cp = signed.checkpoint;
    if (this.#origin !== undefined && cp.origin !== this.#origin) return 'wrong_origin';
    if (cp.size > size) return 'beyond_log';
    return this.#tree.root(cp.size).equals(cp.rootHash) ? 'match' : 'mismatch';
  }

  #checkSeq(seq: number): void {
    const last = this.#lastSeq;
    this.#lastSeq = seq;
    if (seq === this.#next) {
      this.#next = seq + 1;
    } else if (seq > this.#next) {
      this.#gaps.push({ from: this.#next, to: seq - 1 });
      this.#next = seq + 1;
    } else if (this.#fillGap(seq)) {
      this.#report(this.#entryProblems, { kind: 'seq_out_of_order', seq, message: `entry ${seq} comes after entry ${last}: entries were moved` });
    } else {
      this.#report(this.#entryProblems, { kind: 'seq_duplicate', seq, message: `entry ${seq} appears again (after entry ${last}): a row was inserted` });
    }
  }

  /** Removes seq from the gaps when it is in one; false when it was seen before. */
  #fillGap(seq: number): boolean {
    let lo = 0;
    let hi = this.#gaps.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const gap = this.#gaps[mid]!;
      if (seq < gap.from) hi = mid - 1;
      else if (seq > gap.to) lo = mid + 1;
      else {
        const pieces: Gap[] = [];
        if (gap.from < seq) pieces.push({ from: gap.from, to: seq - 1 });
        if (seq < gap.to) pieces.push({ from: seq + 1, to: gap.to });
        this.#gaps.splice(mid, 1, ...pieces);
        return true;
      }
    }
    return false;
  }

  #report(into: AuditProblem[], problem: AuditProblem): void {
    this.#problemCount += 1;
    if (into.length < this.#maxProblems) into.push(problem);
  }
}

/** Verifies a whole log held in memory (or streamed from an iterable). */
export function verifyAuditLog(entries: Iterable<StoredAuditEntry>, checkpoints: Iterable<SignedCheckpoint>, options: AuditVerifierOptions): AuditVerification {
  const verifier = new AuditLogVerifier(options);
  verifier.addAll(entries);
  return verifier.finish(checkpoints);
}
