import { z } from 'zod';
import type { App } from '../../http/types.js';
import { callerOf, originOf, type RouteGuard } from '../../http/auth.js';
import { smallBody } from '../../http/limits.js';
import { problemResponses, uuidParam } from '../../http/schemas.js';
import { clearSessionCookies, setSessionCookies } from '../../http/session-cookies.js';
import { csrfTokenFor } from '../../http/csrf.js';
import type { IdentityModule } from '../identity/identity.service.js';
import type { AccountsModule } from './accounts.service.js';
import {
  accountResponse,
  changePasswordBody,
  changePasswordResponse,
  loginBody,
  registerBody,
  sessionListResponse,
  sessionResponse,
} from './accounts.schemas.js';

export interface AccountRouteDeps {
  accounts: AccountsModule;
  identity: Pick<IdentityModule, 'sendVerification'>;
  guard: RouteGuard;
}

export function registerAccountRoutes(app: App, { accounts, identity, guard }: AccountRouteDeps) {
  app.post(
    '/v1/accounts',
    { ...smallBody, schema: { tags: ['accounts'], body: registerBody, response: { 201: accountResponse, ...problemResponses } } },
    async (request, reply) => {
      const account = await accounts.register(request.body, originOf(request));
      // The account exists either way; a mail outage must not undo a sign-up (the user can resend).
      await identity.sendVerification(account.id, account.email).catch((error: unknown) => {
        request.log.warn({ code: (error as { code?: string }).code ?? 'error' }, 'verification email not sent');
      });
      return reply.status(201).send(account);
    },
  );

  app.post(
    '/v1/sessions',
    { ...smallBody, schema: { tags: ['accounts'], body: loginBody, response: { 201: sessionResponse, ...problemResponses } } },
    async (request, reply) => {
      const session = await accounts.login(request.body, originOf(request));
      setSessionCookies(request, reply, session.token, session.maxAgeSeconds);
      return reply
        .status(201)
        .send({ token: session.token, expiresAt: session.expiresAt.toISOString(), csrfToken: csrfTokenFor(session.token) });
    },
  );

  app.get(
    '/v1/me/sessions',
    { ...guard, schema: { tags: ['accounts'], response: { 200: sessionListResponse, ...problemResponses } } },
    async (request) => {
      const caller = callerOf(request);
      return { sessions: await accounts.listSessions(caller.accountId, caller.sessionId) };
    },
  );

  app.delete(
    '/v1/me/sessions/:id',
    { ...guard, schema: { tags: ['accounts'], params: uuidParam, response: { 204: z.null(), ...problemResponses } } },
    async (request, reply) => {
      const caller = callerOf(request);
      await accounts.revokeSession(caller.accountId, request.params.id);
      if (request.params.id === caller.sessionId && caller.via === 'cookie') clearSessionCookies(request, reply);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/v1/me/password',
    { ...guard, ...smallBody, schema: { tags: ['accounts'], body: changePasswordBody, response: { 200: changePasswordResponse, ...problemResponses } } },
    async (request) => {
      const caller = callerOf(request);
      return accounts.changePassword(caller.accountId, caller.sessionId, request.body);
    },
  );
}
