import { generateCheckpointKeyPair, signCheckpoint, verifyCheckpoint, type SignedCheckpoint } from '../src/audit/checkpoint.js';
import { entryLeafHash, type AuditEntry } from '../src/audit/entry.js';
import { HASH_BYTES, verifyConsistency, verifyInclusion } from '../src/audit/merkle.js';
import { MerkleTree } from '../src/audit/tree.js';
import { verifyAuditLog, type StoredAuditEntry } from '../src/audit/verify.js';
import { percentile, printTable, recordResult } from './support.js';

/**
 * `npm run bench -- audit-core [--entries 1000000] [--samples 10000]`: the pure audit-log core with
 * no database: hashing entries, building the tree, proofs at full and historical sizes, and the
 * full verifier over a streamed log. Deterministic inputs; random positions from a fixed seed.
 */
function entryAt(seq: number): AuditEntry {
  return {
    seq,
    at: new Date(Date.UTC(2025, 0, 1) + seq * 250).toISOString(),
    action: seq % 4 === 0 ? 'staff.read' : 'consent.change',
    actor: seq % 4 === 0 ? { kind: 'staff', id: `0190f5a0-1c2d-7000-8000-${String(seq % 97).padStart(12, '0')}` } : { kind: 'user', id: `USER${100000000000 + seq}` },
    subject: { accountPseudonym: `USER${100000000000 + seq}`, conversationId: `0190f5a0-1c2d-7000-8000-${String(seq).padStart(12, '0')}` },
    details: { purpose: 'support', case: `CASE-${seq % 1000}`, messages: seq % 50 },
  };
}

// A small deterministic generator, so two runs probe the same positions.
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function timeEach(samples: number, op: (i: number) => void): { meanMicros: number; p99Micros: number } {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    op(i);
    times.push((performance.now() - start) * 1000);
  }
  times.sort((a, b) => a - b);
  return { meanMicros: times.reduce((a, b) => a + b, 0) / samples, p99Micros: percentile(times, 99) };
}

