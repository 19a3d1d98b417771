import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { consistencyProof, emptyRoot, hashLeaf, inclusionProof, rootOf, verifyConsistency, verifyInclusion } from './merkle.js';
import { MerkleTree } from './tree.js';

const leavesOf = (n: number): Buffer[] => Array.from({ length: n }, (_, i) => hashLeaf(Buffer.from(`entry ${i}`)));

describe('MerkleTree', () => {
  const leaves = leavesOf(20);
  const tree = MerkleTree.fromLeafHashes(leaves);

  it('has the root of the list at its current size and at every earlier size', () => {
    expect(tree.size).toBe(20);
    expect(tree.root(0)).toEqual(emptyRoot());
    for (let n = 0; n <= 20; n++) expect(tree.root(n)).toEqual(rootOf(leaves.slice(0, n)));
    expect(tree.root()).toEqual(rootOf(leaves));
  });

  it('grows one leaf at a time to the same roots as building at once', () => {
    const grown = new MerkleTree();
    for (let i = 0; i < 20; i++) {
      expect(grown.append(leaves[i]!)).toBe(i);
      expect(grown.root()).toEqual(rootOf(leaves.slice(0, i + 1)));
    }
  });

  it('builds from any iterable, not only an array', () => {
    function* generate() {
      yield* leaves;
    }
    expect(MerkleTree.fromLeafHashes(generate()).root()).toEqual(tree.root());
  });

  it('proves inclusion of every leaf in every tree size up to 20, as the RFC recursion does', () => {
    for (let n = 1; n <= 20; n++) {
      const root = tree.root(n);
      for (let m = 0; m < n; m++) {
        const proof = tree.inclusionProof(m, n);
        expect(proof).toEqual(inclusionProof(leaves.slice(0, n), m));
        expect(verifyInclusion(m, n, leaves[m]!, proof, root)).toBe(true);
        // The same proof says nothing for another leaf or another root.
        expect(verifyInclusion(m, n, leaves[(m + 1) % 20]!, proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(m, n, leaves[m]!, proof, tree.root(n - 1))).toBe(false);
      }
    }
  });

  it('proves consistency of every pair of sizes up to 20, as the RFC recursion does', () => {
    for (let n = 1; n <= 20; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = tree.consistencyProof(m, n);
        expect(proof).toEqual(consistencyProof(leaves.slice(0, n), m));
        expect(verifyConsistency(m, n, tree.root(m), tree.root(n), proof)).toBe(true);
        if (m < n) {
          expect(verifyConsistency(m, n, tree.root(n), tree.root(m), proof)).toBe(false);
          expect(verifyConsistency(m, n, tree.root(m), tree.root(n - 1), proof)).toBe(false);
        }
      }
    }
  });

  it('gives an empty consistency proof for equal sizes, including two empty trees', () => {
    expect(tree.consistencyProof(7, 7)).toEqual([]);
    expect(tree.consistencyProof(0, 0)).toEqual([]);
    expect(verifyConsistency(0, 0, tree.root(0), tree.root(0), [])).toBe(true);
  });

  it('refuses sizes and indices it cannot answer for', () => {
    expect(() => tree.root(21)).toThrow(RangeError);
    expect(() => tree.root(-1)).toThrow(RangeError);
    expect(() => tree.inclusionProof(5, 5)).toThrow(RangeError);
    expect(() => tree.inclusionProof(0, 21)).toThrow(RangeError);
    expect(() => tree.inclusionProof(1.5, 10)).toThrow(RangeError);
    expect(() => tree.consistencyProof(0, 5)).toThrow(RangeError);
    expect(() => tree.consistencyProof(6, 5)).toThrow(RangeError);
    expect(() => tree.consistencyProof(5, 21)).toThrow(RangeError);
    expect(() => tree.append(Buffer.alloc(31))).toThrow(RangeError);
    expect(() => tree.leafHash(20)).toThrow(RangeError);
  });

  it('hands out copies, so a caller cannot alter the tree', () => {
    const proof = tree.inclusionProof(3, 20);
    proof[0]!.fill(0);
    tree.root().fill(0);
    tree.leafHash(3).fill(0);
    expect(tree.inclusionProof(3, 20)).toEqual(inclusionProof(leaves, 3));
    expect(tree.root()).toEqual(rootOf(leaves));
  });

  it('keeps historical answers while it grows past buffer reallocations', () => {
    const big = leavesOf(300);
    const growing = new MerkleTree();
    const roots: Buffer[] = [];
    for (const leaf of big) {
      growing.append(leaf);
      roots.push(growing.root());
    }
    for (const n of [1, 63, 64, 65, 128, 255, 256, 257, 300]) {
      expect(growing.root(n)).toEqual(roots[n - 1]);
      expect(verifyConsistency(n, 300, roots[n - 1]!, growing.root(), growing.consistencyProof(n))).toBe(true);
    }
  });
});

describe('MerkleTree properties', () => {
  const leaves = leavesOf(600);
  const tree = MerkleTree.fromLeafHashes(leaves);

  it('every inclusion proof verifies, and flipping any bit of it is caught', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1), fc.nat(), fc.nat(255))), ([n, m, pick, bit]) => {
        const proof = tree.inclusionProof(m, n);
        const root = tree.root(n);
        expect(verifyInclusion(m, n, leaves[m]!, proof, root)).toBe(true);
        if (proof.length === 0) return;
        const tampered = proof.map((p) => Buffer.from(p));
        const target = tampered[pick % tampered.length]!;
        target[bit % 32]! ^= 1 << (bit % 8);
        expect(verifyInclusion(m, n, leaves[m]!, tampered, root)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('every consistency proof verifies, and one from a different history does not', () => {
    const other = MerkleTree.fromLeafHashes(leaves.map((leaf, i) => (i === 17 ? hashLeaf(Buffer.from('forged')) : leaf)));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }).chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n))), ([m, n]) => {
        const proof = tree.consistencyProof(m, n);
        expect(verifyConsistency(m, n, tree.root(m), tree.root(n), proof)).toBe(true);
        // A tree that differs at leaf 17 agrees with ours only on sizes up to 17.
        const forkedSecond = verifyConsistency(m, n, tree.root(m), other.root(n), proof);
        expect(forkedSecond).toBe(n <= 17);
      }),
      { numRuns: 300 },
    );
  });
});

describe('MerkleTree.appendHex', () => {
  it('builds the same tree as append() from the same leaf hashes in hex', () => {
    const leaves = leavesOf(37);
    const fromHex = new MerkleTree();
    for (const leaf of leaves) fromHex.appendHex(leaf.toString('hex'));
    const fromBytes = MerkleTree.fromLeafHashes(leaves);
    for (let n = 0; n <= 37; n++) expect(fromHex.root(n)).toEqual(fromBytes.root(n));
    expect(fromHex.inclusionProof(11)).toEqual(fromBytes.inclusionProof(11));
  });

  it('refuses text that is not 64 hex digits and stays as it was', () => {
    const tree = new MerkleTree();
    tree.appendHex(leavesOf(1)[0]!.toString('hex'));
    const root = tree.root();
    for (const bad of ['', 'ab', 'zz'.repeat(32), `${'0'.repeat(62)}xy`, '0'.repeat(66)]) expect(() => tree.appendHex(bad)).toThrow(RangeError);
    expect(tree.size).toBe(1);
    expect(tree.root()).toEqual(root);
    tree.appendHex(leavesOf(2)[1]!.toString('hex'));
    expect(tree.root()).toEqual(rootOf(leavesOf(2)));
  });
});
