import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkConsistency,
  checkInclusion,
  consistencyProof,
  emptyRoot,
  hashChildren,
  hashLeaf,
  inclusionProof,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';
import { MerkleTree } from './tree.js';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const vectorsDir = resolve(repositoryRoot, '../shared/data/merkle');
const haveVectors = existsSync(vectorsDir);

// The eight RFC 6962 reference leaves the vectors are built from.
const referenceLeaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((hex) => Buffer.from(hex, 'hex'));
const referenceLeafHashes = referenceLeaves.map((leaf) => hashLeaf(leaf));
const referenceTree = MerkleTree.fromLeafHashes(referenceLeafHashes);

const b64 = (text: string): Buffer => Buffer.from(text, 'base64');
const proofOf = (proof: string[] | null): Buffer[] => (proof ?? []).map(b64);

function vectorFiles(kind: 'inclusion' | 'consistency'): string[] {
  if (!haveVectors) return [];
  return (readdirSync(join(vectorsDir, kind), { recursive: true }) as string[])
    .filter((name) => name.endsWith('.json'))
    .map((name) => join(vectorsDir, kind, name))
    .sort();
}

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

// JSON numbers above 2^53 (one vector uses 2^64 - 1) parse to an inexact double; the verifier
// refuses any index that is not a safe integer, which is the right answer for those cases too.
const readVector = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

const vectorsLabel = haveVectors ? 'RFC 6962 test vectors' : `RFC 6962 test vectors (skipped: ${vectorsDir} not found)`;

describe.skipIf(!haveVectors)(vectorsLabel, () => {
  const inclusion = vectorFiles('inclusion');
  const consistency = vectorFiles('consistency');

  it('finds the vector files', () => {
    expect(inclusion.length).toBeGreaterThan(50);
    expect(consistency.length).toBeGreaterThan(50);
  });

  describe('inclusion', () => {
    for (const file of inclusion) {
      const v = readVector<InclusionVector>(file);
      it(`${relative(vectorsDir, file)}: ${v.desc} → ${v.wantErr ? 'rejected' : 'accepted'}`, () => {
        const check = checkInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), proofOf(v.proof), b64(v.root));
        expect(check.ok).toBe(!v.wantErr);
      });
    }
  });

  describe('consistency', () => {
    for (const file of consistency) {
      const v = readVector<ConsistencyVector>(file);
      it(`${relative(vectorsDir, file)}: ${v.desc} → ${v.wantErr ? 'rejected' : 'accepted'}`, () => {
        const check = checkConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), proofOf(v.proof));
        expect(check.ok).toBe(!v.wantErr);
      });
    }
  });

  it('MerkleTree produces exactly the proofs of the accepted vectors built on the reference leaves', () => {
    let compared = 0;
    for (const file of inclusion) {
      const v = readVector<InclusionVector>(file);
      if (v.wantErr || v.treeSize > referenceTree.size || !referenceTree.root(v.treeSize).equals(b64(v.root))) continue;
      expect(referenceTree.inclusionProof(v.leafIdx, v.treeSize)).toEqual(proofOf(v.proof));
      compared += 1;
    }
    for (const file of consistency) {
      const v = readVector<ConsistencyVector>(file);
      if (v.wantErr || v.size1 === 0 || v.size2 > referenceTree.size || !referenceTree.root(v.size2).equals(b64(v.root2))) continue;
      expect(referenceTree.consistencyProof(v.size1, v.size2)).toEqual(proofOf(v.proof));
      compared += 1;
    }
    expect(compared).toBeGreaterThanOrEqual(8);
  });
});