function option(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

export async function run(args: string[]): Promise<void> {
  const n = option(args, '--entries', 1_000_000);
  const samples = option(args, '--samples', 10_000);
  const random = lcg(6962);
  const pick = (below: number) => Math.floor(random() * below);
  const rows: Record<string, string | number>[] = [];
  const row = (operation: string, value: number, unit: string) => rows.push({ operation, value: Number(value.toFixed(value < 10 ? 3 : 1)), unit });

  // Wall time can be inflated by other work on the machine; CPU time of this process shows the cost itself.
  const cpuSeconds = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1e6;
  };

  // 1. What appending costs per entry before any I/O: canonical encoding plus the leaf hash.
  let start = performance.now();
  let cpu = process.cpuUsage();
  const leafHashes = Buffer.allocUnsafe(n * HASH_BYTES);
  for (let seq = 0; seq < n; seq++) entryLeafHash(entryAt(seq)).copy(leafHashes, seq * HASH_BYTES);
  const hashSeconds = (performance.now() - start) / 1000;
  row(`entryLeafHash × ${n} (incl. building the entry objects)`, hashSeconds, 's');
  row('  cpu time', cpuSeconds(cpu), 's');
  const leafAt = (i: number) => leafHashes.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES);

  // 2. Building the tree from stored leaf hashes, as a process does when it starts.
  function* leaves() {
    for (let i = 0; i < n; i++) yield leafAt(i);
  }
  start = performance.now();
  cpu = process.cpuUsage();
  const tree = MerkleTree.fromLeafHashes(leaves());
  const buildSeconds = (performance.now() - start) / 1000;
  const buildCpuSeconds = cpuSeconds(cpu);
  row(`MerkleTree.fromLeafHashes × ${n}`, buildSeconds, 's');
  row('  cpu time', buildCpuSeconds, 's');
  row('memory after build (rss)', process.memoryUsage().rss / 2 ** 20, 'MiB');

  // 3. Proofs against the newest tree and against historical sizes.
  const root = tree.root();
  const inclusion = timeEach(samples, () => {
    const m = pick(n);
    tree.inclusionProof(m, n);
  });
  row(`inclusionProof at size ${n} (mean)`, inclusion.meanMicros, 'µs');
  row(`inclusionProof at size ${n} (p99)`, inclusion.p99Micros, 'µs');
  const historical = timeEach(samples, () => {
    const size = 1 + pick(n);
    tree.inclusionProof(pick(size), size);
  });
  row('inclusionProof at a random earlier size (mean)', historical.meanMicros, 'µs');
  row('inclusionProof at a random earlier size (p99)', historical.p99Micros, 'µs');
  const proofs = Array.from({ length: 1000 }, () => {
    const m = pick(n);
    return { m, proof: tree.inclusionProof(m, n) };
  });
  const verifyInc = timeEach(proofs.length, (i) => {
    const { m, proof } = proofs[i]!;
    if (!verifyInclusion(m, n, leafAt(m), proof, root)) throw new Error('inclusion proof failed');
  });
  row('verifyInclusion (mean)', verifyInc.meanMicros, 'µs');
  const consistency = timeEach(samples, () => {
    const size2 = 1 + pick(n);
    tree.consistencyProof(1 + pick(size2), size2);
  });
  row('consistencyProof between random sizes (mean)', consistency.meanMicros, 'µs');
  row('consistencyProof between random sizes (p99)', consistency.p99Micros, 'µs');
  const pairs = Array.from({ length: 1000 }, () => {
    const size1 = 1 + pick(n);
    return { size1, root1: tree.root(size1), proof: tree.consistencyProof(size1, n) };
  });
  const verifyCons = timeEach(pairs.length, (i) => {
    const { size1, root1, proof } = pairs[i]!;
    if (!verifyConsistency(size1, n, root1, root, proof)) throw new Error('consistency proof failed');
  });
  row('verifyConsistency (mean)', verifyCons.meanMicros, 'µs');
  const rootAt = timeEach(samples, () => tree.root(1 + pick(n)));
  row('root at a random earlier size (mean)', rootAt.meanMicros, 'µs');

  // 4. Checkpoints: one signature per checkpoint, one verification per checkpoint read.
  const keys = generateCheckpointKeyPair();
  const signedOne = signCheckpoint({ origin: 'bench/audit', size: n, rootHash: root }, keys.privateKey);
  row('signCheckpoint (mean)', timeEach(1000, () => signCheckpoint({ origin: 'bench/audit', size: n, rootHash: root }, keys.privateKey)).meanMicros, 'µs');
  row('verifyCheckpoint (mean)', timeEach(1000, () => verifyCheckpoint(signedOne, keys.publicKey)).meanMicros, 'µs');

  // 5. The full verifier over the whole log, streamed as a database cursor would hand it over.
  const checkpointEvery = Math.max(1, Math.floor(n / 100));
  const checkpoints: SignedCheckpoint[] = [];
  for (let size = checkpointEvery; size <= n; size += checkpointEvery) checkpoints.push(signCheckpoint({ origin: 'bench/audit', size, rootHash: tree.root(size) }, keys.privateKey));
  function* stored(): Generator<StoredAuditEntry> {
    for (let seq = 0; seq < n; seq++) yield { ...entryAt(seq), leafHash: leafAt(seq) };
  }
  // What producing the rows costs alone (a database driver pays its own version of it), so the
  // verifier's share can be read off.
  cpu = process.cpuUsage();
  let rowCount = 0;
  for (const entry of stored()) rowCount += entry.seq >= 0 ? 1 : 0;
  const rowsCpuSeconds = cpuSeconds(cpu);
  if (rowCount !== n) throw new Error('row generator miscounted');

  start = performance.now();
  cpu = process.cpuUsage();
  const result = verifyAuditLog(stored(), checkpoints, { publicKeys: keys.publicKey, origin: 'bench/audit' });
  const verifySeconds = (performance.now() - start) / 1000;
  const verifyCpuSeconds = cpuSeconds(cpu);
  if (!result.ok || result.size !== n || !result.rootHash.equals(root)) throw new Error('the benchmark log did not verify');
  row(`verifyAuditLog × ${n} entries, ${checkpoints.length} checkpoints`, verifySeconds, 's');
  row('  cpu time', verifyCpuSeconds, 's');
  row('  cpu time producing the rows alone', rowsCpuSeconds, 's');
  row('verifyAuditLog throughput', n / verifySeconds, 'entries/s');

  printTable(rows);
  recordResult('audit-core', {
    entries: n,
    samples,
    entryLeafHashSeconds: hashSeconds,
    buildSeconds,
    buildCpuSeconds,
    inclusionProofMicros: inclusion,
    historicalInclusionProofMicros: historical,
    verifyInclusionMicros: verifyInc.meanMicros,
    consistencyProofMicros: consistency,
    verifyConsistencyMicros: verifyCons.meanMicros,
    rootAtSizeMicros: rootAt.meanMicros,
    verifyLogSeconds: verifySeconds,
    verifyLogCpuSeconds: verifyCpuSeconds,
    rowsCpuSeconds,
    checkpoints: checkpoints.length,
  });
}
