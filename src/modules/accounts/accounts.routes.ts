import type { App } from '../../http/types.js';
import { originOf } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import type { AccountsModule } from './accounts.service.js';
import { accountResponse, loginBody, registerBody, sessionResponse } from './accounts.schemas.js';

export function registerAccountRoutes(app: App, accounts: AccountsModule) {
  app.post(
    '/v1/accounts',
    { schema: { tags: ['accounts'], body: registerBody, response: { 201: accountResponse, ...problemResponses } } },
    async (request, reply) => {
      const account = await accounts.register(request.body, originOf(request));
      return reply.status(201).send(account);
    },
  );

  app.post(
    '/v1/sessions',
    { schema: { tags: ['accounts'], body: loginBody, response: { 201: sessionResponse, ...problemResponses } } },
    async (request, reply) => {
      const session = await accounts.login(request.body, originOf(request));
      return reply.status(201).send({ token: session.token, expiresAt: session.expiresAt.toISOString() });
    },
  );
}
