/**
 * The edge where email leaves the system. In embedded mode messages are written as files under the
 * data dir (nothing is sent anywhere); with SMTP configured they go through nodemailer. Tests use
 * the in-memory outbox.
 */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  readonly kind: 'file' | 'smtp' | 'memory';
  send(message: MailMessage): Promise<void>;
}

export interface MemoryMailer extends Mailer {
  readonly sent: MailMessage[];
}

export function createMemoryMailer(): MemoryMailer {
  const sent: MailMessage[] = [];
  return {
    kind: 'memory',
    sent,
    async send(message) {
      sent.push({ ...message });
    },
  };
}
