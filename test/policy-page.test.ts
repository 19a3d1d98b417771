import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './support/harness.js';
import { runCustos } from './support/cli.js';

/** The published policy page is generated from the policy file the server enforces (P01–P32). */
let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policy: { ...(await import('../src/policy/index.js')).loadPolicy(), analytics: { minGroupSize: 17 } } });
});
afterAll(async () => h.close());

describe('the public policy', () => {
  it('is served as a page anyone can read, with every promise and the numbers of the running policy', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/policy' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    for (let i = 1; i <= 32; i++) expect(res.body).toContain(`id="P${String(i).padStart(2, '0')}"`);
    expect(res.body).toContain('smaller than 17 accounts');
    expect(res.body).toContain(`Version ${h.policy.version}`);
    expect(res.body).not.toContain('<script');
  });

  it('is also served as JSON statements, the same ones', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/policy' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.version).toBe(h.policy.version);
    expect(body.statements).toHaveLength(32);
    expect(body.statements.find((s: { id: string }) => s.id === 'P16').text).toContain('17 accounts');
  });

  it('custos policy page prints it from a policy file, as HTML or Markdown', async () => {
    const html = await runCustos(['policy', 'page']);
    expect(html.code).toBe(0);
    expect(html.stdout).toMatch(/^<!doctype html>/);
    const md = await runCustos(['policy', 'page', '--markdown']);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('## Incognito chats (P03)');
  });
});
