/**
 * Canonical associated data. Every AEAD ciphertext in Custos is bound, through its associated
 * data, to the place it lives; a ciphertext copied to another row, table, conversation or account,
 * or presented with another key version, fails to open.
 *
 * The encoding must be injective: two different locations must never encode to the same bytes,
 * otherwise a ciphertext could be moved between them. So:
 *   - the first part is a domain label, so a field's AAD can never equal a key wrap's AAD;
 *   - every part carries a type byte (absent / string / unsigned integer), so an absent column
 *     differs from an empty one and the number 1 differs from the string "1";
 *   - strings are length-prefixed, so ("ab", "c") differs from ("a", "bc");
 *   - strings must be well-formed UTF-16: a lone surrogate would be encoded as U+FFFD and collide
 *     with a real U+FFFD.
 *
 * These bytes are part of every stored ciphertext: changing the encoding makes existing data
 * unreadable. Extend only by adding a new domain or a new AAD_ENCODING value.
 */
export const AAD_ENCODING = 0x01;

const ABSENT = 0x00;
const STRING = 0x01;
const UINT32 = 0x02;

export type AadPart = string | number | null | undefined;

/** Matches an unpaired surrogate: with the `u` flag a proper pair is one code point and does not match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function checkString(value: string, label: string): void {
  if (LONE_SURROGATE.test(value)) throw new TypeError(`associated data part ${label} is not well-formed Unicode`);
}

function checkUint32(value: number, label: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new RangeError(`associated data part ${label} must be an integer in 0..2^32-1`);
  }
}

/**
 * Low-level encoder: a domain label and an ordered list of parts. Callers use the typed builders
 * below. Every field seal calls it, so it sizes the output first and writes it once.
 */
export function encodeAadParts(domain: string, parts: readonly AadPart[]): Buffer {
  checkString(domain, 'domain');
  let length = 1 + 5 + Buffer.byteLength(domain, 'utf8');
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index];
    if (part === null || part === undefined) length += 1;
    else if (typeof part === 'number') {
      checkUint32(part, `#${index}`);
      length += 5;
    } else {
      checkString(part, `#${index}`);
      length += 5 + Buffer.byteLength(part, 'utf8');
    }
  }
  const out = Buffer.allocUnsafe(length);
  out[0] = AAD_ENCODING;
  let at = writeString(out, 1, domain);
  for (const part of parts) {
    if (part === null || part === undefined) out[at++] = ABSENT;
    else if (typeof part === 'number') {
      out[at] = UINT32;
      out.writeUInt32BE(part, at + 1);
      at += 5;
    } else at = writeString(out, at, part);
  }
  return out;
}

function writeString(out: Buffer, at: number, value: string): number {
  out[at] = STRING;
  const written = out.write(value, at + 5, 'utf8');
  out.writeUInt32BE(written, at + 1);
  return at + 5 + written;
}

/** Where a sealed field lives. */
export interface FieldAad {
  /**
   * The owning account. Null only for a de-identified copy (a training record) whose data key
   * hangs directly under the root so it can outlive the account as the policy allows.
   */
  accountId: string | null;
  /** The conversation whose data key seals the field (the product copy). */
  conversationId?: string | null;
  /** A separate copy with its own data key (feedback snapshot, safety item, training record). */
  copyId?: string | null;
  table: string;
  rowId: string;
  column?: string | null;
  /** Version of the data key that sealed the field. */
  keyVersion: number;
}

export function encodeFieldAad(where: FieldAad): Buffer {
  return encodeAadParts('custos/field', [
    where.accountId,
    where.conversationId,
    where.copyId,
    where.table,
    where.rowId,
    where.column,
    where.keyVersion,
  ]);
}

/** An account key wrapped by the root provider. */
export interface AccountKeyAad {
  accountId: string;
  /** Version of the account key itself (not of the root key that wraps it). */
  keyVersion: number;
}

export function encodeAccountKeyAad(where: AccountKeyAad): Buffer {
  return encodeAadParts('custos/account-key', [where.accountId, where.keyVersion]);
}

export type DataKeyScope = { kind: 'conversation' | 'copy'; id: string };

/** A conversation or copy data key, wrapped by an account key (or by the root when accountId is null). */
export interface DataKeyAad {
  accountId: string | null;
  scope: DataKeyScope;
  /** Version of the data key. */
  keyVersion: number;
  /** Version of the account key that wraps it; null when the root wraps it. */
  accountKeyVersion: number | null;
}

export function encodeDataKeyAad(where: DataKeyAad): Buffer {
  return encodeAadParts('custos/data-key', [where.accountId, where.scope.kind, where.scope.id, where.keyVersion, where.accountKeyVersion]);
}
