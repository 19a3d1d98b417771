import type { Policy } from './policy.schema.js';

/**
 * The published policy in plain words, one statement per promise of the product (P01–P32), every
 * number and name taken from the policy file the running system enforces. The page and the
 * machine-readable policy are both made from this list, so a window changed in the file changes
 * what users read in the same release. Pure.
 */
export interface PolicyStatement {
  id: string;
  title: string;
  text: string;
}

const days = (n: number): string => {
  if (n === 0) return 'not at all';
  if (n % 365 === 0) return `${n / 365} year${n === 365 ? '' : 's'}`;
  return `${n} day${n === 1 ? '' : 's'}`;
};
const duration = (minutes: number): string =>
  minutes % 1440 === 0 ? days(minutes / 1440) : minutes % 60 === 0 ? `${minutes / 60} hour${minutes === 60 ? '' : 's'}` : `${minutes} minutes`;
const list = (items: readonly string[]): string => (items.length <= 1 ? (items[0] ?? 'none') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

export function policyStatements(policy: Policy): PolicyStatement[] {
  const r = policy.retention;
  const c = r.conversations;
  const purposes = policy.staffAccess.purposes;
  const subprocessors = policy.recipients.filter((p) => p.kind === 'subprocessor').map((p) => p.name);
  const s = (id: string, title: string, text: string): PolicyStatement => ({ id, title, text });
  return [
    s('P01', 'Each chat stands alone', 'Nothing from one conversation is carried into another: there is no memory or shared context across chats.'),
    s('P02', 'Encryption', 'Your prompts, files, text from integrations and the answers are stored encrypted, each conversation under a key of its own; traffic is served over TLS where the service is configured for it.'),
    s(
      'P03',
      'Incognito chats',
      `An incognito chat is hidden from your history and never used for training, whatever your training setting. ${r.incognitoDays === 0 ? 'It is not stored at all.' : `It is kept for ${days(r.incognitoDays)} for safety, then deleted.`}`,
    ),
    s('P04', 'Voice', 'When you speak to the assistant, the recording is deleted as soon as it is transcribed; only the text is kept, like anything you type.'),
    s('P05', 'Training only with your consent', `Your chats are used to improve the model only while "help improve the model" is on (new accounts start with it ${policy.training.consentDefault ? 'on' : 'off'}). Every change of the setting is recorded with its time and the policy version.`),
    s('P06', 'Turning training off', `Turning it off stops future use for training and shortens how long your chats are kept to ${days(c.consumer.optedOutDays)}. Chats already placed in a frozen training batch before the change stay in that batch.`),
    s('P07', 'Feedback and safety', 'Even with training off, content is used to improve the model in two cases only: you reported it (feedback), or it was flagged for safety review. Never an incognito chat.'),
    s('P08', 'Work and API accounts', 'Team, enterprise and API accounts are never used for training unless the organisation has given explicit consent.'),
    s('P09', 'Deleted chats and training', 'A deleted conversation is left out of every training export made after the deletion.'),
    s(
      'P10',
      'How long we keep chats',
      `Consumer accounts: ${days(c.consumer.optedOutDays)} with training off, up to ${days(c.consumer.optedInDays)} with it on. Team: ${days(c.team.defaultDays)} unless the organisation sets ${days(c.team.minDays)} to ${days(c.team.maxDays)}. ` +
        `Enterprise: ${days(c.enterprise.defaultDays)} unless the organisation sets ${days(c.enterprise.minDays)} to ${days(c.enterprise.maxDays)}. API: ${days(c.api.days)}. Zero-data-retention organisations: content is never stored. ` +
        `Explicit feedback: ${days(r.feedbackDays)}. Safety-flagged content: ${days(r.safetyFlaggedDays)}, its classifier scores ${days(r.classifierScoresDays)}. Frozen training records: ${days(r.trainingBatchDays)}.`,
    ),
    s('P11', 'Deleting a chat', `A chat you delete disappears from the product at once and leaves our systems within ${days(r.deleted.maxDays)}, unless it was already queued for training before you deleted it.`),
    s('P12', 'Deleting your account', 'When data is no longer needed it is deleted or irreversibly anonymised. Deleting your account destroys its keys at once, so all of its content is unreadable from that instant, in backups too; the encrypted remains are then swept away.'),
    s('P13', 'Legal holds', 'A documented legal obligation can suspend deletion of exactly the data it names, for as long as it is in force. Every hold is recorded and audited, and you are told unless the law forbids it.'),
    s('P14', 'Rating an answer', `Rating an answer stores the whole conversation up to it as feedback, kept for ${days(r.feedbackDays)}, even if you delete the chat later.`),
    s('P15', 'De-identification', 'Feedback and flagged content used for training carry no account id, email or name. A flagged item is linked back to an account only to enforce the usage policy against it, with a recorded justification.'),
    s('P16', 'Usage statistics', `Analytics about usage are only ever published in aggregate: any group smaller than ${policy.analytics.minGroupSize} accounts is left out, so no individual can be picked out.`),
    s(
      'P17',
      'Staff access',
      `Staff open your content only for ${list(Object.values(purposes).map((p) => p.description))}. Each access names its purpose and case, is limited in time (at most ${duration(Math.max(...Object.values(purposes).map((p) => p.maxTtlMinutes)))}) and scope, and is written to a tamper-evident log.`,
    ),
    s('P18', 'Safety review', `People review a small sample of conversations chosen by the system (about ${Math.round(policy.review.defaultRate * 1000) / 10} %), with personal data masked unless unmasking is needed to investigate a violation.`),
    s('P19', 'Enterprise controls', 'An enterprise organisation can require that staff access to its members\u2019 data waits for the organisation\u2019s approval.'),
    s('P20', 'Your access log', 'You can see every time staff looked at your data, why, and under which case, each line with a proof that it is in the signed log.'),
    s('P21', 'What we collect about you', 'Your name, your email, optionally your phone, and an internal pseudonym used in place of your identity. Payment details only as a payment processor\u2019s token: never a full card number.'),
    s('P22', 'Two-factor sign-in', 'Accounts can use a second factor (an authenticator app), and organisations can require it.'),
    s('P23', 'New terms', 'A new version of the terms must be accepted by its deadline; until then an account that has not accepted can only read and accept them, export its data or delete itself. Nothing is deleted because of it.'),
    s('P24', 'Technical information', `IP address, browser and device type, usage and error logs are collected for security and troubleshooting, never contain your conversations, and are kept ${days(r.technical.days)} (IP addresses shortened after ${days(r.technical.truncateIpAfterDays)}).`),
    s('P25', 'Cookies', `Cookies other than the necessary ones are set only with your consent, which stands for ${days(policy.cookies.consentDays)}; a browser\u2019s Global Privacy Control signal is honoured as a refusal.`),
    s('P26', 'Sharing', `Your personal data is never sold or shared for advertising. Every disclosure goes to a registered recipient with a purpose and is recorded. Our subprocessors: ${list(subprocessors)}.`),
    s('P27', 'Disclosures required by law', 'Disclosures the law requires are recorded with their legal basis and scope, and you are told unless the law forbids it.'),
    s('P28', 'Connected services', 'You can list the services connected to your account, see what each can reach, and remove one; removing it destroys its stored credentials at once.'),
    s('P29', 'Your data, your rights', 'You can export all of your data in a machine-readable and a readable form, correct your account data, and delete your account.'),
    s('P30', 'Your settings', 'You can review and change your settings at any time, and you are shown when the policy changed since you made your choice.'),
    s('P31', 'Anonymising text', 'A built-in helper replaces personal data (names, contacts, numbers, secrets) with placeholders before text is sent or used.'),
    s(
      'P32',
      'Where your data lives',
      `Data is stored in the region its account belongs to (this service runs in ${list(policy.regions.available)}); it leaves its region only under a recorded transfer rule${policy.regions.transfers.length === 0 ? ', and none is in force' : `: ${list(policy.regions.transfers.map((t) => `${t.from} to ${t.to} (${t.basis})`))}`}.`,
    ),
  ];
}
