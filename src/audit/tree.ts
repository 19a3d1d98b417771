import { HASH_BYTES, emptyRoot, hashAdjacentChildrenBinary, hashChildren, isTreeSize, splitPoint } from './merkle.js';

/**
 * An append-only RFC 6962 Merkle tree held in memory, that answers for its current size and for
 * every earlier size.
 *
 * It keeps every complete subtree: level h holds the hashes of the aligned subtrees of 2^h leaves
 * (level 0 the leaf hashes), each level one contiguous buffer of 32-byte slots. A complete subtree
 * never changes once its last leaf is in, so the same arrays serve every historical size, and a
 * root, an inclusion proof or a consistency proof needs O(log n) lookups plus at most O(log n)
 * hashes for the one incomplete right edge. Memory is about 2 × 32 bytes per leaf.
 */
export class MerkleTree {
  #size = 0;
  // levels[h] holds floor(size / 2^h) hashes; capacity grows by doubling.
  readonly #levels: Buffer[] = [];
  readonly #counts: number[] = [];

  /** A tree of these leaf hashes, in order. Sizes the buffers once when it knows the count. */
  static fromLeafHashes(hashes: readonly Uint8Array[] | Iterable<Uint8Array>): MerkleTree {
    const tree = new MerkleTree();
    if (Array.isArray(hashes)) tree.#reserve(hashes.length);
    for (const leafHash of hashes) tree.append(leafHash);
    return tree;
  }

  get size(): number {
    return this.#size;
  }

  /** Appends one leaf hash (a hashLeaf() output) and returns its leaf index. Amortised O(1) hashes. */
  append(leafHash: Uint8Array): number {
    if (!(leafHash instanceof Uint8Array) || leafHash.length !== HASH_BYTES) throw new RangeError(`a leaf hash is ${HASH_BYTES} bytes`);
    this.#slot(0).set(leafHash, (this.#counts[0]! - 1) * HASH_BYTES);
    return this.#completePairs();
  }

