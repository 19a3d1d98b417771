import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { buildConfig } from '../src/config/config.js';
import { LocalKeyProvider } from '../src/crypto/key-provider.js';
import { createLogger, openRuntime } from '../src/runtime.js';
import { ownCpuMs, postgresCpu, postgresCpuBetween, processCpuMs } from './process-cpu.js';
import { freshDatabase, machine, percentile, printTable, recordResult } from './support.js';

/**
 * `npm run bench -- ingest [seconds] [concurrency]`: messages appended over HTTP on loopback
 * against PostgreSQL, Custos next to a baseline in the same run. The baseline is what a team
 * writes without Custos: a minimal Fastify route inserting the message as plaintext into a plain
 * table. Each server runs in its own process (as in production) on its own fresh database; this
 * process only drives load, with keep-alive connections, `concurrency` requests in flight.
 * Target: Custos >= 0.7 x baseline.
 */
const ROLE = process.env.CUSTOS_BENCH_INGEST_ROLE;
const MESSAGE = 'Could you summarise the main arguments of the attached article in three short bullet points, ' +
  'and suggest one question I could ask its author? Keep it under a hundred words please.';

interface ServerReady {
  port: number;
  targets: { path: string; authorization: string | null }[];
}

/** The server side of one run, in a child process: prints READY with its port and targets. */
async function serveRole(role: string, url: string, clients: number): Promise<void> {
  let ready: ServerReady;
  if (role === 'baseline') {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    await pool.query(`create table if not exists baseline_messages (
      id uuid primary key, conversation_id uuid not null, role text not null, content text not null, created_at timestamptz not null)`);
    const app = Fastify({ logger: false });
    app.post<{ Params: { id: string }; Body: { role: string; content: string } }>('/v1/conversations/:id/messages', async (request, reply) => {
      const id = randomUUID();
      await pool.query('insert into baseline_messages (id, conversation_id, role, content, created_at) values ($1, $2, $3, $4, now())', [
        id,
        request.params.id,
        request.body.role,
        request.body.content,
      ]);
      return reply.status(201).send({ id });
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    ready = { port, targets: Array.from({ length: clients }, () => ({ path: `/v1/conversations/${randomUUID()}/messages`, authorization: null })) };
  } else {
    const config = buildConfig({ dataDir: '/tmp/custos-bench-ingest', logLevel: 'warn' }, { DATABASE_URL: url });
    const logger = createLogger(config);
    const c = await openRuntime(config, { logger, provider: LocalKeyProvider.generate() });
    const app = await buildApp(c, { logger });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    const targets = [];
    for (let i = 0; i < clients; i++) {
      const email = `bench-${i}-${randomUUID()}@example.test`;
      await c.accounts.register({ email, password: 'benchmark password', name: 'Bench' }, { ip: null, userAgent: null });
      const login = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { email, password: 'benchmark password' } });
      const token = login.json().token as string;
      const conversation = await app.inject({ method: 'POST', url: '/v1/conversations', headers: { authorization: `Bearer ${token}` }, payload: {} });
      if (conversation.statusCode !== 201) throw new Error(`setup failed: ${conversation.statusCode} ${conversation.body}`);
      targets.push({ path: `/v1/conversations/${conversation.json().id}/messages`, authorization: `Bearer ${token}` });
    }
    ready = { port, targets };
  }
  process.send?.({ ready });
  // Exit on request (not by a kill) so that a CPU profile, when asked for, gets written.
  process.on('message', (m: { stop?: boolean }) => {
    if (m.stop) process.exit(0);
  });
}

function startServer(role: 'custos' | 'baseline', url: string, clients: number): Promise<{ child: ChildProcess; ready: ServerReady }> {
  // CUSTOS_BENCH_PROFILE=<dir>: each server writes a V8 CPU profile there (for finding hot paths).
  const profile = process.env.CUSTOS_BENCH_PROFILE;
  const child = fork(fileURLToPath(new URL('../bin/run-ts.js', import.meta.url)), [fileURLToPath(import.meta.url)], {
    execArgv: profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : [],
    env: { ...process.env, CUSTOS_BENCH_INGEST_ROLE: role, CUSTOS_BENCH_URL: url, CUSTOS_BENCH_CLIENTS: String(clients) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { ready: ServerReady }) => resolve({ child, ready: m.ready }));
    child.once('exit', (code) => reject(new Error(`${role} server exited with ${code}`)));
  });
}

