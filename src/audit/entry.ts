import { hashLeaf } from './merkle.js';

/**
 * An audit entry and its canonical bytes. The leaf hash of an entry is hashLeaf(encodeEntry(e)), so
 * the encoding must give the same bytes for the same entry on every machine and every release:
 * canonical JSON (RFC 8785 style: keys sorted by UTF-16 code units, no whitespace, ECMAScript
 * number and string forms) in UTF-8. Changing it changes every leaf hash; it is frozen.
 */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined };

export type AuditActorKind = 'user' | 'staff' | 'system';

// A type alias rather than an interface, so an actor is also a JsonValue.
export type AuditEntryActor = {
  readonly kind: AuditActorKind;
  readonly id: string;
};

/** Whom the action concerns, by reference only (pseudonyms and row ids). */
export interface AuditEntrySubject {
  readonly accountPseudonym?: string;
  readonly conversationId?: string;
  readonly [ref: string]: string | undefined;
}

export interface AuditEntry {
  /** The entry's leaf index in the log: 0 for the first entry, then 1, 2, … without gaps. */
  readonly seq: number;
  /** When, as Date.prototype.toISOString() writes it (UTC, milliseconds): see auditTimestamp(). */
  readonly at: string;
  readonly action: string;
  readonly actor: AuditEntryActor;
  readonly subject: AuditEntrySubject;
  /** References and counts, never content. */
  readonly details: { readonly [key: string]: JsonValue | undefined };
}

export class InvalidAuditEntryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAuditEntryError';
  }
}

const ACTOR_KINDS: ReadonlySet<string> = new Set<AuditActorKind>(['user', 'staff', 'system']);
const ISO_UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The one string form of an instant that entries accept, so an instant always hashes the same. */
export function auditTimestamp(date: Date): string {
  return date.toISOString();
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * Keys in UTF-16 code unit order, the order RFC 8785 prescribes (and what `<` and the default sort
 * compare). Entries have a handful of keys, where an insertion sort beats Array.prototype.sort.
 */
function sortKeys(keys: string[]): string[] {
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j -= 1;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/**
 * Canonical JSON text of a JSON value. Object members whose value is undefined are left out (as
 * JSON.stringify does), so an absent optional field and an undefined one hash the same; anything
 * JSON cannot carry faithfully (NaN, Infinity, undefined in an array, class instances, bigint) is
 * refused rather than coerced.
 */
export function canonicalJson(value: JsonValue): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidAuditEntryError('numbers must be finite');
      // Number-to-string is the ECMAScript form RFC 8785 uses (and -0 becomes "0", as in JSON.stringify).
      return String(value);
    case 'object': {
      if (value === null) return 'null';
      // Plain string concatenation: this runs for every entry the verifier reads.
      if (Array.isArray(value)) {
        let text = '[';
        for (let i = 0; i < value.length; i++) text += (i === 0 ? '' : ',') + canonicalJson((value as readonly JsonValue[])[i]!);
        return text + ']';
      }
      if (!isPlainObject(value)) throw new InvalidAuditEntryError('objects must be plain JSON objects');
      const keys = sortKeys(Object.keys(value));
      let text = '';
      for (const key of keys) {
        const member = value[key];
        if (member === undefined) continue;
        text += (text === '' ? '{' : ',') + JSON.stringify(key) + ':' + canonicalJson(member as JsonValue);
      }
      return text === '' ? '{}' : text + '}';
    }
    default:
      throw new InvalidAuditEntryError(`${typeof value} is not a JSON value`);
  }
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// Field checks rather than a Date round trip: the verifier runs this for every entry of the log.
function isIsoUtcMillis(at: unknown): boolean {
  if (typeof at !== 'string' || !ISO_UTC_MILLIS.test(at)) return false;
  const year = twoDigits(at, 0) * 100 + twoDigits(at, 2);
  const month = twoDigits(at, 5);
  const day = twoDigits(at, 8);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0);
  return day >= 1 && day <= days && twoDigits(at, 11) < 24 && twoDigits(at, 14) < 60 && twoDigits(at, 17) < 60;
}

// The pattern has guaranteed ASCII digits at these positions. Module level, not a closure: one function for every entry.
const twoDigits = (text: string, i: number) => (text.charCodeAt(i) - 48) * 10 + text.charCodeAt(i + 1) - 48;

