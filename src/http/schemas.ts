import { z } from 'zod';

/** Shapes shared by several routes. Every string has a bound. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const uuidParam = z.strictObject({ id: z.uuid() });

export const retentionSchema = z.object({
  deleteAfter: z.string().nullable().describe('ISO-8601 UTC instant after which the content is deleted; null while a legal hold keeps it'),
  rule: z.string().describe('the policy entry that decided'),
});

export const problemResponses = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  404: problemSchema,
  409: problemSchema,
  413: problemSchema,
  422: problemSchema,
  429: problemSchema,
  503: problemSchema,
} as const;
