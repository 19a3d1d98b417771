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

/**
 * A notice to a user about something already recorded (a legal hold, a disclosure). The record
 * stands whether or not the mail goes out, and the product shows it too, so a failed send is
 * logged (without the address or the text) rather than thrown.
 */
export async function sendNotice(mailer: Mailer | undefined, logger: { warn(message: string): void } | undefined, message: MailMessage, what: string): Promise<void> {
  if (!mailer) return;
  try {
    await mailer.send(message);
  } catch {
    logger?.warn(`could not send the ${what} notice`);
  }
}
