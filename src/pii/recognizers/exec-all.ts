/**
 * All matches of a global regex, like `String.prototype.matchAll` but without its per-call cost:
 * matchAll clones the regex and goes through an iterator, about a microsecond a call on Node 20,
 * which was more than many of the scans themselves on a chat message.
 */
export function execAll(re: RegExp, text: string): RegExpExecArray[] {
  const found: RegExpExecArray[] = [];
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    found.push(m);
    // An empty match must not be found again at the same place (as matchAll steps past it).
    if (m[0].length === 0) {
      const at = re.lastIndex;
      const c = text.charCodeAt(at);
      re.lastIndex = at + (re.unicode && c >= 0xd800 && c <= 0xdbff ? 2 : 1);
    }
  }
  re.lastIndex = 0;
  return found;
}

/** A copy of `re` that matches only where it is started (`lastIndex`), for `execAt`. */
export function sticky(re: RegExp): RegExp {
  return new RegExp(re.source, re.flags.includes('y') ? re.flags : re.flags + 'y');
}

/**
 * The match of a sticky regex starting exactly at `index`, or null. Recognisers find the few
 * places a pattern can start with a character scan or from the words, and try the regex only
 * there instead of at every position of the text.
 */
export function execAt(re: RegExp, text: string, index: number): RegExpExecArray | null {
  re.lastIndex = index;
  const m = re.exec(text);
  re.lastIndex = 0;
  return m;
}
