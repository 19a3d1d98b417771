import { describe, expect, it } from 'vitest';
import { createGroupCommitter, type GroupCommitOptions } from './group-commit.js';

interface Item {
  key: string;
  value: number;
}

/** A fake store whose commits finish only when the test says so, recording what went together. */
function fakeStore(refuse: (item: Item) => boolean = () => false) {
  const commits: { kind: 'one' | 'many'; items: Item[] }[] = [];
  const open: (() => void)[] = [];
  const inFlightKeys: string[][] = [];
  let overlap = false;
  const hold = (items: Item[]) =>
    new Promise<void>((resolve) => {
      const keys = items.map((i) => i.key);
      if (inFlightKeys.some((ks) => ks.some((k) => keys.includes(k)))) overlap = true;
      inFlightKeys.push(keys);
      open.push(() => {
        inFlightKeys.splice(inFlightKeys.indexOf(keys), 1);
        resolve();
      });
    });
  const options: Pick<GroupCommitOptions<Item, number>, 'commitMany' | 'commitOne'> = {
    async commitOne(item) {
      commits.push({ kind: 'one', items: [item] });
      await hold([item]);
      if (refuse(item)) throw new Error(`refused ${item.value}`);
      return item.value * 10;
    },
    async commitMany(items) {
      commits.push({ kind: 'many', items: [...items] });
      await hold([...items]);
      if (items.some(refuse)) throw new Error('batch refused');
      return items.map((i) => i.value * 10);
    },
  };
  /** Lets every commit now in flight finish, then lets the committer start the next ones. */
  const finishAll = async () => {
    for (const release of open.splice(0)) release();
    await new Promise((r) => setImmediate(r));
  };
  return { options, commits, finishAll, overlap: () => overlap };
}

const item = (key: string, value: number): Item => ({ key, value });

async function settle<T>(promises: Promise<T>[], store: { finishAll(): Promise<void> }) {
  let done = false;
  const all = Promise.allSettled(promises).finally(() => (done = true));
  for (let i = 0; i < 100 && !done; i++) await store.finishAll();
  return all;
}

describe('group commit', () => {
  it('writes an item that arrives when a slot is free at once and alone, and batches what arrives meanwhile', async () => {
    const store = fakeStore();
    const committer = createGroupCommitter({ ...store.options, maxInFlight: 1 });
    const first = committer.submit(item('a', 1));
    const later = [2, 3, 4].map((v) => committer.submit(item(`k${v}`, v)));
    expect(store.commits).toEqual([{ kind: 'one', items: [item('a', 1)] }]);
    const results = await settle([first, ...later], store);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : null))).toEqual([10, 20, 30, 40]);
    expect(store.commits[1]).toEqual({ kind: 'many', items: [item('k2', 2), item('k3', 3), item('k4', 4)] });
    expect(store.commits).toHaveLength(2);
  });

  it('never puts two items of one key in the same commit or in two commits at once, and keeps their order', async () => {
    const store = fakeStore();
    const committer = createGroupCommitter({ ...store.options, keyOf: (i: Item) => i.key, maxInFlight: 2 });
    const items = [item('a', 1), item('a', 2), item('b', 3), item('a', 4), item('c', 5), item('b', 6)];
    const results = await settle(items.map((i) => committer.submit(i)), store);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    for (const commit of store.commits) {
      const keys = commit.items.map((i) => i.key);
      expect(new Set(keys).size).toBe(keys.length);
    }
    expect(store.overlap()).toBe(false);
    const order = store.commits.flatMap((c) => c.items).filter((i) => i.key === 'a').map((i) => i.value);
    expect(order).toEqual([1, 2, 4]);
  });

  it('without keys, holds at most maxBatch items per commit', async () => {
    const store = fakeStore();
    const committer = createGroupCommitter({ ...store.options, maxBatch: 3, maxInFlight: 1 });
    const results = await settle(Array.from({ length: 8 }, (_, v) => committer.submit(item('same', v))), store);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(store.commits.map((c) => c.items.length)).toEqual([1, 3, 3, 1]);
  });

  it('tries a refused batch again item by item: only the culprit fails', async () => {
    const store = fakeStore((i) => i.value === 3);
    const committer = createGroupCommitter({ ...store.options, maxInFlight: 1 });
    const results = await settle([1, 2, 3, 4].map((v) => committer.submit(item(`k${v}`, v))), store);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason.message).toBe('refused 3');
    expect(store.commits.map((c) => c.kind)).toEqual(['one', 'many', 'one', 'one', 'one']);
  });

  it('fails every item of a batch whose results do not match its items, rather than mislabel them', async () => {
    const committer = createGroupCommitter<Item, number>({
      commitOne: async (i) => i.value,
      commitMany: async (items) => items.slice(1).map((i) => i.value),
      maxInFlight: 1,
    });
    const outcomes = await Promise.allSettled([1, 2, 3].map((v) => committer.submit(item(`k${v}`, v))));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
  });

  it('close waits for what was submitted and refuses what comes after', async () => {
    const store = fakeStore();
    const committer = createGroupCommitter({ ...store.options, name: 'test committer' });
    const pending = [1, 2, 3].map((v) => committer.submit(item(`k${v}`, v)));
    let closed = false;
    const closing = committer.close().then(() => (closed = true));
    await expect(committer.submit(item('late', 9))).rejects.toThrow('the test committer is closed');
    expect(closed).toBe(false);
    await settle(pending, store);
    await closing;
    expect(closed).toBe(true);
  });
});
