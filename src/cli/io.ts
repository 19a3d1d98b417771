import type { Readable, Writable } from 'node:stream';

/**
 * Where a command writes and what it may read. The same command runs in its own process or,
 * through the admin channel, inside the running server, so it never touches process.* itself.
 */
export interface CliIO {
  /** Standard streams, for commands that filter data (absent inside the server's admin channel). */
  stdinStream?: Readable;
  stdoutStream?: Writable;
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

/** A failure the user can act on: printed as one line, exit status non-zero. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function processIO(): CliIO {
  return {
    stdinStream: process.stdin,
    stdoutStream: process.stdout,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
  };
}

export function bufferIO(base: Pick<CliIO, 'cwd' | 'env'>): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), cwd: base.cwd, isTTY: false, env: base.env };
}

export function parseInstant(value: string, flag: string): Date {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms)) throw new CliError(`${flag} must be an ISO-8601 instant, got "${value}"`);
  return new Date(ms);
}

export function parsePositiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`${flag} must be a positive whole number, got "${value}"`);
  return n;
}