describe('RFC 6962 hashing', () => {
  it('hashes the empty tree to SHA-256 of the empty string', () => {
    expect(emptyRoot().toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(rootOf([]).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('prefixes leaves with 0x00 and nodes with 0x01', () => {
    const entry = Buffer.from('entry');
    expect(hashLeaf(entry)).toEqual(createHash('sha256').update(Buffer.from([0])).update(entry).digest());
    const [a, b] = [hashLeaf(Buffer.from('a')), hashLeaf(Buffer.from('b'))];
    expect(hashChildren(a, b)).toEqual(createHash('sha256').update(Buffer.from([1])).update(a).update(b).digest());
  });

  it('hashes a string leaf as its UTF-8 bytes', () => {
    for (const text of ['', 'plain', 'Zoë ✓ \u{1F600}', 'nul\u0000inside']) expect(hashLeaf(text)).toEqual(hashLeaf(Buffer.from(text, 'utf8')));
  });

  it('gives the reference root of the eight RFC 6962 leaves', () => {
    expect(rootOf(referenceLeafHashes).toString('hex')).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
    expect(referenceTree.root().toString('hex')).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
  });

  it('gives the root of a one-leaf tree as that leaf hash', () => {
    expect(rootOf([referenceLeafHashes[0]!])).toEqual(referenceLeafHashes[0]);
  });

  it('refuses a child hash that is not 32 bytes', () => {
    expect(() => hashChildren(Buffer.alloc(31), Buffer.alloc(32))).toThrow(RangeError);
  });
});

describe('proofs over a list of leaf hashes', () => {
  it('builds the RFC 6962 audit path for every leaf of the reference tree', () => {
    const root = rootOf(referenceLeafHashes);
    for (let m = 0; m < 8; m++) {
      const proof = inclusionProof(referenceLeafHashes, m);
      expect(proof).toHaveLength(3);
      expect(verifyInclusion(m, 8, referenceLeafHashes[m]!, proof, root)).toBe(true);
      expect(verifyInclusion(m, 8, referenceLeafHashes[(m + 1) % 8]!, proof, root)).toBe(false);
    }
  });

  it('builds consistency proofs between every pair of reference prefixes', () => {
    for (let n = 1; n <= 8; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(referenceLeafHashes.slice(0, n), m);
        expect(verifyConsistency(m, n, rootOf(referenceLeafHashes.slice(0, m)), rootOf(referenceLeafHashes.slice(0, n)), proof)).toBe(true);
      }
    }
  });

  it('refuses to build proofs for positions outside the list', () => {
    expect(() => inclusionProof(referenceLeafHashes, 8)).toThrow(RangeError);
    expect(() => inclusionProof(referenceLeafHashes, -1)).toThrow(RangeError);
    expect(() => consistencyProof(referenceLeafHashes, 9)).toThrow(RangeError);
    expect(() => consistencyProof(referenceLeafHashes, 0)).toThrow(RangeError);
  });
});

describe('verification refuses malformed input', () => {
  const root = referenceTree.root(7);
  const leaf = referenceLeafHashes[2]!;
  const proof = referenceTree.inclusionProof(2, 7);

  it('accepts the genuine inclusion proof', () => {
    expect(checkInclusion(2, 7, leaf, proof, root)).toEqual({ ok: true });
  });

  it.each([
    ['index equal to size', () => checkInclusion(7, 7, leaf, proof, root)],
    ['negative index', () => checkInclusion(-1, 7, leaf, proof, root)],
    ['fractional index', () => checkInclusion(2.5, 7, leaf, proof, root)],
    ['unsafe size', () => checkInclusion(2, 2 ** 60, leaf, proof, root)],
    ['wrong size', () => checkInclusion(2, 4, leaf, proof, root)],
    ['size that puts the leaf on the right edge', () => checkInclusion(2, 3, leaf, proof, root)],
    ['short leaf hash', () => checkInclusion(2, 7, leaf.subarray(0, 31), proof, root)],
    ['missing element', () => checkInclusion(2, 7, leaf, proof.slice(1), root)],
    ['extra element', () => checkInclusion(2, 7, leaf, [...proof, proof[0]!], root)],
    ['short element', () => checkInclusion(2, 7, leaf, [proof[0]!.subarray(1), ...proof.slice(1)], root)],
    ['reordered elements', () => checkInclusion(2, 7, leaf, [...proof].reverse(), root)],
    ['wrong root', () => checkInclusion(2, 7, leaf, proof, referenceTree.root(8))],
  ])('inclusion: %s', (_name, run) => {
    const check = run();
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).not.toBe('');
  });

  const r3 = referenceTree.root(3);
  const r7 = referenceTree.root(7);
  const cproof = referenceTree.consistencyProof(3, 7);

  it('accepts the genuine consistency proof', () => {
    expect(checkConsistency(3, 7, r3, r7, cproof)).toEqual({ ok: true });
  });

  it.each([
    ['size1 > size2', () => checkConsistency(7, 3, r7, r3, cproof)],
    ['swapped roots', () => checkConsistency(3, 7, r7, r3, cproof)],
    ['size1 = 0', () => checkConsistency(0, 7, emptyRoot(), r7, [])],
    ['equal sizes, different roots', () => checkConsistency(7, 7, r3, r7, [])],
    ['equal sizes, non-empty proof', () => checkConsistency(7, 7, r7, r7, [r7])],
    ['empty sizes, wrong root', () => checkConsistency(0, 0, r3, r3, [])],
    ['empty proof', () => checkConsistency(3, 7, r3, r7, [])],
    ['missing element', () => checkConsistency(3, 7, r3, r7, cproof.slice(0, -1))],
    ['extra element', () => checkConsistency(3, 7, r3, r7, [...cproof, r3])],
    ['wrong size2', () => checkConsistency(3, 8, r3, referenceTree.root(8), cproof)],
    ['wrong size1', () => checkConsistency(2, 7, referenceTree.root(2), r7, cproof)],
    ['negative size', () => checkConsistency(-3, 7, r3, r7, cproof)],
  ])('consistency: %s', (_name, run) => {
    expect(run().ok).toBe(false);
  });

  it('accepts the trivial cases the RFC defines', () => {
    expect(checkConsistency(0, 0, emptyRoot(), emptyRoot(), []).ok).toBe(true);
    expect(checkConsistency(5, 5, referenceTree.root(5), referenceTree.root(5), []).ok).toBe(true);
    expect(checkInclusion(0, 1, leaf, [], leaf).ok).toBe(true);
  });
});
