import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { detectJsonlStream, redactStream } from './stream.js';

async function collect(run: (output: PassThrough) => Promise<unknown>): Promise<string> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (c: Buffer) => chunks.push(c));
  await run(output);
  output.end();
  return Buffer.concat(chunks).toString('utf8');
}

describe('P31 PII stream helpers', () => {
  it('redactStream replaces findings and keeps numbering across the stream', async () => {
    const input = Readable.from(['Hi, I am Sarah Johnson.\nMail sarah@exa', 'mple.com or ask Sarah Johnson.\n']);
    const out = await collect((o) => redactStream(input, o, { operator: 'replace' }));
    expect(out).toBe('Hi, I am <PERSON_1>.\nMail <EMAIL_ADDRESS_1> or ask <PERSON_1>.\n');
  });

  it('redactStream handles input larger than one block, cutting only at line ends', async () => {
    const line = 'Contact Ben Ortiz at ben@example.com today.\n';
    const text = line.repeat(4000);
    const out = await collect((o) => redactStream(Readable.from([text]), o, { operator: 'replace' }));
    expect(out).toBe('Contact <PERSON_1> at <EMAIL_ADDRESS_1> today.\n'.repeat(4000));
  });

  it('redactStream hashes with a key', async () => {
    const out = await collect((o) => redactStream(Readable.from(['card 4111 1111 1111 1111']), o, { operator: 'hash', hashKey: 'a key of sixteen bytes+' }));
    expect(out).toMatch(/^card <CREDIT_CARD_[0-9a-f]{16}>$/);
  });

  it('detectJsonlStream writes one spans line per input line', async () => {
    const input = Readable.from(['{"text":"mail a@example.com"}\n', '\n', '{"text":"nothing here"}\n']);
    const out = await collect((o) => detectJsonlStream(input, o));
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { spans: unknown[] });
    expect(lines).toEqual([{ spans: [{ type: 'EMAIL_ADDRESS', start: 5, end: 18, score: 1 }] }, { spans: [] }]);
  });

  it('a malformed line fails with its number and never its content', async () => {
    const secret = 'SSN 123-45-6789 of Jane Roe';
    const bad = Readable.from([`{"text":"ok"}\n`, `{"text": "${secret}"\n`]);
    const error = await collect((o) => detectJsonlStream(bad, o)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('line 2: not valid JSON');
    expect((error as Error).message).not.toContain('123-45-6789');

    const wrongShape = Readable.from([`{"txt":"${secret}"}\n`]);
    const error2 = await collect((o) => detectJsonlStream(wrongShape, o)).catch((e: unknown) => e);
    expect((error2 as Error).message).toBe('line 1: expected an object with a string "text" field');
    expect((error2 as Error).message).not.toContain('Jane');
  });
});
