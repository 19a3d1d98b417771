import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, notFound } from '../../lib/errors.js';
import { valueContainsCardNumber } from './card-number.js';
import { deletePaymentMethod, findPaymentMethod, upsertPaymentMethod, type PaymentMethod } from './payments.repository.js';

export interface PaymentsDeps {
  db: Kysely<DB>;
  clock: Clock;
}

/** Refused before anything is stored or logged; the message never repeats the number. */
export const cardNumberRefused = () =>
  new AppError('card_number_refused', 422, 'a full card number was sent: send only the payment processor’s token and display fields');

const view = (row: NonNullable<Awaited<ReturnType<typeof findPaymentMethod>>>) => ({
  brand: row.brand,
  last4: row.last4,
  expMonth: row.exp_month,
  expYear: row.exp_year,
  updatedAt: new Date(row.updated_at).toISOString(),
});

/** P21: payment details are a processor's token plus what a settings page shows, nothing more. */
export function createPaymentsModule({ db, clock }: PaymentsDeps) {
  return {
    async set(accountId: string, method: PaymentMethod) {
      // The HTTP edge already refused such a body; this keeps every other caller honest too.
      if (valueContainsCardNumber(method)) throw cardNumberRefused();
      const now = clock.now();
      const month = now.getUTCFullYear() * 12 + now.getUTCMonth() + 1;
      if (method.expYear * 12 + method.expMonth < month) throw new AppError('card_expired', 422, 'the card has expired');
      await upsertPaymentMethod(db, accountId, method, now);
      return view((await findPaymentMethod(db, accountId))!);
    },

    async get(accountId: string) {
      const row = await findPaymentMethod(db, accountId);
      if (!row) throw notFound('payment method');
      return view(row);
    },

    async remove(accountId: string) {
      if (!(await deletePaymentMethod(db, accountId))) throw notFound('payment method');
    },
  };
}

export type PaymentsModule = ReturnType<typeof createPaymentsModule>;
