import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../helpers/ports.js';

export interface SmtpPeer {
  readonly port: number;
  /** Every message the peer accepted, parsed, in arrival order. */
  readonly messages: ParsedMail[];
  /** Answers RCPT TO for this address with 550 (mailbox unavailable) from now on. */
  rejectRecipient(address: string): void;
  /** Answers the next MAIL FROM with 451 (try again later), once. */
  failNext(code: 451): void;
  close(): Promise<void>;
}

const smtpError = (message: string, responseCode: number) => Object.assign(new Error(message), { responseCode });

/** A real SMTP server on a free 127.0.0.1 port, without TLS or auth, that keeps what it receives. */
export async function startSmtpPeer(): Promise<SmtpPeer> {
  const messages: ParsedMail[] = [];
  const rejected = new Set<string>();
  let failNextCode: number | undefined;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onMailFrom(_address, _session, callback) {
      const code = failNextCode;
      failNextCode = undefined;
      callback(code ? smtpError('Temporary local problem, try again later', code) : null);
    },
    onRcptTo(address, _session, callback) {
      const refused = rejected.has(address.address.toLowerCase());
      callback(refused ? smtpError(`Mailbox unavailable: ${address.address}`, 550) : null);
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          messages.push(parsed);
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });

  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });

  return {
    port,
    messages,
    rejectRecipient: (address) => rejected.add(address.toLowerCase()),
    failNext: (code) => {
      failNextCode = code;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
