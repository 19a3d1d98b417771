import type { PiiSpan, ScanInput } from '../types.js';
import { shannonEntropy } from '../validators.js';
import { isSpaceCode } from '../features.js';
import { execAll, execAt, sticky } from './exec-all.js';
import { LEX } from './lexicon.js';
import { execAtStarts, hasWord, isAsciiWordChar, tokensOf, wordStarts } from './shared.js';

/** Credentials recognisable by the prefix their issuer gives them. */
const PREFIXED: readonly RegExp[] = [
  /\bsk-(?:proj-|ant-(?:api\d{2}-)?|live-|svcacct-)?[A-Za-z0-9_-]{20,}/g, // OpenAI, Anthropic
  /\b[spr]k_(?:live|test)_[A-Za-z0-9]{16,}/g, // Stripe
  /\bgh[pousr]_[A-Za-z0-9]{30,}/g, // GitHub
  /\bgithub_pat_[A-Za-z0-9_]{22,}/g,
  /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g, // AWS access key ids
  /\bxox[abposre]-[A-Za-z0-9-]{10,}/g, // Slack
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWT
  /\bAIza[0-9A-Za-z_-]{35}/g, // Google API key
  /\bya29\.[0-9A-Za-z_-]{20,}/g, // Google OAuth token
  /\bglpat-[A-Za-z0-9_-]{20,}/g, // GitLab
  /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g, // SendGrid
  /\bnpm_[A-Za-z0-9]{36}\b/g,
  /\bhf_[A-Za-z0-9]{30,}/g, // Hugging Face
  /\bpypi-[A-Za-z0-9_-]{50,}/g,
  /\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b/g, // Shopify
  /\bdop_v1_[a-f0-9]{64}\b/g, // DigitalOcean
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  // Incoming webhooks: whoever has the URL can post as the app.
  /\bhttps:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]{20,}/g,
  /\bhttps:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]{20,}/g,
];

/** "POSTGRES_PASSWORD=…", "db_secret: …", "STRIPE_API_KEY=…": a configuration key naming a credential. */
/**
 * Tried from the credential word itself (a token of its own: "_" splits words), which must follow
 * a key part and a "_", "." or "-" ("POSTGRES_" in "POSTGRES_PASSWORD").
 */
