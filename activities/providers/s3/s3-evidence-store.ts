import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type ObjectLockMode, type S3Client } from '@aws-sdk/client-s3';
import type { EvidenceObject, EvidenceStore } from '../../ports/evidence.js';
import { failure, FailureKind } from '../../../contracts/failures.js';
import { checkEvidenceKey, evidenceKeyProblem } from '../../../contracts/evidence-key.js';
import { s3Failure as s3FailureOf, statusOf, type SdkError } from './s3-errors.js';

export interface S3EvidenceOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Prepended to every key (e.g. `warden/`); empty by default. */
  readonly prefix?: string;
  /** Object Lock retention of each object written: the bucket must have Object Lock enabled. Absent: no retention is set. */
  readonly retention?: { readonly mode: ObjectLockMode; readonly days: number };
  /** The clock for retain-until dates (tests). */
  readonly now?: () => Date;
}

const DAY_MS = 86_400_000;
const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const s3Failure = (err: unknown, what: string) => s3FailureOf('evidence store', err, what);

/**
 * Evidence in an S3 bucket (any S3-compatible object store), one object per key under `prefix`.
 *
 * Write-once, like the local store: `put` is a conditional write (If-None-Match: *), so of two
 * workers writing the same key only one creates it; the other, or a retry, reads it back and
 * reports `already: true` when the bytes match and a non-retryable `EvidenceConflict` when they do
 * not. With `retention`, each object is written with an Object Lock retention (mode and
 * retain-until), so not even the bucket's owner can delete or overwrite that version before then
 * (COMPLIANCE), or only with the bypass permission (GOVERNANCE). `get` reads an object; a key never
 * written is undefined. Every worker and the server on one bucket see the same evidence.
 */
export function createS3EvidenceStore(opts: S3EvidenceOptions): EvidenceStore {
  const prefix = opts.prefix ?? '';
  const now = opts.now ?? (() => new Date());
  const uriOf = (key: string) => `s3://${opts.bucket}/${prefix}${key}`;
  const describe = (key: string, bytes: Uint8Array, already: boolean): EvidenceObject => ({ uri: uriOf(key), sha256: sha256Hex(bytes), bytes: bytes.byteLength, already });

  const read = async (key: string): Promise<Uint8Array | undefined> => {
    try {
      const res = await opts.client.send(new GetObjectCommand({ Bucket: opts.bucket, Key: prefix + key }));
      return res.Body ? await res.Body.transformToByteArray() : new Uint8Array();
    } catch (err) {
      if (statusOf(err) === 404 && (err as SdkError).name === 'NoSuchKey') return undefined;
      throw s3Failure(err, `reading ${uriOf(key)}`);
    }
  };

  return {
    async put(key, body, contentType) {
      checkEvidenceKey(key);
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      const retention = opts.retention ? { ObjectLockMode: opts.retention.mode, ObjectLockRetainUntilDate: new Date(now().getTime() + opts.retention.days * DAY_MS) } : {};
      try {
        await opts.client.send(
          new PutObjectCommand({ Bucket: opts.bucket, Key: prefix + key, Body: bytes, ContentType: contentType, IfNoneMatch: '*', Metadata: { sha256: sha256Hex(bytes) }, ...retention }),
        );
        return describe(key, bytes, false);
      } catch (err) {
        // 412: the key exists; 409: a concurrent conditional write of the same key is in flight.
        const status = statusOf(err);
        if (status !== 412 && status !== 409) throw s3Failure(err, `writing ${uriOf(key)}`);
      }
      const stored = await read(key);
      if (!stored) throw failure(FailureKind.ObjectStoreUnavailable, `evidence ${uriOf(key)} exists (the conditional write was refused) but could not be read back yet`);
      if (Buffer.compare(Buffer.from(stored), Buffer.from(bytes)) === 0) return describe(key, stored, true);
      throw failure(
        FailureKind.EvidenceConflict,
        `evidence ${key} already exists with different content (stored sha256 ${sha256Hex(stored)}, new sha256 ${sha256Hex(bytes)}); evidence is write-once, so store the new version under a new key`,
      );
    },

    async get(key) {
      checkEvidenceKey(key);
      return read(key);
    },

    keyOf(uri) {
      const head = `s3://${opts.bucket}/${prefix}`;
      if (!uri.startsWith(head)) return undefined;
      const key = uri.slice(head.length);
      return evidenceKeyProblem(key) ? undefined : key;
    },
  };
}
