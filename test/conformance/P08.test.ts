import { describe, expect, it } from 'vitest';
import { cli, conversationWith, exportTraining, holds, fileHarness, setTraining } from './lifecycle-support.js';

/**
 * P08: team, enterprise and API accounts are never used for training unless the organisation has
 * given explicit consent — whatever a member's own setting says.
 */
const h = fileHarness();

async function organisation(flags: string[]) {
  const created = await cli(h, ['org', 'create', '--name', `P08 ${flags.join(' ')}`, ...flags]);
  expect(created.stderr).toBe('');
  expect(created.code).toBe(0);
  return JSON.parse(created.stdout) as { id: string; inviteToken: string };
}

describe('P08 organisation accounts', () => {
  it('P08 members of team, enterprise and API organisations are exported only with the organisation\'s consent', async () => {
    const cases = [
      { canary: 'P08-TEAM-NO-CONSENT-11aa', flags: ['--kind', 'team'], exported: false },
      { canary: 'P08-TEAM-CONSENT-22bb', flags: ['--kind', 'team', '--training-consent'], exported: true, kind: 'team' },
      { canary: 'P08-ENTERPRISE-NO-CONSENT-33cc', flags: ['--kind', 'enterprise'], exported: false },
      { canary: 'P08-ENTERPRISE-CONSENT-44dd', flags: ['--kind', 'enterprise', '--training-consent'], exported: true, kind: 'enterprise' },
      { canary: 'P08-API-NO-CONSENT-55ee', flags: ['--kind', 'api'], exported: false },
      { canary: 'P08-API-CONSENT-66ff', flags: ['--kind', 'api', '--training-consent'], exported: true, kind: 'api' },
      // consent cannot bring back content that zero data retention never stored
      { canary: 'P08-ZDR-CONSENT-7788', flags: ['--kind', 'team', '--training-consent', '--zero-data-retention'], exported: false },
    ];
    for (const c of cases) {
      const org = await organisation(c.flags);
      const member = await h.newUser({ inviteToken: org.inviteToken });
      // a member's own toggle does not override the organisation (either way)
      await setTraining(h, member, !c.exported);
      await conversationWith(h, member, c.canary);
    }

    const batch = await exportTraining(h, h.clock.now());
    for (const c of cases) {
      expect({ canary: c.canary, exported: holds(batch, c.canary) }).toEqual({ canary: c.canary, exported: c.exported });
      if (c.exported) {
        const line = batch.lines.find((l) => l.messages.some((m) => m.content.includes(c.canary)))!;
        expect(line).toMatchObject({ basis: 'org_consent', accountKind: c.kind });
      }
    }
    expect(batch.batch.counts.byBasis).toEqual({ org_consent: 3 });
    expect(batch.batch.counts.byKind).toEqual({ team: 1, enterprise: 1, api: 1 });
    expect(batch.batch.counts.refused).toMatchObject({ no_org_consent: 3, zero_data_retention: 1 });
  });

  it('P08 consent given later through the settings applies to exports after it, and withdrawing it stops the next one', async () => {
    const org = await organisation(['--kind', 'team']);
    const member = await h.newUser({ inviteToken: org.inviteToken });
    await conversationWith(h, member, 'P08-BEFORE-CONSENT-9a01');
    expect(holds(await exportTraining(h, h.clock.now()), 'P08-BEFORE-CONSENT-9a01')).toBe(false);

    const given = await cli(h, ['org', 'set', '--org', org.id, '--training-consent', 'on']);
    expect(given.stderr).toBe('');
    expect(JSON.parse(given.stdout)).toMatchObject({ trainingConsent: true, changed: ['trainingConsent'] });
    const after = await exportTraining(h, h.clock.now());
    expect(holds(after, 'P08-BEFORE-CONSENT-9a01')).toBe(true);

    const withdrawn = await cli(h, ['org', 'set', '--org', org.id, '--training-consent', 'off']);
    expect(withdrawn.code).toBe(0);
    await conversationWith(h, member, 'P08-AFTER-WITHDRAWAL-9a02');
    expect(holds(await exportTraining(h, h.clock.now()), 'P08-AFTER-WITHDRAWAL-9a02')).toBe(false);

    const bad = await cli(h, ['org', 'set', '--org', org.id, '--training-consent', 'maybe']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('custos: --training-consent must be on or off, got "maybe"');
    const nothing = await cli(h, ['org', 'set', '--org', org.id]);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('nothing to change');
  });
});
