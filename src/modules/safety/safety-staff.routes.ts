import { z } from 'zod';
import type { App } from '../../http/types.js';
import { problemResponses, uuidParam } from '../../http/schemas.js';
import { mayReview, type Policy } from '../../policy/index.js';
import { requireRole, type StaffGuard } from '../staff/staff.guard.js';
import type { SafetyStaffModule } from './safety-staff.service.js';

const category = z.string().regex(/^[a-z][a-z0-9_]*$/).max(64);

export function registerSafetyStaffRoutes(app: App, module: SafetyStaffModule, options: { guard: StaffGuard; policy: Policy }) {
  const mayInvestigate = (role: Parameters<typeof mayReview>[0]) => mayReview(role, options.policy);

  app.post(
    '/v1/staff/flags',
    {
      ...options.guard,
      schema: {
        tags: ['staff'],
        description: 'Flag a message for safety (trust & safety, under a grant that covers its conversation). Keeps a de-identified safety copy.',
        body: z.strictObject({ messageId: z.uuid(), category, note: z.string().min(1).max(2000).optional(), grantId: z.uuid().optional() }),
        response: { 201: z.object({ id: z.uuid(), deleteAfter: z.string() }), ...problemResponses },
      },
    },
    async (request, reply) => {
      const staff = requireRole(request, mayInvestigate, 'flag content');
      return reply.status(201).send(await module.flag(staff, request.body));
    },
  );

  app.post(
    '/v1/staff/safety-copies/:id/reidentify',
    {
      ...options.guard,
      schema: {
        tags: ['staff'],
        description: 'Re-identify the account behind a de-identified copy, to enforce the usage policy (P15). Creates an audited policy_violation grant on that account.',
        params: uuidParam,
        body: z.strictObject({
          copyKind: z.enum(['safety', 'feedback']).default('safety'),
          caseRef: z.string().min(1).max(100),
          justification: z.string().min(10).max(1000),
          ttlMinutes: z.number().int().min(1).max(10_080).default(60),
        }),
        response: {
          201: z.object({ accountPseudonym: z.string(), grant: z.record(z.string(), z.unknown()) }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const staff = requireRole(request, mayInvestigate, 're-identify copies');
      const result = await module.reidentify(staff, { ...request.body, copyId: request.params.id });
      return reply.status(201).send(result);
    },
  );
}
