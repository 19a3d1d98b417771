import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { readFileSync } from 'node:fs';
import {
  accountKinds,
  decideRetention,
  decideTrainingUse,
  defaultPolicyPath,
  LEGAL_HOLD_RULE,
  loadPolicy,
  parsePolicy,
  PolicyError,
  type ConversationRetentionFacts,
  type Policy,
  type TrainingFacts,
} from './index.js';

// A loosely typed policy document, edited field by field to break it on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests poke arbitrary paths of the YAML document
type PolicyDocument = Record<string, any>;

const policy = loadPolicy();
const DAY = 86_400_000;
const t0 = Date.parse('2020-01-01T00:00:00Z');

const date = (min = 0, max = 3650) => fc.integer({ min: min * 24, max: max * 24 }).map((h) => new Date(t0 + h * 3_600_000));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const orgArb = maybe(
  fc.record({ zeroDataRetention: fc.boolean(), retentionDays: maybe(fc.integer({ min: 1, max: 4000 })), trainingConsent: fc.boolean() }),
);
const holdsArb = fc.array(fc.record({ id: fc.uuid(), until: maybe(date()) }), { maxLength: 3 });

const conversationFacts: fc.Arbitrary<ConversationRetentionFacts> = fc.record({
  now: date(),
  accountKind: fc.constantFrom(...accountKinds),
  org: orgArb,
  trainingOptIn: fc.boolean(),
  incognito: fc.boolean(),
  lastActivityAt: date(),
  deletedAt: maybe(date()),
  accountDeletedAt: maybe(date()),
  holds: holdsArb,
});

const trainingFacts: fc.Arbitrary<TrainingFacts> = fc.record({
  at: date(),
  source: fc.constantFrom('conversation', 'feedback', 'safety_flag'),
  accountKind: fc.constantFrom(...accountKinds),
  org: orgArb,
  trainingOptIn: fc.boolean(),
  incognito: fc.boolean(),
  deletedAt: maybe(date()),
  contentPersisted: fc.boolean(),
  alreadyExported: fc.boolean(),
});

function policyValueAt(p: Policy, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], p);
}

