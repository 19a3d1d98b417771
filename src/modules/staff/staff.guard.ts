import type { FastifyRequest } from 'fastify';
import type { App } from '../../http/types.js';
import { bearerToken } from '../../http/auth.js';
import { forbidden, unauthorized } from '../../lib/errors.js';
import type { StaffRole } from '../../policy/index.js';
import type { StaffContext, StaffModule } from './staff.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    staff: StaffContext | null;
  }
}

export interface StaffGuard {
  preHandler: (request: FastifyRequest) => Promise<void>;
}

/** Staff routes take a staff bearer token only: no cookie (so no CSRF surface), never a user's token. */
export function requireStaff(staff: Pick<StaffModule, 'authenticate'>): StaffGuard {
  return {
    preHandler: async (request) => {
      const token = bearerToken(request);
      if (!token) throw unauthorized('unauthorized', 'a staff bearer token is required');
      const context = await staff.authenticate(token);
      if (!context) throw unauthorized('invalid_token', 'the staff token is unknown, expired or revoked');
      request.staff = context;
    },
  };
}

export function decorateStaff(app: App) {
  if (!app.hasRequestDecorator('staff')) app.decorateRequest('staff', null);
}

export function staffOf(request: FastifyRequest): StaffContext {
  if (!request.staff) throw unauthorized();
  return request.staff;
}

/** For routes whose permission depends on the role alone (holds, the review queue). */
export function requireRole(request: FastifyRequest, allowed: (role: StaffRole) => boolean, what: string): StaffContext {
  const staff = staffOf(request);
  if (!allowed(staff.role)) throw forbidden('role_not_allowed', `the ${staff.role} role may not ${what}`);
  return staff;
}
