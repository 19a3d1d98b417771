import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * PGlite is one Postgres backend inside one process: two processes opening the same files would
 * corrupt them. The process that opens a data dir writes this lock; any other process reads it
 * and either talks to the owner through its admin socket or refuses.
 */
export interface LockInfo {
  pid: number;
  adminSocket: string | null;
  startedAt: string;
}

export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: LockInfo,
  ) {
    super(
      `the data directory ${dataDir} is in use by another Custos process (pid ${owner.pid}); ` +
        'stop it, or run this command while it serves so it goes through its admin channel',
    );
    this.name = 'DataDirBusyError';
  }
}

export const lockPath = (dataDir: string) => join(dataDir, 'custos.lock');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live owner of a data dir, or null when it is free (a stale lock of a dead process is free). */
export function readLock(dataDir: string): LockInfo | null {
  let info: LockInfo;
  try {
    info = JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockInfo;
  } catch {
    return null;
  }
  if (info.pid === process.pid) return null;
  return isAlive(info.pid) ? info : null;
}

export interface DataDirLock {
  setAdminSocket(path: string | null): void;
  release(): void;
}

export function acquireLock(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = lockPath(dataDir);
  const info: LockInfo = { pid: process.pid, adminSocket: null, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // 'wx' makes creation atomic: of two processes starting at once, exactly one gets the lock.
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      const write = () => {
        const tmp = openSync(path, 'w', 0o600);
        writeSync(tmp, JSON.stringify(info));
        closeSync(tmp);
      };
      return {
        setAdminSocket(socket) {
          info.adminSocket = socket;
          write();
        },
        release() {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readLock(dataDir);
      if (owner) throw new DataDirBusyError(dataDir, owner);
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`could not lock the data directory ${dataDir}`);
}
