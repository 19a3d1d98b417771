import { createHash } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import { RecentMap } from '../../lib/recent-map.js';
import type { AuthContext, CredentialKind } from './accounts.service.js';

/** How long a session looked up for a content write is remembered (see docs/adr/0002-one-statement-message-append.md). */
export const RECENT_SESSION_MS = 5_000;
const CAPACITY = 50_000;

/**
 * Session look-ups for the one hot write path, appending a message, reused for a few seconds so
 * that a message costs one database statement instead of two. Safe only because that write
 * checks, in its own statement, that the session is still live (not revoked, not expired, its
 * account not deleted): a revocation takes effect there at once, on every process. Only callers
 * that pass every account gate are remembered, so a caller who just accepted the terms or enrolled
 * in MFA is never held back by a stale refusal. No other route uses this.
 */
export function createRecentSessions(
  accounts: { authenticate(token: string, via: CredentialKind): Promise<AuthContext | null> },
  clock: Clock,
  ttlMs: number = RECENT_SESSION_MS,
) {
  const recent = new RecentMap<string, { auth: AuthContext; until: number }>(CAPACITY);
  return {
    async authenticate(token: string, via: CredentialKind = 'bearer'): Promise<AuthContext | null> {
      // Keyed by a hash, like the sessions table: raw tokens are not kept in memory longer than a request.
      const key = `${via}:${createHash('sha256').update(token).digest('base64')}`;
      const now = clock.now().getTime();
      const hit = recent.get(key);
      if (hit && hit.until > now) return hit.auth;
      const auth = await accounts.authenticate(token, via);
      if (auth && auth.acceptedCurrentTerms && (!auth.orgRequiresMfa || auth.mfaEnabled) && ttlMs > 0) {
        recent.set(key, { auth, until: now + ttlMs });
      } else {
        recent.delete(key);
      }
      return auth;
    },
  };
}
