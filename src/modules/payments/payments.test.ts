import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHarness, type Harness } from '../../../test/support/harness.js';
import { containsCardNumber, luhnValid, valueContainsCardNumber } from './card-number.js';

/** Appends the Luhn check digit to `body`. */
function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable');
}

const cardNumber = fc
  .integer({ min: 13, max: 19 })
  .chain((length) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length - 1, maxLength: length - 1 }))
  .map((digits) => withCheckDigit(digits.join('')));

describe('card number detection', () => {
  it('knows the Luhn check', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(luhnValid('378282246310005')).toBe(true);
  });

  it('finds every Luhn-valid 13–19 digit number, however it is grouped or wrapped', () => {
    fc.assert(
      fc.property(
        cardNumber,
        fc.constantFrom('', ' ', '-'),
        fc.string({ maxLength: 8 }).filter((s) => !/[0-9 -]$/.test(s)),
        fc.string({ maxLength: 8 }).filter((s) => !/^[0-9 -]/.test(s)),
        (number, separator, before, after) => {
          const grouped = number.match(/.{1,4}/g)!.join(separator);
          expect(containsCardNumber(`${before}${grouped}${after}`)).toBe(true);
          expect(valueContainsCardNumber({ deep: [{ inside: `${before}${grouped}${after}` }] })).toBe(true);
        },
      ),
    );
  });

  it('lets ordinary fields through', () => {
    for (const ok of ['pm_1Nv2xQ2eZvKYlo2C', 'tok_visa', '4242', 'visa', '12/2030', 'cus_9s6XKzkNRiz8i3']) expect(containsCardNumber(ok)).toBe(false);
    expect(valueContainsCardNumber({ processorToken: 'pm_1Nv2xQ2eZvKYlo2C', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 })).toBe(false);
  });

  it('checks numbers too, and keys', () => {
    expect(valueContainsCardNumber({ x: 4242424242424242 })).toBe(true);
    expect(valueContainsCardNumber({ '4242424242424242': true })).toBe(true);
  });
});

describe('payment method routes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  const method = { processorToken: 'pm_1Nv2xQ2eZvKYlo2C', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 };

  it('stores a token and display fields, shows them back, and deletes them', async () => {
    const user = await h.newUser();
    expect((await h.app.inject({ method: 'GET', url: '/v1/me/payment-method', headers: user.auth })).statusCode).toBe(404);
    const put = await h.app.inject({ method: 'PUT', url: '/v1/me/payment-method', headers: user.auth, payload: method });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 });
    // The token itself is never shown again.
    expect(put.body).not.toContain(method.processorToken);
    const row = await h.database.db.selectFrom('payment_methods').selectAll().where('account_id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.processor_token).toBe(method.processorToken);
    expect((await h.app.inject({ method: 'DELETE', url: '/v1/me/payment-method', headers: user.auth })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'GET', url: '/v1/me/payment-method', headers: user.auth })).statusCode).toBe(404);
  });

  it('refuses an expired card and malformed fields', async () => {
    const user = await h.newUser();
    const expired = await h.app.inject({ method: 'PUT', url: '/v1/me/payment-method', headers: user.auth, payload: { ...method, expYear: 2025 } });
    expect(expired.statusCode).toBe(422);
    expect(expired.json().code).toBe('card_expired');
    const bad = await h.app.inject({ method: 'PUT', url: '/v1/me/payment-method', headers: user.auth, payload: { ...method, last4: '42' } });
    expect(bad.statusCode).toBe(400);
  });

  it('refuses a full card number in any field, even an unknown one or a \\u-escaped one, with 422', async () => {
    const user = await h.newUser();
    const bodies = [
      JSON.stringify({ ...method, processorToken: '4242424242424242' }),
      JSON.stringify({ ...method, brand: 'visa 4242 4242 4242 4242' }),
      JSON.stringify({ ...method, note: '4000-0566-5566-5556' }),
      JSON.stringify({ ...method, expYear: 4242424242424242 }),
      `{"processorToken":"pm_x1","brand":"\\u0034242424242424242","last4":"4242","expMonth":1,"expYear":2030}`,
      `{"processorToken":"pm_x1","brand":"visa","last4":"4242","expMonth":1,"expYear":2030,"n":${withCheckDigit('424242424242424242')}}`,
    ];
    for (const payload of bodies) {
      const res = await h.app.inject({ method: 'PUT', url: '/v1/me/payment-method', headers: { ...user.auth, 'content-type': 'application/json' }, payload });
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe('card_number_refused');
      expect(res.body).not.toMatch(/4242 ?4242|0566/);
    }
    expect(await h.database.db.selectFrom('payment_methods').selectAll().where('account_id', '=', user.id).execute()).toEqual([]);
  });
});
