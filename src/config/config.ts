import { z } from 'zod';
import { resolve } from 'node:path';

/**
 * Everything the process is configured with, from flags and environment, validated once at the
 * edge and frozen. Nothing below main.ts reads process.env.
 */
export const configSchema = z.object({
  dataDir: z.string().min(1),
  databaseUrl: z.string().url().nullable(),
  keystoreUrl: z.string().url().nullable(),
  policyPath: z.string().min(1),
  host: z.string().min(1),
  port: z.number().int().min(0).max(65_535),
  sweeper: z.boolean(),
  sweepIntervalMs: z.number().int().min(1_000),
  maxContentBytes: z.number().int().min(1).max(10_000_000),
  bodyLimitBytes: z.number().int().min(1_024),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  tls: z.object({ certPath: z.string(), keyPath: z.string() }).nullable(),
  adminSocket: z.boolean(),
  /** 32 bytes, base64: seals MFA secrets. Unset on the embedded database: a key file in the data dir. */
  sealingKey: z
    .string()
    .refine((k) => Buffer.from(k, 'base64').length === 32, { message: 'CUSTOS_SEALING_KEY must be 32 bytes in base64' })
    .nullable(),
  /** Origins allowed to call the API from a browser; empty = CORS closed. */
  corsOrigins: z.array(z.url().refine((u) => new URL(u).origin === u, { message: 'must be a bare origin like https://app.example.com' })),
  smtpUrl: z.string().url().nullable(),
  mailFrom: z.string().min(3).max(320),
  /** Where links in emails point (scheme://host[:port]); defaults to the listening address. */
  publicUrl: z.url().nullable(),
  /** Ed25519 key that signs audit checkpoints (PEM, or base64 of a 32-byte seed or PKCS#8 DER). Unset on the embedded database: a key file in the data dir. */
  auditSigningKey: z.string().min(1).max(10_000).nullable(),
  /** The origin line of signed audit checkpoints: names this log to whoever verifies it. */
  /** The data-residency region this deployment serves (P32); null = the policy file's default. */
  region: z.string().min(1).max(32).nullable(),
  /** Voice input (P04): the OpenAI-compatible transcription endpoint; null = voice input refused. */
  transcribeUrl: z.url().nullable(),
  transcribeApiKey: z.string().min(1).nullable(),
  transcribeModel: z.string().min(1).max(200),
  /** Largest recording accepted for voice input, in bytes. */
  maxAudioBytes: z.number().int().min(1_024).max(200_000_000),
  auditOrigin: z.string().regex(/^[\x21-\x2a\x2c-\x7e]{1,200}$/, { message: 'CUSTOS_AUDIT_ORIGIN must be printable ASCII without spaces or "+"' }),
});

export type AppConfig = Readonly<z.infer<typeof configSchema>>;

export interface ConfigInput {
  dataDir?: string;
  policy?: string;
  host?: string;
  port?: number | string;
  sweeper?: boolean;
  sweepInterval?: string;
  maxContentBytes?: number | string;
  logLevel?: string;
  tlsCert?: string;
  tlsKey?: string;
}

/** `15m`, `30s`, `2h` or plain milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${text} (use e.g. 30s, 15m, 1h)`);
  const n = Number(match[1]);
  const unit = match[2] ?? 'ms';
  return n * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit]!;
}

export const defaultPolicyFile = resolve(new URL('../../policy/default.yaml', import.meta.url).pathname);

export function buildConfig(input: ConfigInput, env: NodeJS.ProcessEnv): AppConfig {
  const maxContentBytes = Number(input.maxContentBytes ?? env.CUSTOS_MAX_CONTENT_BYTES ?? 64 * 1024);
  const parsed = configSchema.safeParse({
    dataDir: resolve(input.dataDir ?? env.CUSTOS_DATA_DIR ?? '.custos'),
    databaseUrl: env.DATABASE_URL || null,
    keystoreUrl: env.KEYSTORE_URL || null,
    policyPath: resolve(input.policy ?? env.CUSTOS_POLICY ?? defaultPolicyFile),
    host: input.host ?? env.HOST ?? '127.0.0.1',
    port: Number(input.port ?? env.PORT ?? 8080),
    sweeper: input.sweeper ?? true,
    sweepIntervalMs: parseDuration(input.sweepInterval ?? env.CUSTOS_SWEEP_INTERVAL ?? '15m'),
    maxContentBytes,
    // The body may carry JSON escaping on top of the content: leave room so an oversized content
    // is answered by the content check (413 with its code) rather than a parser cut-off.
    bodyLimitBytes: Math.max(1_024 * 1_024, maxContentBytes * 8),
    logLevel: input.logLevel ?? env.LOG_LEVEL ?? 'info',
    tls: input.tlsCert && input.tlsKey ? { certPath: input.tlsCert, keyPath: input.tlsKey } : null,
    adminSocket: true,
    sealingKey: env.CUSTOS_SEALING_KEY || null,
    corsOrigins: (env.CUSTOS_CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
    smtpUrl: env.SMTP_URL || null,
    mailFrom: env.CUSTOS_MAIL_FROM || 'Custos <no-reply@localhost>',
    publicUrl: env.CUSTOS_PUBLIC_URL || null,
    auditSigningKey: env.CUSTOS_AUDIT_SIGNING_KEY || null,
    auditOrigin: env.CUSTOS_AUDIT_ORIGIN || 'custos/audit',
    region: env.CUSTOS_REGION || null,
    transcribeUrl: env.CUSTOS_TRANSCRIBE_URL || null,
    transcribeApiKey: env.CUSTOS_TRANSCRIBE_API_KEY || null,
    transcribeModel: env.CUSTOS_TRANSCRIBE_MODEL || 'whisper-1',
    maxAudioBytes: Number(env.CUSTOS_MAX_AUDIO_BYTES ?? 25 * 1024 * 1024),
  });
  if (!parsed.success) {
    throw new Error(
      `invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  return Object.freeze(parsed.data);
}
