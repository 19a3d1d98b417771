import { z } from 'zod';

/**
 * The shape of the policy file. Every window the system enforces is declared here and read from
 * the file; the code never repeats a number.
 */
const days = z.number().int().min(0).max(36_500);
const positiveDays = z.number().int().min(1).max(36_500);
const isoInstant = z.iso.datetime({ offset: true });

export const accountKinds = ['consumer', 'team', 'enterprise', 'api'] as const;
export type AccountKind = (typeof accountKinds)[number];

export const staffRoles = ['support', 'trust_safety', 'legal', 'privacy_officer', 'admin'] as const;
export type StaffRole = (typeof staffRoles)[number];

export const accessPurposes = ['support', 'policy_violation', 'legal_obligation'] as const;
export type AccessPurpose = (typeof accessPurposes)[number];

const orgWindow = z
  .object({ defaultDays: positiveDays, minDays: positiveDays, maxDays: positiveDays })
  .strict()
  .refine((w) => w.minDays <= w.defaultDays && w.defaultDays <= w.maxDays, {
    message: 'must satisfy minDays <= defaultDays <= maxDays',
  });

const purposeRule = z
  .object({
    description: z.string().min(1).max(500),
    requiresSupportRequest: z.boolean(),
    maxTtlMinutes: z.number().int().min(1).max(10_080),
  })
  .strict();

export const policySchema = z
  .object({
    version: z.string().min(1).max(64),
    publishedAt: isoInstant,
    operator: z.object({ name: z.string().min(1).max(200), contact: z.string().min(1).max(200) }).strict(),
    accountKinds: z
      .array(z.enum(accountKinds))
      .refine((k) => accountKinds.every((required) => k.includes(required)), {
        message: `must list every account kind: ${accountKinds.join(', ')}`,
      }),
    training: z
      .object({
        consentDefault: z.boolean(),
        anonymizeExports: z.boolean(),
        anonymizeOperator: z.enum(['replace', 'mask', 'hash']),
      })
      .strict(),
    retention: z
      .object({
        conversations: z
          .object({
            consumer: z.object({ optedOutDays: positiveDays, optedInDays: positiveDays }).strict(),
            team: orgWindow,
            enterprise: orgWindow,
            api: z.object({ days: positiveDays }).strict(),
          })
          .strict(),
        zeroDataRetentionDays: z.literal(0),
        incognitoDays: days,
        deleted: z
          .object({ graceDays: days, maxDays: days })
          .strict()
          .refine((d) => d.graceDays <= d.maxDays, { message: 'graceDays must not exceed maxDays' }),
        feedbackDays: positiveDays,
        safetyFlaggedDays: positiveDays,
        classifierScoresDays: positiveDays,
        trainingBatchDays: positiveDays,
        technical: z.object({ days: positiveDays, truncateIpAfterDays: days }).strict(),
        sessionsDays: positiveDays,
      })
      .strict(),
    staffAccess: z
      .object({
        purposes: z.object({
          support: purposeRule,
          policy_violation: purposeRule,
          legal_obligation: purposeRule,
        }).strict(),
        roles: z.object(
          Object.fromEntries(staffRoles.map((r) => [r, z.array(z.enum(accessPurposes))])) as Record<
            StaffRole,
            z.ZodArray<z.ZodEnum<{ [K in AccessPurpose]: K }>>
          >,
        ).strict(),
      })
      .strict(),
    review: z.object({ defaultRate: z.number().min(0).max(1), lookbackDays: positiveDays }).strict(),
    // P16: usage analytics publish only groups of at least this many distinct accounts.
    analytics: z.object({ minGroupSize: z.number().int().min(2).max(10_000) }).strict(),
    terms: z
      .array(
        z
          .object({
            version: z.string().min(1).max(64),
            effectiveAt: isoInstant,
            acceptBy: isoInstant,
            url: z.string().min(1).max(500),
          })
          .strict()
          .refine((t) => Date.parse(t.effectiveAt) <= Date.parse(t.acceptBy), {
            message: 'acceptBy must not be before effectiveAt',
          }),
      )
      .min(1),
    cookies: z
      .object({
        categories: z.record(
          z.string().regex(/^[a-z][a-z0-9_]*$/),
          z.object({ essential: z.boolean(), description: z.string().min(1).max(500) }).strict(),
        ),
        /** How long a recorded cookie choice stands before the visitor is asked again. */
        consentDays: positiveDays,
      })
      .strict(),
    recipients: z.array(
      z
        .object({
          id: z.string().regex(/^[a-z0-9-]+$/),
          kind: z.enum(['subprocessor', 'affiliate', 'authority']),
          name: z.string().min(1).max(200),
          purpose: z.string().min(1).max(500),
          regions: z.array(z.string().min(1).max(32)),
        })
        .strict(),
    ),
    regions: z
      .object({
        default: z.string().min(1).max(32),
        available: z.array(z.string().min(1).max(32)).min(1),
        transfers: z.array(z.object({ from: z.string(), to: z.string(), basis: z.string().min(1) }).strict()),
      })
      .strict()
      .refine((r) => r.available.includes(r.default), { message: 'default must be one of available' }),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;
