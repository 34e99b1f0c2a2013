export interface MailMessage {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  readonly idempotencyKey: string;
}

export interface MailSendResult {
  readonly messageId: string;
  readonly accepted: readonly string[];
  readonly already: boolean;
}

export interface Mailer {
  send(message: MailMessage): Promise<MailSendResult>;
}
