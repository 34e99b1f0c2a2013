/** A file sent with a message, e.g. an evidence pack; adapters deliver its bytes unchanged. */
export interface MailAttachment {
  readonly filename: string;
  /** e.g. `text/csv; charset=utf-8` */
  readonly contentType: string;
  /** The file's text (UTF-8). */
  readonly content: string;
}

export interface MailMessage {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  readonly attachments?: readonly MailAttachment[];
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
