import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Repository from './conversations.repository.js';

// Every write finds its facts changed, as if another process changed them each time.
const refusals = vi.hoisted(() => ({ count: 0 }));
vi.mock('./conversations.repository.js', async (importOriginal) => {
  const original = await importOriginal<typeof Repository>();
  return {
    ...original,
    insertMessageIfFactsUnchanged: async () => {
      refusals.count++;
      return null;
    },
  };
});

const { createHarness } = await import('../../../test/support/harness.js');
type Harness = Awaited<ReturnType<typeof createHarness>>;

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

describe('a message whose conversation keeps changing', () => {
  it('is tried three times on fresh facts, then refused with 503 and a Retry-After, writing nothing', async () => {
    const user = await h.newUser();
    const conversation = (await h.app.inject({ method: 'POST', url: '/v1/conversations', headers: user.auth, payload: {} })).json();
    const res = await h.app.inject({ method: 'POST', url: `/v1/conversations/${conversation.id}/messages`, headers: user.auth, payload: { role: 'user', content: 'CANARY-BUSY-7f3e' } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'conversation_busy' });
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).not.toContain('CANARY-BUSY-7f3e');
    expect(refusals.count).toBe(3);
    const stored = await h.container.db.selectFrom('messages').select('id').where('conversation_id', '=', conversation.id).execute();
    expect(stored).toEqual([]);
  });
});
