import type { PiiSpan, ScanInput } from '../types.js';
import { ipv4Valid, ipv6Valid } from '../validators.js';
import { SHAPE } from '../features.js';
import { execAll, execAt, sticky } from './exec-all.js';

const LOCAL_CHAR = /[\p{L}\p{N}._%+'-]/u;
const DOMAIN_PART = /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,24}/u;

/** The "@" at `at` is inside a URL's authority: after "://", with no blank, slash or other "@" between. */
function inUrlAuthority(text: string, at: number): boolean {
  let k = at - 1;
  const from = Math.max(0, at - 200);
  while (k >= from) {
    const c = text.charCodeAt(k);
    if (c === 47) return k >= 2 && text.charCodeAt(k - 1) === 47 && text.charCodeAt(k - 2) === 58; // "://"
    if (c === 64 || c === 32 || (c >= 9 && c <= 13)) return false;
    k--;
  }
  return false;
}

/** Anchored on each "@" and grown outwards, which is far cheaper than a regex tried at every word. */
export function findEmails({ text }: ScanInput, out: PiiSpan[]): void {
  let at = text.indexOf('@');
  while (at >= 0) {
    let start = at;
    while (start > 0 && LOCAL_CHAR.test(text[start - 1]!)) start--;
    // A local part never starts with a dot or a quote; sentence punctuation is not part of it.
    while (start < at && (text[start] === '.' || text[start] === "'")) start++;
    const domain = DOMAIN_PART.exec(text.slice(at + 1, at + 256));
    // "postgres://admin:secret@db.example.net": the user and password of a URL, then its host.
    // The host is reported as a domain; the password is a secret (secrets.ts).
    const inUrl = inUrlAuthority(text, at);
    if (inUrl && domain) out.push({ type: 'DOMAIN_NAME', start: at + 1, end: at + 1 + domain[0].length, score: 0.9 });
    else if (start < at && domain) out.push({ type: 'EMAIL_ADDRESS', start, end: at + 1 + domain[0].length, score: 1 });
    at = text.indexOf('@', at + 1);
  }
}

