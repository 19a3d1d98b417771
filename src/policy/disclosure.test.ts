import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decideDisclosure, type DisclosureRequest } from './disclosure.js';
import type { Policy } from './policy.schema.js';

const policy: Pick<Policy, 'recipients' | 'regions'> = {
  recipients: [
    { id: 'hosting-eu', kind: 'subprocessor', name: 'Host', purpose: 'hosting', regions: ['eu'] },
    { id: 'support-us', kind: 'affiliate', name: 'Support', purpose: 'support', regions: ['us'] },
    { id: 'court', kind: 'authority', name: 'Court', purpose: 'orders', regions: ['eu', 'us'] },
  ],
  regions: { default: 'eu', available: ['eu', 'us', 'asia'], transfers: [{ from: 'eu', to: 'us', basis: 'SCC 2021/914' }] },
};
const request = (r: Partial<DisclosureRequest> = {}): DisclosureRequest => ({ recipientId: 'hosting-eu', legalBasis: null, notifySubject: true, ...r });

describe('decideDisclosure', () => {
  it('allows a registered recipient in the region, with no transfer', () => {
    expect(decideDisclosure(request(), 'eu', policy)).toMatchObject({ allow: true, recipient: { id: 'hosting-eu' }, transfer: null });
  });

  it('refuses an unregistered recipient, whatever else the request says', () => {
    fc.assert(
      fc.property(fc.string(), fc.option(fc.string()), fc.boolean(), fc.constantFrom('eu', 'us', 'asia'), (recipientId, legalBasis, notifySubject, region) => {
        fc.pre(!policy.recipients.some((r) => r.id === recipientId));
        expect(decideDisclosure({ recipientId, legalBasis, notifySubject }, region, policy)).toEqual({ allow: false, reason: 'unregistered_recipient' });
      }),
    );
  });

  it('asks an authority, and any silence towards the user, for a legal basis', () => {
    expect(decideDisclosure(request({ recipientId: 'court' }), 'eu', policy)).toEqual({ allow: false, reason: 'legal_basis_required' });
    expect(decideDisclosure(request({ recipientId: 'court', legalBasis: '  ' }), 'eu', policy)).toEqual({ allow: false, reason: 'legal_basis_required' });
    expect(decideDisclosure(request({ recipientId: 'court', legalBasis: 'order 12/2026' }), 'eu', policy).allow).toBe(true);
    expect(decideDisclosure(request({ notifySubject: false }), 'eu', policy)).toEqual({ allow: false, reason: 'silence_needs_legal_basis' });
    expect(decideDisclosure(request({ notifySubject: false, legalBasis: 'gag order 3' }), 'eu', policy).allow).toBe(true);
  });

  it('lets data leave the region only under a transfer rule from this region to one of the recipient\'s', () => {
    expect(decideDisclosure(request({ recipientId: 'support-us' }), 'eu', policy)).toMatchObject({ allow: true, transfer: { to: 'us', basis: 'SCC 2021/914' } });
    // No rule from us to eu, nor from asia anywhere.
    expect(decideDisclosure(request(), 'us', policy)).toEqual({ allow: false, reason: 'transfer_not_allowed' });
    expect(decideDisclosure(request({ recipientId: 'support-us' }), 'asia', policy)).toEqual({ allow: false, reason: 'transfer_not_allowed' });
    expect(decideDisclosure(request({ recipientId: 'support-us' }), 'us', policy)).toMatchObject({ allow: true, transfer: null });
  });
});
