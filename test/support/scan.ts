import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every way a test can think of that a string might sit in bytes. */
export function encodingsOf(text: string): { name: string; bytes: Buffer }[] {
  const utf8 = Buffer.from(text, 'utf8');
  const forms = [
    { name: 'utf8', bytes: utf8 },
    { name: 'utf16le', bytes: Buffer.from(text, 'utf16le') },
    { name: 'utf16be', bytes: Buffer.from(text, 'utf16le').swap16() },
    { name: 'hex', bytes: Buffer.from(utf8.toString('hex')) },
    { name: 'HEX', bytes: Buffer.from(utf8.toString('hex').toUpperCase()) },
  ];
  // base64 depends on alignment: take the stable middle of the encoding at each of 3 offsets
  for (let offset = 0; offset < 3; offset++) {
    const b64 = Buffer.concat([Buffer.alloc(offset, 0x20), utf8]).toString('base64');
    const start = Math.ceil((offset * 4) / 3) + 4;
    forms.push({ name: `base64@${offset}`, bytes: Buffer.from(b64.slice(start, b64.length - 4)) });
    forms.push({ name: `base64url@${offset}`, bytes: Buffer.from(b64.slice(start, b64.length - 4).replaceAll('+', '-').replaceAll('/', '_')) });
  }
  return forms;
}

/** Where any of the needles occurs in the bytes, as "needle/encoding". */
export function findIn(haystack: Buffer, needles: string[]): string[] {
  const found: string[] = [];
  for (const needle of needles) for (const form of encodingsOf(needle)) if (haystack.includes(form.bytes)) found.push(`${needle}/${form.name}`);
  return found;
}

/** Walks a directory and reports each file holding any needle (as raw bytes). */
export function scanDirectory(dir: string, needles: Buffer[]): string[] {
  const hits: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path)) {
      const full = join(path, entry);
      const stat = statSync(full);
      if (stat.isDirectory()) walk(full);
      else if (stat.isFile()) {
        const bytes = readFileSync(full);
        for (const needle of needles) if (bytes.includes(needle)) hits.push(full);
      }
    }
  };
  walk(dir);
  return hits;
}
