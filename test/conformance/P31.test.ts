import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHarness, type Harness } from '../support/harness.js';
import { custosBin, repoRoot } from '../support/cli.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

function pipeThrough(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [custosBin, ...args], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const sample = 'Hi, I am Maria Lopez, reach me at maria.lopez@example.com or +1 415 555 0132. Card 4111 1111 1111 1111.';

describe('P31 anonymisation helper', () => {
  it('P31: POST /v1/anonymize replaces personal data with consistent numbered placeholders', async () => {
    const user = await h.newUser();
    const res = await h.app.inject({ method: 'POST', url: '/v1/anonymize', headers: user.auth, payload: { text: `${sample} Again: maria.lopez@example.com`, operator: 'replace' } });
    expect(res.statusCode).toBe(200);
    const { text, entities } = res.json();
    expect(text).not.toContain('maria.lopez@example.com');
    expect(text).not.toContain('4111 1111 1111 1111');
    expect(text).toContain('<EMAIL_ADDRESS_1>');
    expect(text.match(/<EMAIL_ADDRESS_1>/g)).toHaveLength(2); // the same value, the same placeholder
    expect(entities.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['PERSON', 'EMAIL_ADDRESS', 'PHONE_NUMBER', 'CREDIT_CARD']));
  });

  it('P31: mask and keyed hash operators', async () => {
    const user = await h.newUser();
    const masked = (await h.app.inject({ method: 'POST', url: '/v1/anonymize', headers: user.auth, payload: { text: sample, operator: 'mask' } })).json().text as string;
    expect(masked).not.toContain('maria.lopez');
    expect(masked).toContain('*');
    const hash1 = (await h.app.inject({ method: 'POST', url: '/v1/anonymize', headers: user.auth, payload: { text: 'mail bob@example.org', operator: 'hash' } })).json().text;
    const hash2 = (await h.app.inject({ method: 'POST', url: '/v1/anonymize', headers: user.auth, payload: { text: 'mail bob@example.org', operator: 'hash' } })).json().text;
    expect(hash1).toBe(hash2);
    expect(hash1).not.toContain('bob@example.org');
  });

  it('P31: reversible pseudonyms open only for the account they were made for', async () => {
    const user = await h.newUser();
    const other = await h.newUser();
    const pseudonymised = (await h.app.inject({ method: 'POST', url: '/v1/anonymize', headers: user.auth, payload: { text: sample, operator: 'pseudonymize' } })).json().text as string;
    expect(pseudonymised).not.toContain('maria.lopez@example.com');
    const back = await h.app.inject({ method: 'POST', url: '/v1/deanonymize', headers: user.auth, payload: { text: pseudonymised } });
    expect(back.statusCode).toBe(200);
    expect(back.json().text).toBe(sample);
    const stolen = await h.app.inject({ method: 'POST', url: '/v1/deanonymize', headers: other.auth, payload: { text: pseudonymised } });
    expect(stolen.statusCode).toBe(422);
    expect(stolen.body).not.toContain('maria');
  });

  it('P31: the anonymiser requires a signed-in caller and bounded input', async () => {
    expect((await h.app.inject({ method: 'POST', url: '/v1/anonymize', payload: { text: sample } })).statusCode).toBe(401);
    const user = await h.newUser();
    const huge = await h.app.inject({ method: 'POST', url: '/v1/anonymize', headers: user.auth, payload: { text: 'x'.repeat(h.container.config.maxContentBytes + 1) } });
    expect(huge.statusCode).toBe(400);
  });

  it('P31: custos pii redact filters stdin to stdout', async () => {
    const result = await pipeThrough(['pii', 'redact'], `${sample}\nsecond line with 10.0.0.1\n`);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('maria.lopez@example.com');
    expect(result.stdout).toContain('<EMAIL_ADDRESS_1>');
    expect(result.stdout).toContain('<IP_ADDRESS_1>');
    expect(result.stdout.split('\n')).toHaveLength(3);
  });

  it('P31: custos pii detect --jsonl gives JavaScript string offsets, and refuses a bad line without echoing it', async () => {
    const text = 'ümlaut first, then mail zoë@example.net';
    const result = await pipeThrough(['pii', 'detect', '--jsonl'], `${JSON.stringify({ text })}\n`);
    expect(result.code).toBe(0);
    const spans = JSON.parse(result.stdout.trim()).spans as { type: string; start: number; end: number }[];
    const email = spans.find((s) => s.type === 'EMAIL_ADDRESS')!;
    expect(text.slice(email.start, email.end)).toBe('zoë@example.net');
    const bad = await pipeThrough(['pii', 'detect', '--jsonl'], '{"text": "fine"}\nSECRET-LINE-CONTENT\n');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('line 2');
    expect(bad.stderr).not.toContain('SECRET-LINE-CONTENT');
  });
});
