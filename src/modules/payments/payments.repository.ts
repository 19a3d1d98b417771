import type { Executor } from '../../db/executor.js';

export interface PaymentMethod {
  processorToken: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

export async function upsertPaymentMethod(exec: Executor, accountId: string, m: PaymentMethod, now: Date): Promise<void> {
  const values = {
    processor_token: m.processorToken,
    brand: m.brand,
    last4: m.last4,
    exp_month: m.expMonth,
    exp_year: m.expYear,
    updated_at: now,
  };
  await exec
    .insertInto('payment_methods')
    .values({ account_id: accountId, ...values })
    .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
    .execute();
}

export async function findPaymentMethod(exec: Executor, accountId: string) {
  return exec
    .selectFrom('payment_methods')
    .select(['brand', 'last4', 'exp_month', 'exp_year', 'updated_at'])
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

export async function deletePaymentMethod(exec: Executor, accountId: string): Promise<boolean> {
  const result = await exec.deleteFrom('payment_methods').where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
