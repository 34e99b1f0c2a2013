import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer, messageIdFor } from '../../activities/providers/email/smtp-mailer.js';
import { createFileLedger } from '../../activities/providers/idempotency/file-ledger.js';
import { freePort } from '../helpers/ports.js';
import { startSmtpPeer } from '../peers/smtp-peer.js';
import type { SmtpPeer } from '../peers/smtp-peer.js';
import { textToHtml } from '../../catalog/actions/notify-email.js';

const FROM = 'Warden <warden@example.test>';

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }
  throw new Error('expected the call to fail');
}

describe('SMTP mailer against a real SMTP server', () => {
  let peer: SmtpPeer;
  const ledgerDir = join(mkdtempSync(join(tmpdir(), 'warden-mail-')), 'ledger');
  const mailer = (port: number) => createSmtpMailer({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, from: FROM, ledger: createFileLedger(ledgerDir) });

  beforeAll(async () => {
    peer = await startSmtpPeer();
  });
  afterAll(async () => peer.close());

  it('delivers the message with subject, text, recipients and a Message-ID derived from the key', async () => {
    const result = await mailer(peer.port).send({
      to: ['oncall@example.test', 'ciso@example.test'],
      subject: 'Incident 42: containment approved',
      text: 'The access key was deactivated.',
      idempotencyKey: 'incident-42/mail/approved',
    });

    expect(result).toEqual({ messageId: messageIdFor('incident-42/mail/approved'), accepted: ['oncall@example.test', 'ciso@example.test'], already: false });
    expect(result.messageId).toMatch(/^<[0-9a-f]{32}@warden>$/);
    const received = peer.messages.find((m) => m.messageId === result.messageId);
    expect(received?.subject).toBe('Incident 42: containment approved');
    expect(received?.text?.trim()).toBe('The access key was deactivated.');
    const to = Array.isArray(received?.to) ? received.to : [received?.to];
    expect(to.flatMap((a) => a?.value.map((v) => v.address))).toEqual(['oncall@example.test', 'ciso@example.test']);
    expect(received?.from?.value[0]?.address).toBe('warden@example.test');
    expect(statSync(ledgerDir).mode & 0o777).toBe(0o700);
  });

  it('sends nothing the second time under the same key, and reports already', async () => {
    const message = { to: ['oncall@example.test'], subject: 'Once', text: 'only once', idempotencyKey: 'incident-43/mail/once' };
    const first = await mailer(peer.port).send(message);
    const countAfterFirst = peer.messages.length;
    const second = await mailer(peer.port).send(message);

    expect(second).toEqual({ messageId: first.messageId, accepted: first.accepted, already: true });
    expect(peer.messages.length).toBe(countAfterFirst);
    expect(peer.messages.filter((m) => m.messageId === first.messageId)).toHaveLength(1);
  });

  it('does not even connect when the key is already recorded', async () => {
    const message = { to: ['oncall@example.test'], subject: 'Recorded', text: 'x', idempotencyKey: 'incident-44/mail/recorded' };
    await mailer(peer.port).send(message);
    const nobodyListening = await freePort();
    const again = await mailer(nobodyListening).send(message);
    expect(again.already).toBe(true);
  });

  it('delivers attachments byte for byte (CRLF line ends and non-ASCII text kept), and resends none under the same key', async () => {
    const csv = 'item,reason\r\n"a,1","Müller said ""no""\nthen left"\r\n';
    const html = '<!doctype html><p>Zoë ✓</p>\n';
    const message = {
      to: ['audit@example.test'],
      subject: 'Evidence attached',
      text: 'See the files.',
      attachments: [
        { filename: 'evidence.csv', contentType: 'text/csv; charset=utf-8', content: csv },
        { filename: 'report.html', contentType: 'text/html; charset=utf-8', content: html },
      ],
      idempotencyKey: 'review:q2:evidence-test',
    };
    const first = await mailer(peer.port).send(message);
    const received = peer.messages.find((m) => m.messageId === first.messageId);
    expect(received?.text?.trim()).toBe('See the files.');
    expect(received?.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['evidence.csv', 'text/csv'],
      ['report.html', 'text/html'],
    ]);
    expect(received?.attachments[0]?.content.equals(Buffer.from(csv, 'utf8'))).toBe(true);
    expect(received?.attachments[1]?.content.equals(Buffer.from(html, 'utf8'))).toBe(true);

    const count = peer.messages.length;
    expect(await mailer(peer.port).send(message)).toEqual({ ...first, already: true });
    expect(peer.messages.length).toBe(count);
  });

  it('sends a message without attachments as before: no attachment parts', async () => {
    const sent = await mailer(peer.port).send({ to: ['oncall@example.test'], subject: 'Plain', text: 'no files', idempotencyKey: 'incident-48/mail/plain' });
    expect(peer.messages.find((m) => m.messageId === sent.messageId)?.attachments).toEqual([]);
  });

  it('fails non-retryably with SmtpRejected when the server refuses the recipient with 550', async () => {
    peer.rejectRecipient('gone@example.test');
    const before = peer.messages.length;
    const failure = await failureOf(mailer(peer.port).send({ to: ['gone@example.test'], subject: 's', text: 't', idempotencyKey: 'incident-45/mail/gone' }));
    expect(failure.type).toBe('SmtpRejected');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/gone@example\.test.*550/);
    expect(peer.messages.length).toBe(before);
  });

  it('fails retryably with SmtpUnavailable on a 451, and the retry delivers', async () => {
    const message = { to: ['oncall@example.test'], subject: 'Retry me', text: 't', idempotencyKey: 'incident-46/mail/retry' };
    peer.failNext(451);
    const failure = await failureOf(mailer(peer.port).send(message));
    expect(failure.type).toBe('SmtpUnavailable');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toMatch(/451/);

    const retried = await mailer(peer.port).send(message);
    expect(retried.already).toBe(false);
    expect(peer.messages.filter((m) => m.messageId === retried.messageId)).toHaveLength(1);
  });

  it('fails retryably when the server cannot be reached, without echoing the password', async () => {
    const pass = 'smtp-secret-pass-9f2c';
    const nobodyListening = await freePort();
    const failure = await failureOf(
      createSmtpMailer({
        host: '127.0.0.1',
        port: nobodyListening,
        ignoreTLS: true,
        auth: { user: 'warden', pass },
        from: FROM,
        ledger: createFileLedger(ledgerDir),
      }).send({ to: ['a@example.test'], subject: 's', text: 't', idempotencyKey: 'incident-47/mail/down' }),
    );
    expect(failure.type).toBe('SmtpUnavailable');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toMatch(/127\.0\.0\.1:\d+ could not be reached \(ECONNREFUSED\)/);
    expect(failure.message).not.toContain(pass);
  });
});

describe('notify.email HTML body', () => {
  it('escapes the text, so alert data never becomes markup, one paragraph per block', () => {
    const html = textToHtml('Key <b>leaked</b> & "used"\nsecond line\n\nnext paragraph');
    expect(html).toContain('<p>Key &lt;b&gt;leaked&lt;/b&gt; &amp; &quot;used&quot;<br>second line</p><p>next paragraph</p>');
    expect(html).not.toContain('<b>');
  });
});
