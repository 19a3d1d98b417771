import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { createPiiEngine, type PiiEngine } from './engine.js';
import { createAnonymizer, type AnonymizeOptions, type Operator } from './operators.js';

export interface RedactStreamOptions extends AnonymizeOptions {
  operator: Operator;
  engine?: PiiEngine;
}

async function write(output: Writable, data: string): Promise<void> {
  if (!output.write(data)) await once(output, 'drain');
}

/** Text is cut at line ends into blocks of about this size, so memory stays flat on any input. */
const BLOCK = 64 * 1024;

/**
 * `custos pii redact`: text in, anonymised text out. Blocks end at a line break, so findings
 * spanning lines (a postal address) stay whole unless they straddle a 64 KiB boundary.
 * Placeholders are numbered consistently across the whole stream.
 */
export async function redactStream(input: Readable, output: Writable, options: RedactStreamOptions): Promise<{ findings: number }> {
  const engine = options.engine ?? createPiiEngine();
  const anonymizer = createAnonymizer(options.operator, options);
  input.setEncoding('utf8');
  let pending = '';
  let findings = 0;
  const flush = async (text: string) => {
    if (text.length === 0) return;
    const spans = engine.detect(text);
    findings += spans.length;
    await write(output, anonymizer.apply(text, spans).text);
  };
  for await (const chunk of input) {
    pending += chunk as string;
    if (pending.length < BLOCK) continue;
    const cut = pending.lastIndexOf('\n');
    if (cut < 0) continue;
    const block = pending.slice(0, cut + 1);
    pending = pending.slice(cut + 1);
    await flush(block);
  }
  await flush(pending);
  return { findings };
}

/**
 * `custos pii detect --jsonl`: one `{"text": …}` object per line in, one `{"spans": […]}` per
 * line out. Blank lines are skipped. A malformed line stops the run with an error naming its
 * number only: the line may itself be personal data, so it is never echoed.
 */
export async function detectJsonlStream(input: Readable, output: Writable, options: { engine?: PiiEngine } = {}): Promise<{ lines: number }> {
  const engine = options.engine ?? createPiiEngine();
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  let written = 0;
  for await (const line of lines) {
    n++;
    if (line.trim().length === 0) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      // JSON.parse's own message quotes the input; it must not reach the user's terminal or logs.
      throw new Error(`line ${n}: not valid JSON`);
    }
    if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { text?: unknown }).text !== 'string') {
      throw new Error(`line ${n}: expected an object with a string "text" field`);
    }
    const spans = engine.detect((parsed as { text: string }).text).map(({ type, start, end, score }) => ({ type, start, end, score: Math.round(score * 100) / 100 }));
    await write(output, JSON.stringify({ spans }) + '\n');
    written++;
  }
  return { lines: written };
}