const CONFIG_ASSIGNMENT = /(?:password|passwd|pass|pwd|secret|token|api[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key|credentials?)(?:[_.-][A-Za-z0-9]+)*\s*[=:]\s*["']?([^\s"'`,;<>]{4,200})/iy;
/** The password of a URL's user information, tried right after each "://": "postgres://admin:…@db.example.net". */
const URL_PASSWORD = /[^\s/:@]+:([^\s/@]{3,200})@/y;
const isKeyChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** "psycopg2.OperationalError", "requests.exceptions": a dotted name in code, not a random token. */
const DOTTED_NAME = /\.(?:[A-Z][a-z]{2,})+$|\.[a-z]{4,}$/;

/** "password: hunter2", "api_key=…", "Bearer …": the value after the label is the secret. */
const LABELLED =
  /\b(?:password|passwd|passphrase|pwd|pass|pin|secret|token|api[ _-]?key|apikey|access[ _-]?key|secret[ _-]?key|client[ _-]?secret|private[ _-]?key|auth|bearer|authorization)\b(?:\s*(?:is|was|=|:|->)\s*|\s+)["'`]?([^\s"'`,;<>]{6,200})/gi;
const LABELLED_AT = sticky(LABELLED);
/**
 * "the passcode is 7731", "PIN: 0424", "CVV 123", "verification code: 482913": short codes are
 * secrets only with their label and, but for the card's CVV, "is", "=" or ":" before the digits.
 */
const SHORT_CODE_BEFORE = /\b(?:(?:pin|pin code|pincode|passcode|pass code|security code|verification code|one-time code|otp|2fa code)\s*(?:is|was|=|:)|cvv2?|cvc2?|csc)\s*["'`]?$/i;
const isDigitCode = (c: number) => c >= 48 && c <= 57;

/**
 * The short codes of SHORT_CODE_BEFORE, found from the runs of three to eight digits (in the
 * tokens that have digits): the last character before a run (past blanks and a quote) must end a
 * label ("is", "=", ":", "cvv"…) before the label itself is matched backwards.
 */
function shortCodes(input: ScanInput, out: PiiSpan[]): void {
  const { text, lower } = input;
  const n = text.length;
  for (const t of tokensOf(input)) {
    if (t.alpha) continue;
    for (let k = t.start; k < t.end; k++) {
      if (!isDigitCode(text.charCodeAt(k)) || (k > 0 && isDigitCode(text.charCodeAt(k - 1)))) continue;
      let e = k;
      while (e < n && isDigitCode(text.charCodeAt(e))) e++;
      const length = e - k;
      const at = k;
      k = e - 1;
      if (length < 3 || length > 8 || (e < n && isAsciiWordChar(text.charCodeAt(e)))) continue;
      let j = at - 1;
      const q = j >= 0 ? text.charCodeAt(j) : 0;
      if (q === 34 || q === 39 || q === 96) j--;
      while (j >= 0 && isSpaceCode(text.charCodeAt(j))) j--;
      const last = j >= 0 ? lower.charCodeAt(j) : 0;
      // ":" "=" "is" "was" "cvv" "cvc" "csc" "cvv2".
      if ((last === 58 || last === 61 || last === 115 || last === 118 || last === 99 || last === 50) && SHORT_CODE_BEFORE.test(lower.slice(Math.max(0, at - 40), at))) {
        out.push({ type: 'SECRET', start: at, end: e, score: 0.85 });
      }
    }
  }
}
const BEARER_VALUE = /^(?:bearer|basic|token)$/i;

/** Long unbroken tokens mixing letters and digits; scored by entropy below. */
const OPAQUE_MIN = 24;

function opaqueChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47 || c === 95 || c === 61 || c === 46 || c === 45;
}

/**
 * Maximal runs of [A-Za-z0-9+/_=.-] at least 24 long, as [start, value]. Every such run covers
 * 24 consecutive positions, so probing every 24th character finds each of them: a long document
 * of prose is skipped 24 characters at a time, and only the runs that are probed are measured.
 */
function opaqueRuns(text: string): [number, string][] {
  const runs: [number, string][] = [];
  const n = text.length;
  let probe = OPAQUE_MIN - 1;
  while (probe < n) {
    if (!opaqueChar(text.charCodeAt(probe))) {
      probe += OPAQUE_MIN;
      continue;
    }
    let start = probe;
    while (start > 0 && opaqueChar(text.charCodeAt(start - 1))) start--;
    let end = probe + 1;
    while (end < n && opaqueChar(text.charCodeAt(end))) end++;
    if (end - start >= OPAQUE_MIN) runs.push([start, text.slice(start, end)]);
    // text[end] is not in a run, so the next run starts after it and covers end + OPAQUE_MIN.
    probe = end + OPAQUE_MIN;
  }
  return runs;
}
const SECRET_WORDS = /\b(?:key|token|secret|password|credential|api|auth|bearer|signature|private)\b/;

/** One cheap test that every prefixed credential passes; most texts fail it and skip the rest. */
const PREFIX_HINT = /sk-|[spr]k_|gh[pousr]_|github_pat_|A[KSGIRNP][IS]A|xox|eyJ|AIza|ya29\.|glpat-|SG\.|npm_|hf_|pypi-|shp|dop_v1|-----BEGIN|hooks\.slack|discord/;

/** The shortest prefixed credential ("xoxb-" and ten characters) is 15 opaque characters long. */
const PREFIXED_MIN_RUN = 15;

export function findSecrets(input: ScanInput, out: PiiSpan[]): void {
  const { text, lower } = input;
  const maxRun = input.features.maxOpaqueRun;
  if ((maxRun >= PREFIXED_MIN_RUN || text.includes('-----BEGIN')) && PREFIX_HINT.test(text)) {
    for (const pattern of PREFIXED) {
      for (const m of execAll(pattern, text)) out.push({ type: 'SECRET', start: m.index, end: m.index + m[0].length, score: 0.99 });
    }
  }
  if (text.includes('@')) {
    for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) {
      const m = execAt(URL_PASSWORD, text, at + 3);
      if (!m) continue;
      const start = m.index + m[0].length - 1 - m[1]!.length;
      out.push({ type: 'SECRET', start, end: start + m[1]!.length, score: 0.9 });
    }
  }
  if (hasWord(input, LEX.SECRET_LABEL) && (text.includes('=') || text.includes(':'))) {
    for (const at of wordStarts(input, LEX.SECRET_LEAD)) {
      const joiner = at >= 2 ? text.charCodeAt(at - 1) : 0;
      if (!(joiner === 95 || joiner === 46 || joiner === 45) || !isKeyChar(text.charCodeAt(at - 2))) continue;
      const m = execAt(CONFIG_ASSIGNMENT, text, at);
      if (!m) continue;
      const value = m[1]!.replace(/[.!?)]+$/, '');
      const start = m.index + m[0].length - m[1]!.length;
      out.push({ type: 'SECRET', start, end: start + value.length, score: 0.9 });
    }
  }
  if (hasWord(input, LEX.SECRET_LABEL)) {
    // Tried only where a label word starts (LEX.SECRET_LEAD), not at every position.
    for (const m of execAtStarts(input, LABELLED_AT, LEX.SECRET_LEAD)) {
      let value = m[1]!;
      let start = m.index + m[0].length - value.length;
      if (BEARER_VALUE.test(value)) continue;
      value = value.replace(/[.!?)]+$/, '');
      // A plain word after "password" ("password reset", "token expired") is not a credential.
      if (/^[a-z]+$/.test(value) && !/\d/.test(value)) continue;
      if (/^(?:https?:|www\.)/i.test(value)) continue;
      const label = m[0].slice(0, m[0].length - m[1]!.length).toLowerCase();
      const explicit = /[=:]|\bis\b|\bwas\b/.test(label) || /bearer/.test(label);
      if (!explicit && !/\d/.test(value)) continue;
      start = text.indexOf(value, start);
      out.push({ type: 'SECRET', start, end: start + value.length, score: explicit ? 0.85 : 0.6 });
    }
  }
  if (input.hasDigit) shortCodes(input, out);
  if (maxRun < OPAQUE_MIN) return;
  for (const [index, value] of opaqueRuns(text)) {
    // Part of a longer token (a URL, a path) is judged with it, not alone.
    if (index > 0 && /[^\s"'`(<[{,;:]/.test(text[index - 1]!)) continue;
    if (!/\d/.test(value) || !/[A-Za-z]/.test(value)) continue;
    if (value.includes('.') && (/^[\w.-]+\.[a-z]{2,6}$/i.test(value) || DOTTED_NAME.test(value))) continue;
    const hexOnly = /^[0-9a-f]+$/i.test(value);
    const entropy = shannonEntropy(value);
    const context = SECRET_WORDS.test(lower.slice(Math.max(0, index - 40), index));
    // Random base64/base62 of this length has entropy above 4.5; prose and identifiers do not.
    const threshold = context ? 3.5 : hexOnly ? Infinity : value.length >= 32 ? 4.3 : 4.6;
    if (entropy < threshold) continue;
    out.push({ type: 'SECRET', start: index, end: index + value.length, score: context ? 0.8 : 0.6 });
  }
}