describe('policy file', () => {
  it('the shipped file is valid and carries a version', () => {
    expect(policy.version).toMatch(/\S/);
    expect(policy.training.consentDefault).toBe(false);
  });

  it('a bad file names each bad field by its path', () => {
    const doc = parseYaml(readFileSync(defaultPolicyPath, 'utf8')) as PolicyDocument;
    doc.retention.conversations.consumer.optedOutDays = -3;
    doc.retention.feedbackDays = 'five years';
    delete doc.version;
    try {
      parsePolicy(doc, 'bad.yaml');
      expect.unreachable('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyError);
      const problems = (error as PolicyError).problems.join('\n');
      expect(problems).toContain('retention.conversations.consumer.optedOutDays');
      expect(problems).toContain('retention.feedbackDays');
      expect(problems).toContain('version');
    }
  });

  it('zero data retention cannot be given a window', () => {
    const doc = parseYaml(readFileSync(defaultPolicyPath, 'utf8')) as PolicyDocument;
    doc.retention.zeroDataRetentionDays = 5;
    expect(() => parsePolicy(doc)).toThrow(/retention.zeroDataRetentionDays/);
  });
});

describe('decideTrainingUse (properties)', () => {
  it('P03: incognito is never eligible for training whatever else holds', () => {
    fc.assert(fc.property(trainingFacts, (f) => !decideTrainingUse({ ...f, incognito: true }, policy).eligible));
  });

  it('P09: a deleted copy is never eligible for an export made after its deletion', () => {
    fc.assert(
      fc.property(trainingFacts, fc.integer({ min: 0, max: 1000 * DAY }), (f, after) => {
        const deletedAt = new Date(f.at.getTime() - after);
        return !decideTrainingUse({ ...f, deletedAt }, policy).eligible;
      }),
    );
  });

  it('P08: organisation and API accounts are never eligible without the organisation consenting', () => {
    fc.assert(
      fc.property(trainingFacts, fc.constantFrom('team', 'enterprise', 'api' as const), (f, kind) => {
        const org = { zeroDataRetention: false, retentionDays: null, trainingConsent: false };
        return !decideTrainingUse({ ...f, accountKind: kind, org }, policy).eligible;
      }),
    );
  });

  it('P05/P07: an opted-out consumer conversation is eligible only through feedback or a safety flag', () => {
    fc.assert(
      fc.property(trainingFacts, (f) => {
        const d = decideTrainingUse({ ...f, accountKind: 'consumer', org: null, trainingOptIn: false }, policy);
        return !d.eligible || d.basis === 'feedback' || d.basis === 'safety_flag';
      }),
    );
  });

  it('never exports the same copy twice', () => {
    fc.assert(fc.property(trainingFacts, (f) => !decideTrainingUse({ ...f, alreadyExported: true }, policy).eligible));
  });

  it('an eligible opted-in consumer conversation has basis opt_in', () => {
    const d = decideTrainingUse(
      { at: new Date(t0), source: 'conversation', accountKind: 'consumer', org: null, trainingOptIn: true, incognito: false, deletedAt: null, contentPersisted: true, alreadyExported: false },
      policy,
    );
    expect(d).toMatchObject({ eligible: true, basis: 'opt_in' });
  });
});

describe('decideRetention (properties)', () => {
  it('the returned rule always names the policy entry that decided', () => {
    fc.assert(
      fc.property(conversationFacts, (f) => {
        const d = decideRetention(f, policy);
        if (d.rule === LEGAL_HOLD_RULE) return f.holds.length > 0;
        return typeof policyValueAt(policy, d.rule) === 'number';
      }),
    );
  });

  it('P06: an opted-out consumer conversation never outlives last activity + the opted-out window, unless a hold explains it', () => {
    fc.assert(
      fc.property(conversationFacts, (f) => {
        const d = decideRetention({ ...f, accountKind: 'consumer', org: null, trainingOptIn: false }, policy);
        const bound = f.lastActivityAt.getTime() + policy.retention.conversations.consumer.optedOutDays * DAY;
        if (d.rule === LEGAL_HOLD_RULE) return true;
        return d.deleteAfter !== null && d.deleteAfter.getTime() <= bound;
      }),
    );
  });

  it('P11: a deleted conversation is gone within the deleted-conversation bound, unless held', () => {
    fc.assert(
      fc.property(conversationFacts, date(), (f, deletedAt) => {
        const d = decideRetention({ ...f, deletedAt }, policy);
        if (d.rule === LEGAL_HOLD_RULE) return true;
        return d.deleteAfter !== null && d.deleteAfter.getTime() <= deletedAt.getTime() + policy.retention.deleted.maxDays * DAY && !d.persistContent;
      }),
    );
  });

  it('P03: incognito content is kept no longer than the incognito window', () => {
    fc.assert(
      fc.property(conversationFacts, (f) => {
        const d = decideRetention({ ...f, incognito: true, holds: [] }, policy);
        return !d.persistContent || d.deleteAfter !== null && d.deleteAfter.getTime() <= f.lastActivityAt.getTime() + policy.retention.incognitoDays * DAY;
      }),
    );
  });

  it('P10: zero-data-retention organisations never persist content', () => {
    fc.assert(
      fc.property(conversationFacts, (f) => {
        const d = decideRetention({ ...f, org: { zeroDataRetention: true, retentionDays: null, trainingConsent: false } }, policy);
        return !d.persistContent;
      }),
    );
  });

  it('P13: an open-ended hold suspends deletion whatever else holds; an expired one does not', () => {
    fc.assert(
      fc.property(conversationFacts, (f) => {
        const held = decideRetention({ ...f, holds: [{ id: 'h', until: null }] }, policy);
        const expired = decideRetention({ ...f, holds: [{ id: 'h', until: new Date(f.now.getTime() - 1) }] }, policy);
        const none = decideRetention({ ...f, holds: [] }, policy);
        return held.deleteAfter === null && expired.deleteAfter?.getTime() === none.deleteAfter?.getTime();
      }),
    );
  });

  it('organisations choose their window only within the policy bounds', () => {
    const w = policy.retention.conversations.team;
    const facts: ConversationRetentionFacts = {
      now: new Date(t0), accountKind: 'team', org: { zeroDataRetention: false, retentionDays: w.maxDays + 100, trainingConsent: false },
      trainingOptIn: false, incognito: false, lastActivityAt: new Date(t0), deletedAt: null, accountDeletedAt: null, holds: [],
    };
    expect(decideRetention(facts, policy).deleteAfter?.getTime()).toBe(t0 + w.maxDays * DAY);
  });

  it('copies keep their own window from the policy file', () => {
    const d = decideRetention({ now: new Date(t0), copyClass: 'feedback', createdAt: new Date(t0), holds: [] }, policy);
    expect(d.rule).toBe('retention.feedbackDays');
    expect(d.deleteAfter?.getTime()).toBe(t0 + policy.retention.feedbackDays * DAY);
  });
});
