import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, DeleteObjectCommand, HeadObjectCommand, ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3EvidenceStore } from '../../activities/providers/s3/s3-evidence-store.js';
import { MOTO_CREDENTIALS, startMoto, type MotoPeer } from '../peers/moto.js';

/** The S3 evidence store against moto's S3: write-once by conditional write, Object Lock retention on every object. */
let moto: MotoPeer;
let s3: S3Client;
const bucket = `evidence-${randomUUID().slice(0, 8)}`;
const NOW = new Date('2026-12-07T00:00:00Z');

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: MOTO_CREDENTIALS });
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
}, 60_000);
afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

const store = (prefix = 'warden/') => createS3EvidenceStore({ client: s3, bucket, prefix, retention: { mode: 'GOVERNANCE', days: 30 }, now: () => NOW });

describe('the S3 evidence store', () => {
  it('writes once with Object Lock retention; the same bytes again are "already", other bytes a conflict', async () => {
    const key = `incidents/incident-${randomUUID().slice(0, 8)}/snapshot.json`;
    const first = await store().put(key, '{"a":1}', 'application/json');
    expect(first).toMatchObject({ uri: `s3://${bucket}/warden/${key}`, bytes: 7, already: false });
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);

    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `warden/${key}` }));
    expect(head.ObjectLockMode).toBe('GOVERNANCE');
    expect(head.ObjectLockRetainUntilDate?.toISOString()).toBe('2027-01-06T00:00:00.000Z');
    expect(head.ContentType).toBe('application/json');

    // Another worker (another client, same bucket) writing the same pack: already there.
    expect(await store().put(key, Buffer.from('{"a":1}'), 'application/json')).toEqual({ ...first, already: true });
    await expect(store().put(key, '{"a":2}', 'application/json')).rejects.toMatchObject({ type: 'EvidenceConflict', nonRetryable: true });
    expect(Buffer.from((await store().get(key))!).toString()).toBe('{"a":1}');
  });

  it('refuses to delete a retained version (Object Lock)', async () => {
    const key = `reviews/c-${randomUUID().slice(0, 8)}/evidence.csv`;
    await store().put(key, 'a,b\n', 'text/csv');
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: `warden/${key}` }));
    const version = versions.Versions?.[0]?.VersionId;
    expect(version).toBeTruthy();
    await expect(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: `warden/${key}`, VersionId: version }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
  });

  it('reads a key never written as undefined; finds keys of its own URIs only; refuses bad keys', async () => {
    expect(await store().get('incidents/none/nothing.json')).toBeUndefined();
    expect(store().keyOf(`s3://${bucket}/warden/reviews/c/evidence.csv`)).toBe('reviews/c/evidence.csv');
    expect(store().keyOf(`s3://other-bucket/warden/reviews/c/evidence.csv`)).toBeUndefined();
    expect(store().keyOf(`s3://${bucket}/elsewhere/reviews/c/evidence.csv`)).toBeUndefined();
    expect(store().keyOf(`s3://${bucket}/warden/../x`)).toBeUndefined();
    expect(store().keyOf('file:///etc/passwd')).toBeUndefined();
    await expect(store().put('../escape.json', '{}', 'application/json')).rejects.toMatchObject({ type: 'InvalidEvidenceKey' });
    await expect(store().get('/abs.json')).rejects.toMatchObject({ type: 'InvalidEvidenceKey' });
  });

  it('a missing bucket is a final refusal; an unreachable store is retryable', async () => {
    const missing = createS3EvidenceStore({ client: s3, bucket: 'no-such-bucket-here' });
    await expect(missing.put('a/b.json', '{}', 'application/json')).rejects.toMatchObject({ type: 'ObjectStoreRejected', nonRetryable: true });
    const down = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1', forcePathStyle: true, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
    await expect(createS3EvidenceStore({ client: down, bucket }).get('a/b.json')).rejects.toMatchObject({ type: 'ObjectStoreUnavailable', nonRetryable: false });
    down.destroy();
  });

  it('without Object Lock on the bucket, a retained write is refused, saying so', async () => {
    const plain = `plain-${randomUUID().slice(0, 8)}`;
    await s3.send(new CreateBucketCommand({ Bucket: plain }));
    await s3.send(new PutObjectCommand({ Bucket: plain, Key: 'probe', Body: 'x' }));
    const err = await createS3EvidenceStore({ client: s3, bucket: plain, retention: { mode: 'COMPLIANCE', days: 1 } })
      .put('a/b.json', '{}', 'application/json')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'ObjectStoreRejected', nonRetryable: true });
  });
});