const URL = /\b(?:(?:https?|ftp|wss?):\/\/|www\.)[^\s<>"'`{}|\\^]+/gi;
const TRAILING = /[.,;:!?'")\]}>*]+$/;

export function findUrls({ text, lower }: ScanInput, out: PiiSpan[]): void {
  if (!lower.includes('://') && !lower.includes('www.')) return;
  for (const m of execAll(URL, text)) {
    let value = m[0];
    // Keep a closing parenthesis only when the URL opened one (Wikipedia-style links).
    const trimmed = value.replace(TRAILING, '');
    if (trimmed.length < value.length && value.slice(trimmed.length).startsWith(')') && trimmed.includes('(')) value = trimmed + ')';
    else value = trimmed;
    if (value.length < 8) continue;
    out.push({ type: 'URL', start: m.index, end: m.index + value.length, score: 0.95 });
  }
}

/**
 * Bare domains ("example.com"). Only top-level domains that rarely end a file name or an
 * abbreviation are accepted, so "main.rs" or "readme.md" are not mistaken for sites.
 */
const TLDS =
  'com|net|org|edu|gov|mil|int|io|ai|app|dev|info|biz|xyz|online|site|tech|store|shop|blog|cloud|news|live|me|tv|uk|de|fr|es|nl|se|dk|fi|ch|at|be|ca|au|nz|jp|cn|ru|br|mx|ar|cl|za|ie|pt|gr|cz|hu|ro|bg|hr|si|sk|ee|lv|lt|ua|tr|il|kr|tw|hk|sg|ph|th|vn|eu|us|cy|lu|uy|no|pl|is|in|it|co';
const DOMAIN = new RegExp(`(?<![\\p{L}\\p{N}@.\\/-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.){1,4}(?:${TLDS})(?![\\p{L}\\p{N}@-]|\\.[\\p{L}\\p{N}])`, 'giu');
/** Two-letter endings that are also common words or file types: need a www-like shape. */
const WEAK_TLDS = new Set(['no', 'is', 'in', 'it', 'at', 'be', 'me', 'us', 'co', 'pl']);

const DOMAIN_AT = sticky(DOMAIN);
const isDomainChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 46;
const isDigitOrDot = (c: number) => (c >= 48 && c <= 57) || c === 46;

/**
 * Where a pattern made of `isChar` characters, with a look-behind that refuses those characters,
 * can start: only at the first character of a maximal run of them, and only in runs with at
 * least `count` of the `mark` character ("." or ":"). Trying the regex there alone finds exactly
 * what a scan of the text finds. The runs are found from the marks with indexOf, so text without
 * them costs next to nothing.
 */
function runStarts(text: string, isChar: (c: number) => boolean, count: number, mark: string): number[] {
  const starts: number[] = [];
  const n = text.length;
  let from = 0;
  for (;;) {
    const at = text.indexOf(mark, from);
    if (at < 0) return starts;
    let start = at;
    while (start > 0 && isChar(text.charCodeAt(start - 1))) start--;
    let end = at;
    let seen = 0;
    const code = mark.charCodeAt(0);
    for (; end < n; end++) {
      const c = text.charCodeAt(end);
      if (!isChar(c)) break;
      if (c === code) seen++;
    }
    if (seen >= count) starts.push(start);
    from = end + 1;
  }
}

export function findDomains({ text, features }: ScanInput, out: PiiSpan[]): void {
  // Every domain has a letter or digit, a dot and two letters: sentence full stops do not pass.
  if (!(features.shape & SHAPE.DOMAIN)) return;
  for (const at of runStarts(text, isDomainChar, 1, '.')) {
    const m = execAt(DOMAIN_AT, text, at);
    if (!m) continue;
    const value = m[0];
    const labels = value.toLowerCase().split('.');
    const tld = labels[labels.length - 1]!;
    const first = labels[0]!;
    if (first.length < 2 || /^\d+$/.test(first)) continue;
    if (WEAK_TLDS.has(tld) && labels.length < 3 && !/^[a-z][a-z0-9-]{2,}$/.test(first)) continue;
    // "e.g", "i.e" and version numbers are not domains.
    if (labels.every((l) => l.length <= 1)) continue;
    out.push({ type: 'DOMAIN_NAME', start: m.index, end: m.index + value.length, score: WEAK_TLDS.has(tld) ? 0.5 : 0.75 });
  }
}

const IPV4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?(?![\d]|\.\d)/g;
const IPV4_AT = sticky(IPV4);
const isWordColonOrDot = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 58 || c === 46;
const IPV6 = /(?<![\w:.])(?:[0-9a-f]{0,4}:){2,7}(?:[0-9a-f]{0,4}|(?:\d{1,3}\.){3}\d{1,3})(?:%[\w.]+)?(?![\w:])/gi;
const IPV6_AT = sticky(IPV6);

export function findIpAddresses({ text, hasDigit, features }: ScanInput, out: PiiSpan[]): void {
  if (!hasDigit) return;
  if (features.shape & SHAPE.DIGIT_DOT_DIGIT) {
    for (const at of runStarts(text, isDigitOrDot, 3, '.')) {
      const m = execAt(IPV4_AT, text, at);
      if (!m) continue;
      const [address, prefix] = m[0].split('/');
      if (!ipv4Valid(address!)) continue;
      if (prefix !== undefined && Number(prefix) > 32) continue;
      // Four small numbers such as a version string ("1.2.3.4") still look like an address; keep it.
      out.push({ type: 'IP_ADDRESS', start: m.index, end: m.index + m[0].length, score: 0.95 });
    }
  }
  if (features.colons >= 2 && /:[0-9a-f]{0,4}:/i.test(text)) {
    // The look-behind refuses [\w:.], so an address starts a run of those with two colons or more.
    for (const at of runStarts(text, isWordColonOrDot, 2, ':')) {
      const m = execAt(IPV6_AT, text, at);
      if (!m) continue;
      const value = m[0];
      const address = value.split('%')[0]!;
      if (!ipv6Valid(address)) continue;
      // "::" alone or clock-like pairs are not addresses worth hiding.
      if (address.replace(/:/g, '').length < 3) continue;
      out.push({ type: 'IP_ADDRESS', start: m.index, end: m.index + value.length, score: 0.95 });
    }
  }
}
