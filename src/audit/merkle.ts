import { hash } from 'node:crypto';

/**
 * RFC 6962 / RFC 9162 Merkle tree hashing, proofs over a plain list of leaf hashes, and proof
 * verification. The list functions are the literal recursive definitions of the RFC: they are the
 * reference the fast incremental tree (tree.ts) is tested against, and are fine for small lists.
 *
 * Sizes and indices are JavaScript numbers; anything that is not a non-negative safe integer is
 * refused, so the arithmetic below (division, never 32-bit bit operators) stays exact.
 */
export const HASH_BYTES = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

// A 'binary' (latin1) digest copied into a pooled Buffer costs a third of a 'buffer' digest, which
// gets an off-heap allocation of its own; at two hashes per log entry that adds up.
const sha256 = (data: Uint8Array): Buffer => Buffer.from(hash('sha256', data, 'binary'), 'binary');

const EMPTY_ROOT = sha256(Buffer.alloc(0));

// Node hashing is the hot path of building and verifying a log; one reused input buffer spares an
// allocation per hash. Safe because every use is synchronous.
const nodeInput = Buffer.alloc(1 + 2 * HASH_BYTES);
nodeInput[0] = NODE_PREFIX;

/** The root of the empty tree, SHA-256 of the empty string. A fresh copy: callers may not alter ours. */
export const emptyRoot = (): Buffer => Buffer.from(EMPTY_ROOT);

/** Leaf hash: SHA-256(0x00 ‖ entry). A string entry stands for its UTF-8 bytes. */
export function hashLeaf(entry: Uint8Array | string): Buffer {
  // U+0000 is the single byte 0x00 in UTF-8, so the prefix can ride in the string and node:crypto
  // encodes it with the entry, with no intermediate Buffer per entry.
  if (typeof entry === 'string') return Buffer.from(hash('sha256', `\u0000${entry}`, 'binary'), 'binary');
  const input = Buffer.allocUnsafe(1 + entry.length);
  input[0] = LEAF_PREFIX;
  input.set(entry, 1);
  return sha256(input);
}

/** hashLeaf of a string entry as lower-case hex: what a verifier compares with a leaf hash stored as hex. */
export function hashLeafHex(entry: string): string {
  return hash('sha256', `\u0000${entry}`, 'hex');
}

/** Interior node hash: SHA-256(0x01 ‖ left ‖ right), for two 32-byte child hashes. */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_BYTES || right.length !== HASH_BYTES) throw new RangeError(`child hashes must be ${HASH_BYTES} bytes`);
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_BYTES);
  return sha256(nodeInput);
}

/**
 * hashChildren for two hashes that sit next to each other in one buffer (the tree's level arrays),
 * as a 'binary' (latin1) string of the 32 digest bytes, written straight into a level buffer.
 */
export function hashAdjacentChildrenBinary(level: Buffer, leftOffset: number): string {
  level.copy(nodeInput, 1, leftOffset, leftOffset + 2 * HASH_BYTES);
  return hash('sha256', nodeInput, 'binary');
}

export const isTreeSize = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

const isHash = (value: unknown): value is Uint8Array => value instanceof Uint8Array && value.length === HASH_BYTES;

const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

/** The largest power of two strictly below n, for n >= 2: the size of the left subtree (RFC 6962 §2.1). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export const isPowerOfTwo = (n: number): boolean => n > 0 && splitPoint(n + 1) === n;

const half = (n: number): number => Math.floor(n / 2);
const isOdd = (n: number): boolean => n % 2 === 1;

/** MTH of a list of leaf hashes (RFC 6962 §2.1), in O(n) node hashes. */
export function rootOf(leafHashes: readonly Uint8Array[]): Buffer {
  return rangeRoot(leafHashes, 0, leafHashes.length);
}

function rangeRoot(leaves: readonly Uint8Array[], start: number, end: number): Buffer {
  const n = end - start;
  if (n === 0) return emptyRoot();
  if (n === 1) {
    const leaf = leaves[start]!;
    if (!isHash(leaf)) throw new RangeError(`leaf hash ${start} is not ${HASH_BYTES} bytes`);
    return Buffer.from(leaf);
  }
  const k = splitPoint(n);
  return hashChildren(rangeRoot(leaves, start, start + k), rangeRoot(leaves, start + k, end));
}

/** PATH(m, D[n]) of RFC 6962 §2.1.1 over the whole list: the audit path of leaf m, deepest sibling first. */
export function inclusionProof(leafHashes: readonly Uint8Array[], leafIndex: number): Buffer[] {
  const n = leafHashes.length;
  if (!isTreeSize(leafIndex) || leafIndex >= n) throw new RangeError(`leaf index ${leafIndex} is outside a tree of size ${n}`);
  const path = (m: number, start: number, end: number): Buffer[] => {
    if (end - start === 1) return [];
    const k = splitPoint(end - start);
    return m < k ? [...path(m, start, start + k), rangeRoot(leafHashes, start + k, end)] : [...path(m - k, start + k, end), rangeRoot(leafHashes, start, start + k)];
  };
  return path(leafIndex, 0, n);
}