const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function assertEntry(entry: AuditEntry): void {
  if (typeof entry !== 'object' || entry === null) throw new InvalidAuditEntryError('an entry is an object');
  if (!Number.isSafeInteger(entry.seq) || entry.seq < 0) throw new InvalidAuditEntryError('seq must be a non-negative safe integer');
  if (!isIsoUtcMillis(entry.at)) throw new InvalidAuditEntryError('at must be a UTC instant written as toISOString() writes it');
  if (!nonEmptyString(entry.action)) throw new InvalidAuditEntryError('action must be a non-empty string');
  if (!isPlainObject(entry.actor) || !ACTOR_KINDS.has(entry.actor.kind as string) || !nonEmptyString(entry.actor.id))
    throw new InvalidAuditEntryError('actor must be {kind: user|staff|system, id: non-empty string}');
  if (!isPlainObject(entry.subject)) throw new InvalidAuditEntryError('subject must be a plain object');
  for (const key of Object.keys(entry.subject)) {
    const ref = entry.subject[key];
    if (ref !== undefined && typeof ref !== 'string') throw new InvalidAuditEntryError(`subject.${key} must be a string reference`);
  }
  if (!isPlainObject(entry.details)) throw new InvalidAuditEntryError('details must be a plain object');
}

/**
 * The canonical bytes of an entry. Only the six fields of AuditEntry are read, so a database row
 * with more columns encodes the same as the entry it stores.
 */
export function encodeEntry(entry: AuditEntry): Buffer {
  return Buffer.from(entryText(entry), 'utf8');
}

function entryText(entry: AuditEntry): string {
  assertEntry(entry);
  // Top-level keys written in their sorted order: action, actor, at, details, seq, subject.
  const text =
    `{"action":${JSON.stringify(entry.action)}` +
    `,"actor":{"id":${JSON.stringify(entry.actor.id)},"kind":${JSON.stringify(entry.actor.kind)}}` +
    `,"at":${JSON.stringify(entry.at)}` +
    `,"details":${canonicalJson(entry.details)}` +
    `,"seq":${entry.seq}` +
    `,"subject":${canonicalJson(entry.subject)}}`;
  return text;
}

/**
 * An entry as the database stores it: its scalar fields, and its subject and details already as
 * canonical JSON text (what the append wrote with canonicalJson). The verifier hashes this form
 * directly: the bytes of the stored text, not a re-encoding of a parse of it, so reading a log of
 * millions of entries costs no JSON parsing. For every row written by the append the result is
 * the same text as encodeEntry() of the parsed entry; a stored text that is not canonical was not
 * written by the append, and hashes differently: it shows as a changed entry.
 */
export interface EncodedAuditEntry {
  readonly seq: number;
  readonly at: string;
  readonly action: string;
  readonly actorKind: string;
  readonly actorId: string;
  readonly subjectJson: string;
  readonly detailsJson: string;
}

const isObjectText = (text: unknown): text is string =>
  typeof text === 'string' && text.length >= 2 && text.charCodeAt(0) === 0x7b /* { */ && text.charCodeAt(text.length - 1) === 0x7d; /* } */

/** The canonical text of an entry in its stored form; the same checks of form as encodeEntry(), bar parsing the JSON. */
export function encodedEntryText(entry: EncodedAuditEntry): string {
  if (!Number.isSafeInteger(entry.seq) || entry.seq < 0) throw new InvalidAuditEntryError('seq must be a non-negative safe integer');
  if (!isIsoUtcMillis(entry.at)) throw new InvalidAuditEntryError('at must be a UTC instant written as toISOString() writes it');
  if (!nonEmptyString(entry.action)) throw new InvalidAuditEntryError('action must be a non-empty string');
  if (!ACTOR_KINDS.has(entry.actorKind) || !nonEmptyString(entry.actorId)) throw new InvalidAuditEntryError('actor must be {kind: user|staff|system, id: non-empty string}');
  if (!isObjectText(entry.subjectJson)) throw new InvalidAuditEntryError('subject must be a JSON object');
  if (!isObjectText(entry.detailsJson)) throw new InvalidAuditEntryError('details must be a JSON object');
  return (
    `{"action":${JSON.stringify(entry.action)}` +
    `,"actor":{"id":${JSON.stringify(entry.actorId)},"kind":${JSON.stringify(entry.actorKind)}}` +
    `,"at":${JSON.stringify(entry.at)}` +
    `,"details":${entry.detailsJson}` +
    `,"seq":${entry.seq}` +
    `,"subject":${entry.subjectJson}}`
  );
}

/** The entry's Merkle leaf hash: SHA-256(0x00 ‖ encodeEntry(entry)). What the database stores beside the row. */
export function entryLeafHash(entry: AuditEntry): Buffer {
  return hashLeaf(entryText(entry));
}