  /** append() for a leaf hash given as 64 hex digits, written straight into the tree (the verifier's form). */
  appendHex(leafHashHex: string): number {
    if (typeof leafHashHex !== 'string' || leafHashHex.length !== 2 * HASH_BYTES) throw new RangeError(`a leaf hash is ${2 * HASH_BYTES} hex digits`);
    const slot = this.#slot(0);
    // Decoding stops at the first character that is not a hex digit: fewer bytes means it was not hex.
    if (slot.write(leafHashHex, (this.#counts[0]! - 1) * HASH_BYTES, HASH_BYTES, 'hex') !== HASH_BYTES) {
      this.#counts[0]! -= 1;
      throw new RangeError(`a leaf hash is ${2 * HASH_BYTES} hex digits`);
    }
    return this.#completePairs();
  }

  /** After a leaf went in: each odd index completes a pair; the parent may complete a pair one level up, and so on. */
  #completePairs(): number {
    const index = this.#size;
    let at = index;
    let level = 0;
    while (at % 2 === 1) {
      const parent = hashAdjacentChildrenBinary(this.#levels[level]!, (at - 1) * HASH_BYTES);
      this.#slot(level + 1).write(parent, (this.#counts[level + 1]! - 1) * HASH_BYTES, HASH_BYTES, 'latin1');
      at = (at - 1) / 2;
      level += 1;
    }
    this.#size = index + 1;
    return index;
  }

  /** The leaf hash at `leafIndex` (a copy). */
  leafHash(leafIndex: number): Buffer {
    this.#assertIndex(leafIndex, this.#size);
    return Buffer.from(this.#node(0, leafIndex));
  }

  /** The root of the tree's first `treeSize` leaves (default: all of them). */
  root(treeSize: number = this.#size): Buffer {
    this.#assertSize(treeSize);
    return treeSize === 0 ? emptyRoot() : Buffer.from(this.#rangeHash(0, treeSize));
  }

  /** PATH(leafIndex, D[treeSize]) (RFC 6962 §2.1.1): sibling hashes from the leaf up to the root. */
  inclusionProof(leafIndex: number, treeSize: number = this.#size): Buffer[] {
    this.#assertSize(treeSize);
    this.#assertIndex(leafIndex, treeSize);
    // Walk down from the root; the RFC's recursion lists the deepest sibling first.
    const siblings: Buffer[] = [];
    let start = 0;
    let width = treeSize;
    let m = leafIndex;
    while (width > 1) {
      const k = splitPoint(width);
      if (m < k) {
        siblings.push(this.#rangeHash(start + k, width - k));
        width = k;
      } else {
        siblings.push(this.#rangeHash(start, k));
        start += k;
        m -= k;
        width -= k;
      }
    }
    return siblings.reverse().map((h) => Buffer.from(h));
  }

  /**
   * PROOF(size1, D[size2]) (RFC 6962 §2.1.2) for 0 < size1 <= size2 <= size (empty when the sizes
   * are equal; also empty for 0 = size1 = size2). A proof from the empty tree is undefined.
   */
  consistencyProof(size1: number, size2: number = this.#size): Buffer[] {
    this.#assertSize(size2);
    if (!isTreeSize(size1) || size1 > size2) throw new RangeError(`size ${size1} is not within 0..${size2}`);
    if (size1 === size2) return [];
    if (size1 === 0) throw new RangeError('a consistency proof needs a non-empty first tree');
    const nodes: Buffer[] = [];
    let start = 0;
    let width = size2;
    let m = size1;
    let whole = true;
    while (m !== width) {
      const k = splitPoint(width);
      if (m <= k) {
        nodes.push(this.#rangeHash(start + k, width - k));
        width = k;
      } else {
        nodes.push(this.#rangeHash(start, k));
        start += k;
        m -= k;
        width -= k;
        whole = false;
      }
    }
    // SUBPROOF(m, D[m], false) = {MTH(D[m])}: the old tree's subtree, unless it is the whole old tree.
    if (!whole) nodes.push(this.#rangeHash(start, width));
    return nodes.reverse().map((h) => Buffer.from(h));
  }

  /**
   * MTH of leaves [start, start + width): a stored node when the range is a complete aligned
   * subtree, else split as RFC 6962 does. Ranges reached from the root are always aligned to their
   * split point, so only the right edge recurses. May return a view into the level buffers.
   */
  #rangeHash(start: number, width: number): Buffer {
    let level = 0;
    while (2 ** level < width) level += 1;
    if (2 ** level === width && start % width === 0) return this.#node(level, start / width);
    const k = splitPoint(width);
    return hashChildren(this.#rangeHash(start, k), this.#rangeHash(start + k, width - k));
  }

  #node(level: number, index: number): Buffer {
    const at = index * HASH_BYTES;
    return this.#levels[level]!.subarray(at, at + HASH_BYTES);
  }

  /** Makes room for one more hash at `level` and counts it; the caller writes it at (count - 1) * HASH_BYTES. */
  #slot(level: number): Buffer {
    const count = this.#counts[level] ?? 0;
    let buffer = this.#levels[level];
    if (!buffer || buffer.length < (count + 1) * HASH_BYTES) {
      const grown = Buffer.allocUnsafe(Math.max(64, (count + 1) * 2) * HASH_BYTES);
      buffer?.copy(grown, 0, 0, count * HASH_BYTES);
      buffer = grown;
      this.#levels[level] = grown;
    }
    this.#counts[level] = count + 1;
    return buffer;
  }

  #reserve(leafCount: number): void {
    for (let level = 0, n = leafCount; n > 0; level += 1, n = Math.floor(n / 2)) {
      if ((this.#levels[level]?.length ?? 0) >= n * HASH_BYTES) continue;
      const buffer = Buffer.allocUnsafe(n * HASH_BYTES);
      const count = this.#counts[level] ?? 0;
      this.#levels[level]?.copy(buffer, 0, 0, count * HASH_BYTES);
      this.#levels[level] = buffer;
      this.#counts[level] = count;
    }
  }

  #assertSize(treeSize: number): void {
    if (!isTreeSize(treeSize) || treeSize > this.#size) throw new RangeError(`tree size ${treeSize} is not within 0..${this.#size}`);
  }

  #assertIndex(leafIndex: number, treeSize: number): void {
    if (!isTreeSize(leafIndex) || leafIndex >= treeSize) throw new RangeError(`leaf index ${leafIndex} is not below tree size ${treeSize}`);
  }
}
