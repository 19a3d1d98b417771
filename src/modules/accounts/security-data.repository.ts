import type { Executor } from '../../db/executor.js';

/**
 * Erases what this account kept for sign-in and identity once the account is deleted: MFA secret
 * and recovery codes, pending email links (they hold addresses), the payment token, cookie choices,
 * the phone number. Meant for the account-deletion transaction. Terms acceptances stay (evidence of
 * what the tombstone agreed to, no personal data); technical records keep their own window (P24).
 */
export async function eraseAccountSecurityData(exec: Executor, accountId: string): Promise<void> {
  await exec.deleteFrom('mfa_recovery_codes').where('account_id', '=', accountId).execute();
  await exec.deleteFrom('mfa_totp').where('account_id', '=', accountId).execute();
  await exec.deleteFrom('email_verifications').where('account_id', '=', accountId).execute();
  await exec.deleteFrom('payment_methods').where('account_id', '=', accountId).execute();
  await exec.deleteFrom('cookie_consents').where('account_id', '=', accountId).execute();
  await exec.updateTable('accounts').set({ phone: null, email_verified_at: null }).where('id', '=', accountId).execute();
}
