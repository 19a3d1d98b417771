import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppConfig } from './config/config.js';
import type { Database } from './db/database.js';
import type { Clock } from './lib/clock.js';
import type { Policy } from './policy/index.js';
import type { RotatableKeyProvider } from './crypto/key-provider.js';
import type { KeystoreCipher } from './modules/keys/keystore-cipher.js';
import { createAccountsModule } from './modules/accounts/accounts.service.js';
import { createConversationsModule } from './modules/conversations/conversations.service.js';
import { createOrganisationsModule } from './modules/organisations/organisations.service.js';
import { createPrivacyModule } from './modules/privacy/privacy.service.js';
import { createErasureModule } from './modules/erasure/erasure.service.js';
import { createKeysModule } from './modules/keys/keys.service.js';
import { createFeedbackModule } from './modules/feedback/feedback.service.js';
import { createSafetyModule } from './modules/safety/safety.service.js';
import { loadRuleClassifier, type SafetyClassifier } from './modules/safety/classifier.js';
import { createTrainingModule } from './modules/training/training.service.js';
import { createSafetyStaffModule } from './modules/safety/safety-staff.service.js';
import { exportTextTransform } from './modules/anonymize/export-transform.js';
import { createMfaModule } from './modules/mfa/mfa.service.js';
import { aesGcmSealer, type SecretSealer } from './modules/mfa/secret-sealer.js';
import { createIdentityModule } from './modules/identity/identity.service.js';
import type { Mailer } from './modules/identity/mailer.js';
import { createFileMailer, createSmtpMailer } from './modules/identity/nodemailer-mailers.js';
import { createTermsModule } from './modules/terms/terms.service.js';
import { createPaymentsModule } from './modules/payments/payments.service.js';
import { createTechnicalModule } from './modules/technical/technical.service.js';
import { createCookiesModule } from './modules/cookies/cookies.service.js';
import { createAuditModule } from './modules/audit/audit.service.js';
import { parseAuditSigningKey, type AuditSigningKey } from './modules/audit/signing-key.js';
import { createStaffModule } from './modules/staff/staff.service.js';
import { createGrantsModule } from './modules/staff/grants.service.js';
import { createAuditAppender } from './modules/audit/audit-appender.js';
import { createVoiceModule } from './modules/voice/voice.service.js';
import { createHttpTranscriber, type Transcriber } from './modules/voice/transcriber.js';
import { createStaffAccessModule } from './modules/staff/staff-access.service.js';
import { createHoldsModule } from './modules/holds/holds.service.js';
import { createReviewModule } from './modules/review/review.service.js';
import { createSupportModule } from './modules/support/support.service.js';
import { createExportModule } from './modules/export/export.service.js';
import { createConnectionsModule } from './modules/connections/connections.service.js';
import { createDisclosuresModule } from './modules/disclosures/disclosures.service.js';
import { createAnalyticsModule } from './modules/analytics/analytics.service.js';

/** The composition root: every module built once from explicit dependencies. No singletons. */
export interface ContainerDeps {
  config: AppConfig;
  database: Database;
  policy: Policy;
  clock: Clock;
  cipher: KeystoreCipher;
  keyProvider: RotatableKeyProvider;
  /** The separate keystore database (KEYSTORE_URL), or null when keys share the main database. */
  keystore: Database | null;
  logger: Logger;
  /** The safety classifier; the rule baseline of policy/safety-rules.yaml unless another is given. */
  classifier?: SafetyClassifier;
  /** Key of the PII hash and pseudonym operators (CUSTOS_PII_KEY); random per process when absent. */
  piiKey?: Buffer;
  /** Seals MFA secrets; by default from CUSTOS_SEALING_KEY (openRuntime supplies the embedded key file). null = MFA unavailable. */
  sealer?: SecretSealer | null;
  /** Speech to text for voice input; by default the service at CUSTOS_TRANSCRIBE_URL, null when unset. */
  transcriber?: Transcriber | null;
  /** Outgoing mail; by default SMTP when SMTP_URL is set, else `.eml` files under <dataDir>/mail. */
  mailer?: Mailer;
  /** Signs audit checkpoints; by default from CUSTOS_AUDIT_SIGNING_KEY (openRuntime supplies the embedded key file). null = entries wait unsigned. */
  auditKey?: AuditSigningKey | null;
}

function defaultSealer(config: AppConfig): SecretSealer | null {
  return config.sealingKey ? aesGcmSealer(Buffer.from(config.sealingKey, 'base64')) : null;
}

