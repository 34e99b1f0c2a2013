import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnvConfig } from '../../config/config.js';
import { reviewCampaignWorkflowId, type CampaignState } from '../../contracts/reviews.js';
import { buildEvidenceStore, buildReviewStore } from '../../worker/deps.js';
import { suiteClient, uniqueTaskQueue, startWorker } from '../harness.js';
import { MOTO_CREDENTIALS, motoS3Client, startMoto, type MotoPeer } from '../peers/moto.js';
import { reviewSettings, startCampaign, tempStore } from './fixture.js';

/**
 * The shared review store as an operator configures it: it follows WARDEN_EVIDENCE_STORE=s3 into
 * the evidence bucket (`<prefix>review-store/`), WARDEN_REVIEW_STORE overrides either way. Two
 * workers built from that configuration, each with its own state dir, share one campaign: every
 * item is put to a reviewer and decided, whichever worker ran which activity.
 */
let moto: MotoPeer;
let client: Client;
let admin: S3Client;
const bucket = `shared-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  [moto, client] = await Promise.all([startMoto(), suiteClient()]);
  admin = motoS3Client(moto.endpoint);
  await admin.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
}, 60_000);
afterAll(async () => {
  admin?.destroy();
  await moto?.stop();
  await client?.connection.close();
});

const s3Env = (dir: string, extra: Record<string, string> = {}) => ({
  WARDEN_STATE_DIR: dir,
  WARDEN_EVIDENCE_STORE: 's3',
  WARDEN_EVIDENCE_BUCKET: bucket,
  WARDEN_EVIDENCE_PREFIX: 'warden/',
  WARDEN_EVIDENCE_S3_ENDPOINT: moto.endpoint,
  ...extra,
});

describe('the review store, configured', () => {
  it('follows the evidence store into its bucket; WARDEN_REVIEW_STORE overrides; s3 without the evidence bucket is refused', () => {
    const dir = tempStore().dir;
    expect(parseEnvConfig({ WARDEN_STATE_DIR: dir }, process.cwd()).providers.reviewS3).toBeUndefined();
    expect(parseEnvConfig(s3Env(dir), process.cwd()).providers.reviewS3).toEqual({ bucket, prefix: 'warden/review-store/', region: 'us-east-1', endpoint: moto.endpoint });
    expect(parseEnvConfig(s3Env(dir, { WARDEN_REVIEW_STORE: 'local' }), process.cwd()).providers.reviewS3).toBeUndefined();
    expect(() => parseEnvConfig({ WARDEN_STATE_DIR: dir, WARDEN_REVIEW_STORE: 's3' }, process.cwd())).toThrow(/WARDEN_REVIEW_STORE: s3 keeps reviews in the evidence bucket/);
    expect(() => parseEnvConfig({ WARDEN_STATE_DIR: dir, WARDEN_REVIEW_STORE: 'nfs' }, process.cwd())).toThrow(/WARDEN_REVIEW_STORE/);
  });

  it('two workers on two state dirs share one campaign through the bucket: nothing is lost', { timeout: 120_000 }, async () => {
    const taskQueue = uniqueTaskQueue('review-shared');
    const settings = reviewSettings({ fallback_reviewers: ['auditor'], on_silence: 'revoke-flagged' });
    const workers = await Promise.all(
      [tempStore().dir, tempStore().dir].map((dir) => {
        const config = parseEnvConfig(s3Env(dir), process.cwd());
        return startWorker({ providers: { evidence: buildEvidenceStore(config.providers) }, reviews: { settings, store: buildReviewStore(config) } }, { taskQueue });
      }),
    );
    const id = `shared-${randomUUID().slice(0, 8)}`;
    const state = await workers[0]!.run(() =>
      workers[1]!.run(async () => {
        await startCampaign(client, taskQueue, id, {
          scope: ['synthetic'],
          synthetic: { entitlements: 10_001, reviewers: 20, seed: 11 },
          timing: { deadlineMs: 3_000, graceMs: 0, remindersMs: [] },
          limits: { shardSize: 5 },
        });
        return client.workflow.getHandle(reviewCampaignWorkflowId(id)).result() as Promise<CampaignState>;
      }),
    );
    expect(state.phase).toBe('done');
    expect(state.counts.entitlements).toBe(10_001);
    expect(state.sources.synthetic).toMatchObject({ done: true, batches: 3 });
    // Every item was put to a reviewer and decided (here by the deadline's policy).
    expect(state.counts.revokedOnSilence + state.counts.keptOnSilence + state.counts.exceptionsKept).toBe(10_001);
    expect(state.counts.revokedOnSilence).toBe(state.counts.flagged);
    expect(state.failedReviewers).toBeUndefined();
    expect(state.evidence.map((e) => e.uri).sort()).toEqual(
      ['evidence.csv', 'evidence.json', 'inventory.csv', 'inventory.html', 'inventory.json', 'report.html'].map((n) => `s3://${bucket}/warden/reviews/${id}/${n}`),
    );
    // The records are in the bucket, under the review store's prefix: one manifest, three batches.
    const listed = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `warden/review-store/${id}/batches/` }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([0, 1, 2].map((n) => `warden/review-store/${id}/batches/synthetic-00000${n}.json`));
  });
});