/** PROOF(m, D[n]) of RFC 6962 §2.1.2 over the whole list, for 0 < m <= n (empty when m = n). */
export function consistencyProof(leafHashes: readonly Uint8Array[], size1: number): Buffer[] {
  const n = leafHashes.length;
  if (!isTreeSize(size1) || size1 > n) throw new RangeError(`size ${size1} is outside a tree of size ${n}`);
  if (size1 === 0) {
    if (n === 0) return [];
    throw new RangeError('a consistency proof needs a non-empty first tree');
  }
  const subproof = (m: number, start: number, end: number, whole: boolean): Buffer[] => {
    if (m === end - start) return whole ? [] : [rangeRoot(leafHashes, start, end)];
    const k = splitPoint(end - start);
    return m <= k
      ? [...subproof(m, start, start + k, whole), rangeRoot(leafHashes, start + k, end)]
      : [...subproof(m - k, start + k, end, false), rangeRoot(leafHashes, start, start + k)];
  };
  return subproof(size1, 0, n, true);
}

/** A verification outcome that says why a proof is refused, for logs and the log verifier's report. */
export type ProofCheck = { ok: true } | { ok: false; reason: string };

const accepted: ProofCheck = { ok: true };
const refused = (reason: string): ProofCheck => ({ ok: false, reason });

function malformedHashes(proof: readonly Uint8Array[]): string | null {
  if (!Array.isArray(proof)) return 'proof must be an array of hashes';
  const at = proof.findIndex((p) => !isHash(p));
  return at >= 0 ? `proof element ${at} is not a ${HASH_BYTES}-byte hash` : null;
}

/** The root that an inclusion proof leads to (RFC 9162 §2.1.3.2), or why the proof is malformed. */
function inclusionRoot(leafIndex: number, treeSize: number, leafHash: Uint8Array, proof: readonly Uint8Array[]): Buffer | string {
  if (!isTreeSize(leafIndex) || !isTreeSize(treeSize)) return 'leaf index and tree size must be non-negative safe integers';
  if (leafIndex >= treeSize) return `leaf index ${leafIndex} is not below tree size ${treeSize}`;
  if (!isHash(leafHash)) return `leaf hash is not ${HASH_BYTES} bytes`;
  const malformed = malformedHashes(proof);
  if (malformed) return malformed;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (sn === 0) return 'proof has more elements than the path from this leaf to the root';
    if (isOdd(fn) || fn === sn) {
      r = hashChildren(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return 'proof has fewer elements than the path from this leaf to the root';
  return r;
}

/** RFC 9162 §2.1.3.2: does `proof` show that `leafHash` is leaf `leafIndex` of the tree of `treeSize` with `root`? */
export function checkInclusion(leafIndex: number, treeSize: number, leafHash: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): ProofCheck {
  const computed = inclusionRoot(leafIndex, treeSize, leafHash, proof);
  if (typeof computed === 'string') return refused(computed);
  return bytesEqual(computed, root) ? accepted : refused('proof does not lead to the given root');
}

export function verifyInclusion(leafIndex: number, treeSize: number, leafHash: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  return checkInclusion(leafIndex, treeSize, leafHash, proof, root).ok;
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show that the tree of `size2` with `root2` extends the tree of
 * `size1` with `root1`? Defined there for 0 < size1 < size2; equal sizes are consistent when the
 * proof is empty and the roots are the same. A consistency claim from the empty tree proves nothing
 * about any later tree, so it is refused rather than vacuously accepted.
 */
export function checkConsistency(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: readonly Uint8Array[]): ProofCheck {
  if (!isTreeSize(size1) || !isTreeSize(size2)) return refused('tree sizes must be non-negative safe integers');
  if (size1 > size2) return refused(`size1 ${size1} is greater than size2 ${size2}`);
  const malformed = malformedHashes(proof);
  if (malformed) return refused(malformed);
  if (size1 === size2) {
    if (proof.length > 0) return refused('trees of equal size need an empty proof');
    if (size1 === 0 && !bytesEqual(root1, EMPTY_ROOT)) return refused('the root of the empty tree is SHA-256 of the empty string');
    return bytesEqual(root1, root2) ? accepted : refused('trees of equal size have different roots');
  }
  if (size1 === 0) return refused('a consistency proof needs a non-empty first tree');
  if (proof.length === 0) return refused('proof is empty');
  if (!isHash(root1) || !isHash(root2)) return refused(`roots must be ${HASH_BYTES}-byte hashes`);

  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr = fr;
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return refused('proof has more elements than the two trees need');
    if (isOdd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return refused('proof has fewer elements than the two trees need');
  if (!bytesEqual(fr, root1)) return refused('proof does not lead to root1');
  if (!bytesEqual(sr, root2)) return refused('proof does not lead to root2');
  return accepted;
}

export function verifyConsistency(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: readonly Uint8Array[]): boolean {
  return checkConsistency(size1, size2, root1, root2, proof).ok;
}