function defaultTranscriber(config: AppConfig): Transcriber | null {
  return config.transcribeUrl ? createHttpTranscriber({ url: config.transcribeUrl, apiKey: config.transcribeApiKey, model: config.transcribeModel }) : null;
}

function defaultMailer(config: AppConfig): Mailer {
  return config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.mailFrom) : createFileMailer(`${config.dataDir}/mail`, config.mailFrom);
}

export function createContainer(deps: ContainerDeps) {
  const { database, policy, clock, cipher, config } = deps;
  const db = database.db;
  const mfa = createMfaModule({ db, clock, policy, sealer: deps.sealer !== undefined ? deps.sealer : defaultSealer(config) });
  const publicUrl = config.publicUrl ?? `${config.tls ? 'https' : 'http'}://${config.host}:${config.port}`;
  const safety = createSafetyModule({ db, clock, policy, cipher, classifier: deps.classifier ?? loadRuleClassifier() });
  const audit = createAuditModule({
    db,
    clock,
    key: deps.auditKey !== undefined ? deps.auditKey : config.auditSigningKey ? parseAuditSigningKey(config.auditSigningKey) : null,
    origin: config.auditOrigin,
  });
  const grants = createGrantsModule({ db, clock, policy });
  const review = createReviewModule({ db, clock, policy, cipher, grants });
  // Entries that need no transaction of their own (staff reads) share commits (group commit).
  const auditAppender = createAuditAppender(db);
  const staffAccess = createStaffAccessModule({ db, clock, cipher, grants, audit: auditAppender });
  const piiKey = deps.piiKey ?? randomBytes(32);
  const modules = {
    ...deps,
    piiKey,
    db,
    accounts: createAccountsModule({ db, clock, policy, mfa }),
    mfa,
    identity: createIdentityModule({ db, clock, mailer: deps.mailer ?? defaultMailer(config), publicUrl }),
    terms: createTermsModule({ db, clock, policy }),
    payments: createPaymentsModule({ db, clock }),
    technical: createTechnicalModule({ db, policy, logger: deps.logger }),
    cookies: createCookiesModule({ db, clock, policy }),
    organisations: createOrganisationsModule({ db, clock, policy }),
    conversations: createConversationsModule({
      db,
      clock,
      policy,
      cipher,
      maxContentBytes: config.maxContentBytes,
      screen: {
        classify: (content) => safety.classifyMessage(content),
        record: async (trx, message, flags) => {
          await safety.recordClassifierFlags(trx, message, flags);
          // A flagged conversation goes first when conversations are sampled for human review (P18).
          await review.noteFlag(trx, message);
        },
      },
    }),
    safety,
    feedback: createFeedbackModule({ db, clock, policy, cipher }),
    privacy: createPrivacyModule({ db, clock, policy }),
    erasure: createErasureModule({ db, clock, policy, cipher }),
    keys: createKeysModule({ db: deps.keystore?.db ?? db, provider: deps.keyProvider, cipher, clock, auditDb: db }),
    training: createTrainingModule({ db, databaseKind: database.kind, clock, policy, cipher, transformText: exportTextTransform(policy, piiKey) }),
    audit,
    auditAppender,
    staff: createStaffModule({ db, clock, sealer: deps.sealer !== undefined ? deps.sealer : defaultSealer(config) }),
    grants,
    staffAccess,
    holds: createHoldsModule({ db, clock, policy, cipher, mailer: deps.mailer ?? defaultMailer(config), logger: deps.logger }),
    review,
    support: createSupportModule({ db, clock }),
    connections: createConnectionsModule({ db, clock, cipher }),
    analytics: createAnalyticsModule({ db, policy }),
    disclosures: createDisclosuresModule({ db, clock, policy, region: config.region ?? policy.regions.default, mailer: deps.mailer ?? defaultMailer(config), logger: deps.logger }),
    safetyStaff: createSafetyStaffModule({ db, clock, policy, cipher, safety, access: staffAccess }),
  };
  // Voice input ends as an ordinary message, through the same append as typed text (P04).
  const voice = createVoiceModule({ db, transcriber: deps.transcriber !== undefined ? deps.transcriber : defaultTranscriber(config), conversations: modules.conversations });
  // The data-subject export reads through the owner views of the modules above (P29).
  return { ...modules, voice, dataExport: createExportModule(modules) };
}

export type Container = ReturnType<typeof createContainer>;
