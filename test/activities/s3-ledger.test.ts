import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer, messageIdFor } from '../../activities/providers/email/smtp-mailer.js';
import { createS3Ledger } from '../../activities/providers/s3/s3-ledger.js';
import { MOTO_CREDENTIALS, startMoto, type MotoPeer } from '../peers/moto.js';
import { startSmtpPeer, type SmtpPeer } from '../peers/smtp-peer.js';

/** The email ledger in a bucket every worker shares (moto's S3): conditional claims, so one worker sends. */
let moto: MotoPeer;
let smtp: SmtpPeer;
const clients: S3Client[] = [];
const bucket = `ledger-${randomUUID().slice(0, 8)}`;

/** A worker's own S3 client: each "host" has its own. */
function host(): S3Client {
  const c = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: MOTO_CREDENTIALS });
  clients.push(c);
  return c;
}
const ledger = (now?: () => Date) => createS3Ledger({ client: host(), bucket, prefix: 'warden/ledger/', ...(now ? { now } : {}) });
const mailer = () => createSmtpMailer({ host: '127.0.0.1', port: smtp.port, ignoreTLS: true, from: 'warden@example.test', ledger: ledger() });

beforeAll(async () => {
  [moto, smtp] = await Promise.all([startMoto(), startSmtpPeer()]);
  await host().send(new CreateBucketCommand({ Bucket: bucket }));
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.destroy();
  await Promise.all([moto?.stop(), smtp?.close()]);
});

describe('the S3 idempotency ledger', () => {
  it('remembers an entry across workers', async () => {
    const key = `smtp:k-${randomUUID()}`;
    expect(await ledger().get(key)).toBeUndefined();
    await ledger().record(key, { messageId: '<m@warden>' });
    expect(await ledger().get(key)).toMatchObject({ key, value: { messageId: '<m@warden>' } });
  });

  it('grants a claim to exactly one of many concurrent workers, and to a later one once the lease ran out', async () => {
    const key = `smtp:race-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 6 }, () => ledger().claim!(key, 60_000)));
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
    const held = results.find((r) => !r.claimed);
    expect(held && !held.claimed && held.until.getTime()).toBeGreaterThan(Date.now());

    // Two minutes on, the holder is presumed crashed: of two workers taking over, one wins.
    const later = () => new Date(Date.now() + 120_000);
    const takeovers = await Promise.all([ledger(later).claim!(key, 60_000), ledger(later).claim!(key, 60_000)]);
    expect(takeovers.filter((r) => r.claimed)).toHaveLength(1);
  });
});

describe('email through the shared ledger', () => {
  const message = (key: string) => ({ to: ['oncall@example.test'], subject: `Once: ${key}`, text: 'sent once', idempotencyKey: key });
  const delivered = (key: string) => smtp.messages.filter((m) => m.messageId === messageIdFor(key)).length;

  it('two workers sending the same message at once deliver it once; the other is told to retry, then finds it sent', async () => {
    const key = `incident-${randomUUID().slice(0, 8)}/mail/contained`;
    const [a, b] = await Promise.allSettled([mailer().send(message(key)), mailer().send(message(key))]);
    const sent = [a, b].filter((r) => r.status === 'fulfilled');
    const refused = [a, b].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(sent).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const err = refused[0]!.reason as ApplicationFailure;
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'SendInProgress', nonRetryable: false });
    expect(Number(err.nextRetryDelay)).toBeGreaterThan(60_000);
    expect(delivered(key)).toBe(1);
    // The retry, on a third worker: already sent, nothing delivered again.
    expect(await mailer().send(message(key))).toMatchObject({ already: true, messageId: messageIdFor(key) });
    expect(delivered(key)).toBe(1);
  });

  it('a claim left by a worker that crashed before sending is taken over once its lease ends, and the message goes out once', async () => {
    const key = `incident-${randomUUID().slice(0, 8)}/mail/crashed`;
    const longAgo = () => new Date(Date.now() - 10 * 60_000);
    expect(await ledger(longAgo).claim!(`smtp:${key}`, 120_000)).toEqual({ claimed: true });
    expect(await mailer().send(message(key))).toMatchObject({ already: false });
    expect(delivered(key)).toBe(1);
  });
});
