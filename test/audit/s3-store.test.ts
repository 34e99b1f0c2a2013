import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, DeleteObjectCommand, ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditActivities } from '../../activities/audit/index.js';
import { createS3AuditStore } from '../../activities/providers/audit-store/s3-audit-store.js';
import { verifyStore } from '../../cli/commands/audit.js';
import { auditPublicKey, chainRecord, GENESIS_HASH, type AuditRecord } from '../../contracts/audit.js';
import { MOTO_CREDENTIALS, startMoto, type MotoPeer } from '../peers/moto.js';
import { entry } from './fixture.js';
import { loadWardenConfig } from '../../config/load.js';

let moto: MotoPeer;
let s3: S3Client;
beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: MOTO_CREDENTIALS });
}, 120_000);
afterAll(async () => {
  await moto.stop();
});

describe('the audit store on S3 with Object Lock (moto)', () => {
  it('writes sealed batches once, verifies, and the locked batch version cannot be deleted; an overwrite only adds a version that verify refuses', async () => {
    const bucket = `warden-audit-${randomBytes(4).toString('hex')}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    const store = createS3AuditStore({ bucket, prefix: 'audit/', retentionDays: 1, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    const secretKey = randomBytes(32).toString('hex');
    const { auditWriteBatch } = createAuditActivities({ store, secretKey });
    const records: AuditRecord[] = [];
    for (let n = 1; n <= 5; n++) records.push(chainRecord(entry(n), n, records.at(-1)?.hash ?? GENESIS_HASH));
    await auditWriteBatch({ records: records.slice(0, 3) });
    await auditWriteBatch({ records: records.slice(0, 3) }); // a retry: the same object, accepted
    await auditWriteBatch({ records: records.slice(3) });
    await expect(auditWriteBatch({ records: records.slice(0, 2) })).rejects.toThrow(/already holds other text/);

    expect(await store.list()).toEqual(['000000000001.jsonl', '000000000004.jsonl', 'head.json']);
    const v = await verifyStore(store, auditPublicKey(secretKey));
    expect(v.problem).toBeUndefined();
    expect(v.records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);

    // Compliance mode: the batch's version cannot be deleted, and an overwrite is only a new version on top.
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'audit/000000000001.jsonl' }));
    const versionId = versions.Versions![0]!.VersionId!;
    await expect(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'audit/000000000001.jsonl', VersionId: versionId }))).rejects.toThrow(/lock|access denied/i);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'audit/000000000001.jsonl', Body: 'tampered\n' }));
    const after = await verifyStore(store, auditPublicKey(secretKey));
    expect(after.problem).toMatchObject({ seq: 1, file: '000000000001.jsonl', line: 1 });
    const kept = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'audit/000000000001.jsonl' }));
    expect(kept.Versions!.map((x) => x.VersionId)).toContain(versionId);
  });
});

describe('WARDEN_AUDIT settings', () => {
  const load = (env: Record<string, string>) => () => loadWardenConfig({ TEMPORAL_ADDRESS: '127.0.0.1:7233', WARDEN_STATE_DIR: '/tmp/warden-audit-config', ...env });
  it('s3 needs a bucket, and an unknown store is named', () => {
    expect(load({ WARDEN_AUDIT: 's3' })).toThrow(/WARDEN_AUDIT_S3_BUCKET: required when WARDEN_AUDIT=s3/);
    expect(load({ WARDEN_AUDIT: 'tape' })).toThrow(/WARDEN_AUDIT/);
    expect(load({ WARDEN_AUDIT: 's3', WARDEN_AUDIT_S3_BUCKET: 'b' })().audit).toMatchObject({ store: 's3', s3: { bucket: 'b', prefix: 'warden/audit/', retentionDays: 365 } });
  });
});
