import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of processes, from /proc (Linux), so a benchmark can report CPU per operation: on a
 * small shared machine a rate moves with whatever else runs, CPU per operation much less.
 */

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU of a process in milliseconds; 0 where unreadable. */
export function processCpuMs(pid: number | string): { comm: string; ms: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime) are at 11 and 12 after the command name.
    return { comm: stat.slice(stat.indexOf('(') + 1, close), ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS };
  } catch {
    return { comm: '', ms: 0 };
  }
}

/** CPU so far of every PostgreSQL process on this machine (backends, WAL writer, checkpointer...), by pid. */
export function postgresCpu(): Map<string, number> {
  const byPid = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const { comm, ms } = processCpuMs(entry);
    if (comm === 'postgres') byPid.set(entry, ms);
  }
  return byPid;
}

/**
 * PostgreSQL CPU in milliseconds between two samples: what each process present at the end used
 * since the first sample (all of it for one started since). A process that exited in between
 * is not counted, rather than subtracting its whole life from the total.
 */
export function postgresCpuBetween(before: Map<string, number>, after: Map<string, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** This process's own CPU in milliseconds. */
export function ownCpuMs(): number {
  const self = process.cpuUsage();
  return (self.user + self.system) / 1000;
}
