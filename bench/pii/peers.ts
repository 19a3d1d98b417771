import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Span } from './score.js';

/**
 * The JavaScript PII libraries people use today, each called as its README shows, and turned
 * into typed character spans so they are scored exactly like our engine:
 * - openredaction returns detections with positions and types: used as they are.
 * - @arcjet/redact returns only redacted text but lets us choose the replacement: each type is
 *   replaced by a marker (⟦TYPE⟧) and the spans are recovered by aligning the redacted text with
 *   the original.
 * - redact-pii and @redactpii/node return redacted text with fixed placeholders (PERSON_NAME,
 *   EMAIL_ADDRESS…) that name the type: recovered the same way from those placeholders.
 * Types are mapped to the dataset's names; a type the dataset does not have (e.g. "digits")
 * stays a prediction and counts against precision, as it would over-redact in real use.
 */
export interface Peer {
  name: string;
  version: string;
  detect(text: string): Promise<Span[]>;
}

const root = fileURLToPath(new URL('../../node_modules/', import.meta.url));
/** Read from disk: some packages do not export their package.json. */
const versionOf = (pkg: string) => {
  try {
    return (JSON.parse(readFileSync(join(root, pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
};

/** Recovers spans from a redacted text whose replacements match `marker` (group 1 = type). */
export function alignRedacted(original: string, redacted: string, marker: RegExp, typeOf: (raw: string) => string): Span[] {
  const parts: Array<{ literal: string; type?: string }> = [];
  let last = 0;
  for (const m of redacted.matchAll(new RegExp(marker.source, 'g'))) {
    parts.push({ literal: redacted.slice(last, m.index) });
    parts.push({ literal: '', type: typeOf(m[1] ?? m[0]) });
    last = m.index + m[0].length;
  }
  parts.push({ literal: redacted.slice(last) });
  const spans: Span[] = [];
  let pos = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.type === undefined) {
      const at = original.indexOf(part.literal, pos);
      pos = at < 0 ? pos : at + part.literal.length;
      continue;
    }
    // The span runs to where the next literal text reappears in the original.
    const next = parts[i + 1];
    const literal = next && next.type === undefined ? next.literal : '';
    const end = literal.length === 0 ? (i + 1 >= parts.length - 1 ? original.length : pos) : original.indexOf(literal, pos);
    if (end > pos) spans.push({ type: part.type, start: pos, end });
    pos = Math.max(pos, end);
  }
  return spans;
}

/** redact-pii 3.4 ignores a per-type `replaceWith`; its fixed placeholders name the type instead. */
const REDACT_PII_TYPES: Record<string, string> = {
  PERSON_NAME: 'PERSON',
  CREDIT_CARD_NUMBER: 'CREDIT_CARD',
  EMAIL_ADDRESS: 'EMAIL_ADDRESS',
  IP_ADDRESS: 'IP_ADDRESS',
  PHONE_NUMBER: 'PHONE_NUMBER',
  STREET_ADDRESS: 'STREET_ADDRESS',
  US_SOCIAL_SECURITY_NUMBER: 'US_SSN',
  ZIPCODE: 'ZIP_CODE',
  URL: 'DOMAIN_NAME',
  CREDENTIALS: 'SECRET',
  PASSWORD: 'SECRET',
  USERNAME: 'USERNAME',
  DIGITS: 'DIGITS',
};
const MARKER = /⟦([A-Za-z_]+)⟧/;

async function redactPii(): Promise<Peer> {
  const { SyncRedactor } = (await import('redact-pii')) as unknown as { SyncRedactor: new (o?: unknown) => { redact(t: string): string } };
  const redactor = new SyncRedactor();
  const marker = new RegExp(`\\b(${Object.keys(REDACT_PII_TYPES).join('|')})\\b`);
  return {
    name: 'redact-pii',
    version: versionOf('redact-pii'),
    detect: async (text) => alignRedacted(text, redactor.redact(text), marker, (k) => REDACT_PII_TYPES[k] ?? k),
  };
}

const REDACTPII_NODE_TYPES: Record<string, string> = {
  CREDIT_CARD_NUMBER: 'CREDIT_CARD',
  EMAIL_ADDRESS: 'EMAIL_ADDRESS',
  PERSON_NAME: 'PERSON',
  PHONE_NUMBER: 'PHONE_NUMBER',
  US_SOCIAL_SECURITY_NUMBER: 'US_SSN',
  DIGITS: 'DIGITS',
};

async function redactpiiNode(): Promise<Peer> {
  const { Redactor } = (await import('@redactpii/node')) as unknown as { Redactor: new (o?: unknown) => { redact(t: string): string } };
  // No apiKey: the library then makes no network call.
  const redactor = new Redactor();
  const marker = new RegExp(`\\b(${Object.keys(REDACTPII_NODE_TYPES).join('|')})\\b`);
  return {
    name: '@redactpii/node',
    version: versionOf('@redactpii/node'),
    detect: async (text) => alignRedacted(text, redactor.redact(text), marker, (k) => REDACTPII_NODE_TYPES[k] ?? k),
  };
}

const ARCJET_TYPES: Record<string, string> = {
  email: 'EMAIL_ADDRESS',
  'phone-number': 'PHONE_NUMBER',
  'ip-address': 'IP_ADDRESS',
  'credit-card-number': 'CREDIT_CARD',
};

async function arcjet(): Promise<Peer> {
  const { redact } = await import('@arcjet/redact');
  return {
    name: '@arcjet/redact',
    version: versionOf('@arcjet/redact'),
    detect: async (text) => {
      const [redacted] = await redact(text, { replace: (entity: string) => `⟦${entity.replace(/-/g, '_')}⟧` });
      return alignRedacted(text, redacted, MARKER, (k) => ARCJET_TYPES[k.replace(/_/g, '-')] ?? k);
    },
  };
}

function openredactionType(type: string): string {
  const t = type.toUpperCase();
  if (t.includes('EMAIL')) return 'EMAIL_ADDRESS';
  if (t.includes('PHONE')) return 'PHONE_NUMBER';
  if (t.includes('CREDIT_CARD')) return 'CREDIT_CARD';
  if (t.includes('IBAN')) return 'IBAN_CODE';
  if (t === 'SSN' || t.includes('US_SSN') || t.includes('SOCIAL_SECURITY')) return 'US_SSN';
  if (t.includes('IP')) return 'IP_ADDRESS';
  if (t === 'NAME' || t.includes('PERSON')) return 'PERSON';
  if (t.includes('ADDRESS')) return 'STREET_ADDRESS';
  if (t.includes('ZIP') || t.includes('POSTCODE') || t.includes('POSTAL')) return 'ZIP_CODE';
  if (t.includes('DATE') || t.includes('DOB')) return 'DATE_TIME';
  if (t.includes('URL') || t.includes('DOMAIN')) return 'DOMAIN_NAME';
  if (t.includes('DRIV')) return 'US_DRIVER_LICENSE';
  return t;
}

async function openredaction(): Promise<Peer> {
  const mod = (await import('openredaction')) as unknown as {
    OpenRedaction: new (o?: unknown) => { detect(t: string): Promise<{ detections: Array<{ type: string; position: [number, number] }> }> };
  };
  const redactor = new mod.OpenRedaction();
  return {
    name: 'openredaction',
    version: versionOf('openredaction'),
    detect: async (text) => (await redactor.detect(text)).detections.map((d) => ({ type: openredactionType(d.type), start: d.position[0], end: d.position[1] })),
  };
}

/** Loads every peer; one that cannot run here is reported with its error instead. */
export async function loadPeers(): Promise<Array<Peer | { name: string; version: string; error: string }>> {
  const loaders: Array<[string, () => Promise<Peer>]> = [
    ['redact-pii', redactPii],
    ['@redactpii/node', redactpiiNode],
    ['@arcjet/redact', arcjet],
    ['openredaction', openredaction],
  ];
  const peers = [];
  for (const [name, load] of loaders) {
    try {
      const peer = await load();
      await peer.detect('warm up: call 555-0100 or mail a@example.com');
      peers.push(peer);
    } catch (error) {
      peers.push({ name, version: versionOf(name), error: error instanceof Error ? error.message : String(error) });
    }
  }
  return peers;
}
