/**
 * Group commit, one level above PostgreSQL's own: writes that arrive while a commit is in
 * flight wait and go together in the next one. A commit costs the database and the client about
 * the same CPU for one row as for hundreds, so under load the rate is set by how many writes share
 * a commit, not by the commit rate. Nothing waits on a timer: a write that arrives when a commit
 * slot is free goes at once, alone (through `commitOne`), so a quiet system pays no latency.
 *
 * `submit` resolves with the write's own result only once its commit has happened, so a caller
 * goes on exactly as if it had committed alone. A batch the database refuses as a whole is tried
 * again item by item, so one bad write never fails the writes that happened to share its commit.
 */
export interface GroupCommitter<T, R> {
  /** Resolves with the item's result once committed; rejects when it was not. */
  submit(item: T): Promise<R>;
  /** Waits for every item already submitted; later submits are refused. */
  close(): Promise<void>;
}

export interface GroupCommitOptions<T, R> {
  /** Commits several items in one statement; one result per item, in the items' order. */
  commitMany(items: readonly T[]): Promise<readonly R[]>;
  /** Commits one item: a write that arrives alone, and each item of a refused batch. */
  commitOne(item: T): Promise<R>;
  /** Items per commit at most (default 1,000: one statement's arrays stay small). */
  maxBatch?: number;
  /** Commits in flight at once (default 2: one flushing while the next fills). */
  maxInFlight?: number;
  /**
   * Items with the same key never share a commit, nor go in two commits at once: a later one
   * waits for the next commit after the earlier one's. (For writes that lock a row: one statement
   * must not update a row twice, and two commits in flight must not wait on each other's rows.)
   */
  keyOf?: (item: T) => string;
  /** What a refused submit after `close` says. */
  name?: string;
}

interface Waiting<T, R> {
  item: T;
  key: string | null;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export function createGroupCommitter<T, R>(options: GroupCommitOptions<T, R>): GroupCommitter<T, R> {
  const { commitMany, commitOne, keyOf } = options;
  const maxBatch = options.maxBatch ?? 1000;
  const maxInFlight = options.maxInFlight ?? 2;
  let queue: Waiting<T, R>[] = [];
  /** Keys of the items in commits now in flight. */
  const busy = new Set<string>();
  let inFlight = 0;
  let closed = false;
  let drained: (() => void) | null = null;

  const one = (w: Waiting<T, R>) => commitOne(w.item).then(w.resolve, w.reject);

  async function commit(batch: Waiting<T, R>[]): Promise<void> {
    if (batch.length === 1) return one(batch[0]!);
    let results: readonly R[];
    try {
      results = await commitMany(batch.map((w) => w.item));
    } catch {
      // Tried again one by one: each answers for itself (and the culprit gets its own error).
      await Promise.all(batch.map(one));
      return;
    }
    if (results.length !== batch.length) {
      const error = new Error(`a group commit returned ${results.length} results for ${batch.length} items`);
      for (const w of batch) w.reject(error);
      return;
    }
    batch.forEach((w, i) => w.resolve(results[i]!));
  }

  /** The next batch in arrival order: items whose key is busy or already taken stay queued, in order. */
  function takeBatch(): Waiting<T, R>[] {
    if (!keyOf) {
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = batch === queue ? [] : queue.slice(maxBatch);
      return batch;
    }
    const batch: Waiting<T, R>[] = [];
    const rest: Waiting<T, R>[] = [];
    const taken = new Set<string>();
    for (const w of queue) {
      if (batch.length < maxBatch && !busy.has(w.key!) && !taken.has(w.key!)) {
        taken.add(w.key!);
        batch.push(w);
      } else {
        rest.push(w);
      }
    }
    queue = rest;
    return batch;
  }

  function pump(): void {
    while (queue.length > 0 && inFlight < maxInFlight) {
      const batch = takeBatch();
      if (batch.length === 0) return;
      for (const w of batch) if (w.key !== null) busy.add(w.key);
      inFlight++;
      void commit(batch).finally(() => {
        for (const w of batch) if (w.key !== null) busy.delete(w.key);
        inFlight--;
        pump();
        if (inFlight === 0 && queue.length === 0 && drained) drained();
      });
    }
  }

  return {
    submit(item) {
      if (closed) return Promise.reject(new Error(`the ${options.name ?? 'group committer'} is closed`));
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, key: keyOf ? keyOf(item) : null, resolve, reject });
        pump();
      });
    },
    close() {
      closed = true;
      if (inFlight === 0 && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        drained = resolve;
      });
    },
  };
}
