import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3EvidenceStore } from '../../activities/providers/s3/s3-evidence-store.js';
import { parseEnvConfig } from '../../config/config.js';
import { createConfigDirectory } from '../../config/config-directory.js';
import type { IdentityConfig } from '../../config/file-config.js';
import { reviewCampaignWorkflowId, type CampaignState } from '../../contracts/reviews.js';
import { listen } from '../../server/app.js';
import { createApiAuth } from '../../server/auth/api-auth.js';
import { createRouter } from '../../server/router.js';
import { reviewRoutes } from '../../server/routes/reviews.js';
import { evidenceReader } from '../../worker/deps.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';
import { MOTO_CREDENTIALS, startMoto, type MotoPeer } from '../peers/moto.js';
import { reviewSettings, startCampaign, tempStore } from './fixture.js';

/**
 * Evidence in one S3 bucket (moto's): a pack a worker wrote is served by the server, which reads
 * it through its own client on the same bucket (not 404 because another host wrote it).
 */
let moto: MotoPeer;
let client: Client;
let server: Server;
let base = '';
const bucket = `packs-${randomUUID().slice(0, 8)}`;
const token = 'tok-s3-olga';
const identities: IdentityConfig[] = [{ id: 'olga', roles: ['responder'], groups: [], tokens: [{ sha256: createHash('sha256').update(token).digest('hex') }] }];
const queue = uniqueTaskQueue('review-s3');

beforeAll(async () => {
  [moto, client] = await Promise.all([startMoto(), suiteClient()]);
  const admin = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: MOTO_CREDENTIALS });
  await admin.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  admin.destroy();
  // The server's reader is built from the environment exactly as `warden start` builds it.
  process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
  const config = parseEnvConfig(
    { WARDEN_STATE_DIR: tempStore().dir, WARDEN_EVIDENCE_STORE: 's3', WARDEN_EVIDENCE_BUCKET: bucket, WARDEN_EVIDENCE_PREFIX: 'warden/', WARDEN_EVIDENCE_S3_ENDPOINT: moto.endpoint },
    process.cwd(),
  );
  const routes = reviewRoutes({ client, auth: createApiAuth(identities), directory: createConfigDirectory([]), identities, taskQueue: queue, evidence: evidenceReader(config.providers) });
  const router = createRouter(routes, () => undefined);
  server = createServer((req, res) => void router(req, res));
  base = `http://127.0.0.1:${await listen(server, '127.0.0.1', 0)}`;
}, 60_000);

afterAll(async () => {
  server?.close();
  await moto?.stop();
  await client?.connection.close();
});

describe('the S3 evidence store, configured', () => {
  it('is selected by WARDEN_EVIDENCE_STORE=s3, which needs a bucket; local stays the default', () => {
    const dir = tempStore().dir;
    expect(parseEnvConfig({ WARDEN_STATE_DIR: dir }, process.cwd()).providers.evidenceS3).toBeUndefined();
    expect(() => parseEnvConfig({ WARDEN_STATE_DIR: dir, WARDEN_EVIDENCE_STORE: 's3' }, process.cwd())).toThrow(/WARDEN_EVIDENCE_BUCKET: required/);
    expect(() => parseEnvConfig({ WARDEN_STATE_DIR: dir, WARDEN_EVIDENCE_STORE: 's3', WARDEN_EVIDENCE_BUCKET: 'b-1', WARDEN_EVIDENCE_PREFIX: '/x' }, process.cwd())).toThrow(/WARDEN_EVIDENCE_PREFIX/);
    expect(
      parseEnvConfig(
        { WARDEN_STATE_DIR: dir, WARDEN_EVIDENCE_STORE: 's3', WARDEN_EVIDENCE_BUCKET: 'b-1', WARDEN_EVIDENCE_LOCK_MODE: 'COMPLIANCE', WARDEN_EVIDENCE_RETENTION_DAYS: '2555' },
        process.cwd(),
      ).providers.evidenceS3,
    ).toEqual({
      bucket: 'b-1',
      prefix: '',
      region: 'us-east-1',
      retention: { mode: 'COMPLIANCE', days: 2555 },
    });
  });

  it('serves the pack a worker wrote to the bucket, each format with the sha256 the campaign recorded', { timeout: 60_000 }, async () => {
    const workerS3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: MOTO_CREDENTIALS });
    const evidence = createS3EvidenceStore({ client: workerS3, bucket, prefix: 'warden/', retention: { mode: 'GOVERNANCE', days: 1 } });
    const setup = { providers: { evidence }, reviews: { settings: reviewSettings({ fallback_reviewers: ['auditor'] }), store: tempStore().store } };
    const id = `s3-${randomUUID().slice(0, 8)}`;
    const state = await withWorker(setup, { taskQueue: queue }, async () => {
      await startCampaign(client, queue, id, { dryRun: true, scope: ['synthetic'], synthetic: { entitlements: 60, reviewers: 3, seed: 5 } });
      return client.workflow.getHandle(reviewCampaignWorkflowId(id)).result() as Promise<CampaignState>;
    });
    workerS3.destroy();
    expect(state.phase).toBe('done');
    expect(state.evidence.map((e) => e.uri)).toEqual(state.evidence.map((e) => `s3://${bucket}/warden/reviews/${id}/${e.name}`));
    for (const format of ['json', 'csv', 'html'] as const) {
      const res = await fetch(`${base}/v1/reviews/${id}/report?format=${format}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const body = Buffer.from(await res.arrayBuffer());
      expect(createHash('sha256').update(body).digest('hex')).toBe(state.evidence.find((e) => e.name.endsWith(`.${format}`))?.sha256);
    }
  });
});
