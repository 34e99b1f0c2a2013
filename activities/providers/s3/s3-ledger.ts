import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { IdempotencyLedger, LedgerEntry } from '../idempotency/file-ledger.js';
import { failure, FailureKind } from '../../../contracts/failures.js';

export interface S3LedgerOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Where the ledger's objects go, e.g. `warden/ledger/`. */
  readonly prefix: string;
  /** The clock of claims (tests). */
  readonly now?: () => Date;
}

const hashOf = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');
const statusOf = (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;

function s3Failure(err: unknown, what: string): Error {
  const status = statusOf(err);
  const message = (err as Error)?.message ?? String(err);
  if (status === undefined || status >= 500 || status === 429) return failure(FailureKind.ObjectStoreUnavailable, `idempotency ledger: ${what} failed: ${message}`);
  return failure(FailureKind.ObjectStoreRejected, `idempotency ledger: ${what} was refused (HTTP ${status}): ${message}`);
}

/**
 * The idempotency ledger in an S3 bucket that every worker shares: `entries/<sha256 of key>.json`
 * records a side effect done, `claims/<sha256>.json` who is doing it until when. A claim is a
 * conditional write (If-None-Match: *), and taking over an expired one is conditional on the
 * ETag read (If-Match), so of two workers racing for a key exactly one may send. Entries are
 * written last-write-wins, like the file ledger.
 */
export function createS3Ledger(opts: S3LedgerOptions): IdempotencyLedger {
  const now = opts.now ?? (() => new Date());
  const objectKey = (kind: 'entries' | 'claims', key: string) => `${opts.prefix}${kind}/${hashOf(key)}.json`;

  const read = async (kind: 'entries' | 'claims', key: string): Promise<{ text: string; etag?: string } | undefined> => {
    try {
      const res = await opts.client.send(new GetObjectCommand({ Bucket: opts.bucket, Key: objectKey(kind, key) }));
      return { text: (await res.Body?.transformToString('utf8')) ?? '', ...(res.ETag ? { etag: res.ETag } : {}) };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw s3Failure(err, `reading ${kind} of ${key}`);
    }
  };

  /** Writes the claim; false when the condition failed (someone else holds or took it). */
  const writeClaim = async (key: string, leaseMs: number, condition: { IfNoneMatch: '*' } | { IfMatch: string }): Promise<boolean> => {
    const at = now();
    const body = JSON.stringify({ key, claimedAt: at.toISOString(), until: new Date(at.getTime() + leaseMs).toISOString() });
    try {
      await opts.client.send(new PutObjectCommand({ Bucket: opts.bucket, Key: objectKey('claims', key), Body: body, ContentType: 'application/json', ...condition }));
      return true;
    } catch (err) {
      const status = statusOf(err);
      if (status === 412 || status === 409) return false;
      throw s3Failure(err, `claiming ${key}`);
    }
  };

  return {
    async get(key) {
      const stored = await read('entries', key);
      if (!stored) return undefined;
      const entry = JSON.parse(stored.text) as LedgerEntry;
      return entry.key === key ? entry : undefined;
    },

    async record(key, value) {
      const entry: LedgerEntry = { key, recordedAt: now().toISOString(), value };
      try {
        await opts.client.send(new PutObjectCommand({ Bucket: opts.bucket, Key: objectKey('entries', key), Body: JSON.stringify(entry), ContentType: 'application/json' }));
      } catch (err) {
        throw s3Failure(err, `recording ${key}`);
      }
    },

    async claim(key, leaseMs) {
      for (let attempt = 0; attempt < 3; attempt++) {
        if (await writeClaim(key, leaseMs, { IfNoneMatch: '*' })) return { claimed: true };
        const held = await read('claims', key);
        if (!held) continue; // released in between: claim again
        const until = new Date((JSON.parse(held.text) as { until: string }).until);
        if (until.getTime() > now().getTime() || !held.etag) return { claimed: false, until };
        // The holder's lease ran out (it crashed): take the claim over, unless another worker just did.
        if (await writeClaim(key, leaseMs, { IfMatch: held.etag })) return { claimed: true };
      }
      const held = await read('claims', key);
      return { claimed: false, until: held ? new Date((JSON.parse(held.text) as { until: string }).until) : now() };
    },
  };
}
