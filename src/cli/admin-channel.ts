import { chmodSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { Container } from '../container.js';
import { bufferIO } from './io.js';
import { runCommand } from './program.js';
import { serverContext } from './context.js';

/**
 * The local admin channel: while `custos serve` owns an embedded data dir, CLI commands on the
 * same dir are sent here and run inside the server, so the database files are never opened twice.
 * A Unix socket with mode 0600 inside the (0700) data dir: only the owner of the files can use it.
 */
interface AdminRequest {
  argv: string[];
  cwd: string;
}

export interface AdminResponse {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export const adminSocketPath = (dataDir: string) => join(dataDir, 'admin.sock');

export async function startAdminChannel(container: Container, dataDir: string): Promise<{ path: string; close(): Promise<void> }> {
  const path = adminSocketPath(dataDir);
  rmSync(path, { force: true });
  const server: Server = createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline < 0) {
        if (buffer.length > 1_000_000) socket.destroy();
        return;
      }
      let request: AdminRequest;
      try {
        request = JSON.parse(buffer.slice(0, newline)) as AdminRequest;
        if (!Array.isArray(request.argv) || typeof request.cwd !== 'string') throw new Error('bad request');
      } catch {
        socket.end(JSON.stringify({ exitCode: 2, stdout: '', stderr: 'custos: malformed admin request\n' }) + '\n');
        return;
      }
      const io = bufferIO({ cwd: request.cwd, env: process.env });
      void runCommand(request.argv, serverContext(io, container)).then((exitCode) => {
        const response: AdminResponse = { exitCode, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
        socket.end(JSON.stringify(response) + '\n');
      });
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        rmSync(path, { force: true });
      }),
  };
}

export function sendToAdminChannel(socketPath: string, argv: string[], cwd: string): Promise<AdminResponse> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(JSON.stringify({ argv, cwd } satisfies AdminRequest) + '\n'));
    socket.on('data', (chunk: string) => (buffer += chunk));
    socket.on('end', () => {
      try {
        resolve(JSON.parse(buffer) as AdminResponse);
      } catch {
        reject(new Error('the running server gave no answer on its admin channel'));
      }
    });
    socket.on('error', reject);
  });
}
