import { createHash } from 'node:crypto';
import type { ApplicationFailure } from '@temporalio/common';
import nodemailer from 'nodemailer';
import type { IdempotencyLedger } from '../idempotency/file-ledger.js';
import type { Mailer, MailMessage, MailSendResult } from '../../ports.js';
import { failure, FailureKind } from '../../../contracts/failures.js';

export interface SmtpMailerOptions {
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (port 465). Otherwise STARTTLS is used when the server offers it. */
  readonly secure?: boolean;
  /** Never upgrade with STARTTLS; for loopback test peers only. */
  readonly ignoreTLS?: boolean;
  readonly auth?: { readonly user: string; readonly pass: string };
  readonly from: string;
  readonly ledger: IdempotencyLedger;
}

/** The fields nodemailer puts on its errors. */
interface SmtpError extends Error {
  code?: string;
  originalCode?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  rejected?: string[];
}

/** How long a claim to send holds: longer than one SMTP exchange can take (connection, greeting and socket timeouts). */
const CLAIM_LEASE_MS = 120_000;

/** A Message-ID that depends only on the idempotency key, so a resend carries the same id. */
export function messageIdFor(idempotencyKey: string): string {
  return `<${createHash('sha256').update(idempotencyKey, 'utf8').digest('hex').slice(0, 32)}@warden>`;
}

/** Turns a nodemailer error into a Temporal failure, with the password scrubbed from any text. */
function translate(err: unknown, message: MailMessage, server: string, pass: string | undefined): ApplicationFailure {
  const e = err as SmtpError;
  const scrub = (text: string) => (pass ? text.split(pass).join('[redacted]') : text);
  const reply = scrub(e.response ?? e.message);
  const code = e.responseCode;
  if (code !== undefined && code >= 500) {
    if (e.code === 'EAUTH') {
      return failure(FailureKind.SmtpRejected, `SMTP login was refused (${reply}); check the SMTP user and password`);
    }
    const who = e.rejected?.length ? e.rejected.join(', ') : message.to.join(', ');
    return failure(FailureKind.SmtpRejected, `SMTP server refused mail to ${who} at ${e.command ?? 'send'}: ${reply}; check the recipient addresses`);
  }
  if (code === undefined && (e.code === 'ECONFIG' || e.code === 'ENOAUTH')) {
    return failure(FailureKind.SmtpRejected, `SMTP settings are invalid: ${scrub(e.message)}`);
  }
  const why = code !== undefined ? `answered ${reply}` : `could not be reached (${e.originalCode ?? e.code ?? e.name})`;
  return failure(FailureKind.SmtpUnavailable, `SMTP server ${server} ${why}; will retry`);
}

/**
 * A Mailer on SMTP through nodemailer, one connection per message.
 *
 * Side effects: `send` delivers one message (with its attachments, base64 encoded) to the SMTP
 * server, then records it in the ledger.
 * Idempotency: the ledger is consulted first, and a key recorded as sent returns `already: true`
 * with the stored Message-ID and no SMTP traffic. SMTP cannot be asked whether a message went
 * out, so a crash after the server accepted the message but before the ledger write leads to a
 * second delivery on retry; it carries the same deterministic Message-ID (see `messageIdFor`),
 * which lets mail clients and archives recognise the duplicate. With a shared ledger (S3), the
 * key is claimed first by a conditional write: a concurrent attempt on another worker fails with
 * a retryable `SendInProgress` until the claim's lease (2 minutes) ends, then finds the entry
 * recorded (already) or, when the holder crashed, takes the claim over and sends. Recipients the server refuses
 * while accepting others are recorded too, and are left out of `accepted`.
 * Failures: connection errors, timeouts and 4xx replies are retryable `SmtpUnavailable`; 5xx
 * replies are non-retryable `SmtpRejected`. The password never appears in an error.
 */
export function createSmtpMailer(opts: SmtpMailerOptions): Mailer {
  const transport = nodemailer.createTransport({
    host: opts.host,
    port: opts.port,
    secure: opts.secure ?? false,
    ignoreTLS: opts.ignoreTLS ?? false,
    ...(opts.auth ? { auth: { user: opts.auth.user, pass: opts.auth.pass } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });

  return {
    async send(message: MailMessage): Promise<MailSendResult> {
      const ledgerKey = `smtp:${message.idempotencyKey}`;
      const recorded = await opts.ledger.get(ledgerKey);
      if (recorded) {
        const { messageId, accepted } = recorded.value as { messageId: string; accepted: string[] };
        return { messageId, accepted, already: true };
      }

      // A shared ledger: claim the key first, so of two workers (or two overlapping attempts) one sends.
      if (opts.ledger.claim) {
        const claim = await opts.ledger.claim(ledgerKey, CLAIM_LEASE_MS);
        if (!claim.claimed) {
          const waitMs = Math.max(1_000, claim.until.getTime() - Date.now() + 1_000);
          throw failure(FailureKind.SendInProgress, `another attempt is sending ${message.idempotencyKey} (claimed until ${claim.until.toISOString()}); retry after it`, { nextRetryDelay: waitMs });
        }
      }
      const messageId = messageIdFor(message.idempotencyKey);
      let accepted: string[];
      let rejected: string[];
      try {
        const info = await transport.sendMail({
          from: opts.from,
          to: [...message.to],
          subject: message.subject,
          text: message.text,
          ...(message.html ? { html: message.html } : {}),
          // base64 rather than quoted-printable, so every byte (CRLF line ends included) arrives as stored.
          ...(message.attachments?.length
            ? { attachments: message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content, contentTransferEncoding: 'base64' as const })) }
            : {}),
          messageId,
        });
        accepted = [...info.accepted];
        rejected = [...info.rejected];
      } catch (err) {
        throw translate(err, message, `${opts.host}:${opts.port}`, opts.auth?.pass);
      }
      await opts.ledger.record(ledgerKey, { messageId, accepted, rejected });
      return { messageId, accepted, already: false };
    },
  };
}