function post(agent: http.Agent, port: number, target: ServerReady['targets'][number], body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: target.path,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(target.authorization ? { authorization: target.authorization } : {}),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

interface SideResult {
  side: string;
  requests: number;
  errors: number;
  seconds: number;
  latencies: number[];
  /** CPU milliseconds spent while measuring: by the server process, by PostgreSQL, by this driver. */
  cpu: CpuSample;
}

interface CpuSample {
  server: number;
  database: number;
  driver: number;
}

function cpuNow(serverPid: number) {
  return { server: processCpuMs(serverPid).ms, database: postgresCpu(), driver: ownCpuMs() };
}

/** Drives one server for `seconds` (after `warmup` seconds not counted), `targets.length` requests in flight. */
async function drive(side: string, server: { child: ChildProcess; ready: ServerReady }, seconds: number, warmup: number): Promise<SideResult> {
  const { ready } = server;
  const agent = new http.Agent({ keepAlive: true, maxSockets: ready.targets.length });
  const body = JSON.stringify({ role: 'user', content: MESSAGE });
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;
  let stop = false;
  const loop = async (target: ServerReady['targets'][number]) => {
    while (!stop) {
      const start = performance.now();
      const status = await post(agent, ready.port, target, body);
      if (!measuring) continue;
      if (status === 201) latencies.push(performance.now() - start);
      else errors++;
    }
  };
  const loops = ready.targets.map(loop);
  await new Promise((resolve) => setTimeout(resolve, warmup * 1_000));
  measuring = true;
  const started = performance.now();
  const cpuBefore = cpuNow(server.child.pid!);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
  measuring = false;
  const cpuAfter = cpuNow(server.child.pid!);
  const elapsed = (performance.now() - started) / 1_000;
  stop = true;
  await Promise.all(loops);
  agent.destroy();
  const cpu = { server: cpuAfter.server - cpuBefore.server, database: postgresCpuBetween(cpuBefore.database, cpuAfter.database), driver: cpuAfter.driver - cpuBefore.driver };
  return { side, requests: latencies.length, errors, seconds: elapsed, latencies, cpu };
}

const summary = (parts: SideResult[]) => {
  const latencies = parts.flatMap((p) => p.latencies).sort((a, b) => a - b);
  const seconds = parts.reduce((n, p) => n + p.seconds, 0);
  const cpuUs = (key: keyof CpuSample) => (parts.reduce((n, p) => n + p.cpu[key], 0) * 1000) / Math.max(1, latencies.length);
  return {
    requests: latencies.length,
    cpuPerMessageUs: { server: cpuUs('server'), database: cpuUs('database'), driver: cpuUs('driver') },
    errors: parts.reduce((n, p) => n + p.errors, 0),
    rate: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
};

const sideRecord = (r: ReturnType<typeof summary>) => ({
  rate: Math.round(r.rate),
  p50Ms: +r.p50.toFixed(2),
  p99Ms: +r.p99.toFixed(2),
  errors: r.errors,
  cpuPerMessageUs: { server: Math.round(r.cpuPerMessageUs.server), database: Math.round(r.cpuPerMessageUs.database), driver: Math.round(r.cpuPerMessageUs.driver) },
});

/**
 * Both servers run for the whole benchmark and are measured in alternating slices (baseline,
 * Custos, baseline, ...), so that whatever else the machine is doing weighs on both sides alike.
 */
export async function run(args: string[]) {
  const seconds = Number(args[0] ?? 12);
  const concurrency = Number(args[1] ?? 16);
  const rounds = 4;
  const slice = seconds / rounds;
  const databases = { baseline: await freshDatabase(), custos: await freshDatabase() };
  const servers = {
    baseline: await startServer('baseline', databases.baseline.url, concurrency),
    custos: await startServer('custos', databases.custos.url, concurrency),
  };
  const parts: Record<'baseline' | 'custos', SideResult[]> = { baseline: [], custos: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const side of ['baseline', 'custos'] as const) {
        parts[side].push(await drive(side, servers[side], slice, round === 0 ? 2 : 0.5));
      }
    }
  } finally {
    for (const side of ['baseline', 'custos'] as const) {
      const { child } = servers[side];
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ stop: true });
      await exited;
      await databases[side].drop();
    }
  }
  const baseline = summary(parts.baseline);
  const custos = summary(parts.custos);
  printTable(
    (
      [
        ['baseline', baseline],
        ['custos', custos],
      ] as const
    ).map(([side, r]) => ({
      side,
      'messages/s': r.rate.toFixed(0),
      'p50 ms': r.p50.toFixed(2),
      'p99 ms': r.p99.toFixed(2),
      requests: r.requests,
      errors: r.errors,
      'server CPU µs/msg': r.cpuPerMessageUs.server.toFixed(0),
      'PostgreSQL CPU µs/msg': r.cpuPerMessageUs.database.toFixed(0),
    })),
  );
  const ratio = custos.rate / baseline.rate;
  console.log(`custos / baseline: ${ratio.toFixed(2)} (target >= 0.7) — ${seconds} s per side in ${rounds} alternating slices, ${concurrency} in flight, ${machine().cores} cores`);
  recordResult('ingest', {
    seconds,
    concurrency,
    baseline: sideRecord(baseline),
    custos: sideRecord(custos),
    ratio: +ratio.toFixed(3),
    target: 0.7,
    met: ratio >= 0.7,
  });
}

if (ROLE) await serveRole(ROLE, process.env.CUSTOS_BENCH_URL!, Number(process.env.CUSTOS_BENCH_CLIENTS ?? 16));
