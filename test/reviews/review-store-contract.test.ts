import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewStore } from '../../activities/ports/review-store.js';
import { createLocalReviewStore } from '../../activities/providers/review-store/local-review-store.js';
import { createS3ReviewStore } from '../../activities/providers/s3/s3-review-store.js';
import type { EnforcementRecord, ItemDecision, ReviewItem } from '../../contracts/review-types.js';
import { motoS3Client, startMoto, type MotoPeer } from '../peers/moto.js';
import { rejection, storeItem } from './fixture.js';

/**
 * The `ReviewStore` port's contract, run against every implementation: the local directory and
 * an S3 bucket (moto's). Each kind gives two stores on the same shared place (two workers on one
 * volume or one bucket) and `where(rel)`, how its errors name a record (`<campaign>/campaign.json`).
 */
interface Kind {
  /** A fresh shared place, and a store on it; `another()` is a second worker's store on the same place. */
  make(): { store: ReviewStore; another: () => ReviewStore; where: (rel: string) => string };
}

let moto: MotoPeer;
let s3: S3Client;
const bucket = `reviews-${randomUUID().slice(0, 8)}`;
beforeAll(async () => {
  moto = await startMoto();
  s3 = motoS3Client(moto.endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}, 60_000);
afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

const kinds: Record<string, Kind> = {
  local: {
    make() {
      const dir = mkdtempSync(join(tmpdir(), 'warden-contract-'));
      return { store: createLocalReviewStore(dir), another: () => createLocalReviewStore(dir), where: (rel) => join(dir, rel) };
    },
  },
  s3: {
    make() {
      const prefix = `w-${randomUUID().slice(0, 8)}/review-store/`;
      // The second worker has its own client too, as another host would.
      const another = () => createS3ReviewStore({ client: motoS3Client(moto.endpoint), bucket, prefix });
      return { store: createS3ReviewStore({ client: s3, bucket, prefix }), another, where: (rel) => `s3://${bucket}/${prefix}${rel}` };
    },
  },
};

const item = storeItem;
const decision = (itemId: string, d: 'keep' | 'revoke'): ItemDecision => ({ itemId, decision: d, by: 'rita', at: '2026-12-07T00:00:00.000Z', via: 'api' });

const ids = (items: readonly ReviewItem[]) => items.map((i) => i.id).sort();

describe.each(Object.keys(kinds))('the %s review store keeps the port contract', (name) => {
  const kind = kinds[name]!;

  it('an opened campaign with nothing collected is legitimately empty; opening again changes nothing', async () => {
    const { store } = kind.make();
    await store.openCampaign('c1', { scope: ['aws'] });
    await store.openCampaign('c1', { scope: ['aws', 'github'] });
    expect(await store.listBatches('c1')).toEqual([]);
    expect(await store.listReviewers('c1')).toEqual([]);
    expect(await store.countReviewers('c1')).toBe(0);
  });

  it('a campaign never opened fails every read and write with ReviewDataMissing, naming its manifest', async () => {
    const { store, where } = kind.make();
    // One call at a time, each awaited as it is made.
    for (const call of [
      () => store.countReviewers('c2'),
      () => store.listReviewers('c2', { offset: 0, limit: 5 }),
      () => store.listBatches('c2'),
      () => store.readBatch('c2', 'aws-000000'),
      () => store.readReviewerItems('c2', 'rita'),
      () => store.readDecisions('c2', 'rita'),
      () => store.putDecisions('c2', 'rita', []),
      () => store.readEnforcement('c2', 'rita'),
      () => store.putBatch('c2', 'aws-000000', [item('i1', 'rita')]),
    ]) {
      const err = await rejection(call());
      expect(err).toMatchObject({ type: 'ReviewDataMissing', nonRetryable: true });
      expect(err.message).toContain(where('c2/campaign.json'));
    }
  });

  it('batch n needs batch n-1 in the same store; a missing batch or reviewer is named', async () => {
    const { store, where } = kind.make();
    await store.openCampaign('c3', { scope: ['aws'] });
    const gap = await rejection(store.putBatch('c3', 'aws-000001', [item('i2', 'sam')]));
    expect(gap).toMatchObject({ type: 'ReviewDataMissing', nonRetryable: true });
    expect(gap.message).toContain(where('c3/batches/aws-000000.json'));
    expect(await store.countReviewers('c3')).toBe(0);
    await store.putBatch('c3', 'aws-000000', [item('i1', 'rita')]);
    expect((await rejection(store.readBatch('c3', 'aws-000009'))).message).toContain(where('c3/batches/aws-000009.json'));
    const noReviewer = await rejection(store.readReviewerItems('c3', 'nobody'));
    expect(noReviewer).toMatchObject({ type: 'ReviewDataMissing' });
    expect(noReviewer.message).toContain(where('c3/reviewers/nobody'));
    expect((await rejection(store.putDecisions('c3', 'nobody', []))).type).toBe('ReviewDataMissing');
    expect((await rejection(store.readEnforcement('c3', 'nobody'))).type).toBe('ReviewDataMissing');
  });

  it('items, reviewers (sorted, paged), decisions and enforcement round-trip, and another worker on the same place reads them', async () => {
    const { store, another } = kind.make();
    await store.openCampaign('c4', { scope: ['aws'] });
    const reviewers = ['zoe', 'amy', 'kim', 'bob', 'lee'];
    await store.putBatch(
      'c4',
      'aws-000000',
      reviewers.map((r, n) => item(`a${n}`, r)),
    );
    await store.putBatch('c4', 'aws-000001', [item('b0', 'amy'), item('b1', 'ned')]);
    const other = another();
    expect(await other.listBatches('c4')).toEqual(['aws-000000', 'aws-000001']);
    expect(await other.countReviewers('c4')).toBe(6);
    expect(await other.listReviewers('c4')).toEqual(['amy', 'bob', 'kim', 'lee', 'ned', 'zoe']);
    expect(await other.listReviewers('c4', { offset: 2, limit: 3 })).toEqual(['kim', 'lee', 'ned']);
    expect(await other.listReviewers('c4', { offset: 5, limit: 3 })).toEqual(['zoe']);
    expect(await other.listReviewers('c4', { offset: 9, limit: 3 })).toEqual([]);
    expect(ids(await other.readBatch('c4', 'aws-000001'))).toEqual(['b0', 'b1']);
    expect(ids(await other.readReviewerItems('c4', 'amy'))).toEqual(['a1', 'b0']);

    // Nothing recorded yet is undefined, not an error; a record is replaced whole.
    expect(await other.readDecisions('c4', 'amy')).toBeUndefined();
    expect(await other.readEnforcement('c4', 'amy')).toBeUndefined();
    await store.putDecisions('c4', 'amy', [decision('a1', 'keep'), decision('b0', 'keep')]);
    await store.putDecisions('c4', 'amy', [decision('a1', 'revoke'), decision('b0', 'keep')]);
    expect(await other.readDecisions('c4', 'amy')).toEqual([decision('a1', 'revoke'), decision('b0', 'keep')]);
    const record = { itemId: 'a1', status: 'revoked' } as unknown as EnforcementRecord;
    await store.putEnforcement('c4', 'amy', [record]);
    await store.putEnforcement('c4', 'amy', [record]); // a retry writes the same record again
    expect(await other.readEnforcement('c4', 'amy')).toEqual([record]);
  });

  it('a batch written again (a retried collection) replaces the earlier attempt, also for reviewers it no longer assigns', async () => {
    const { store } = kind.make();
    await store.openCampaign('c5', { scope: ['aws'] });
    await store.putBatch('c5', 'aws-000000', [item('x0', 'amy'), item('x1', 'bob'), item('x2', 'bob')]);
    await store.putBatch('c5', 'aws-000001', [item('y0', 'amy'), item('y1', 'bob')]);
    // The same batch again, bob's items now assigned to amy.
    await store.putBatch('c5', 'aws-000001', [item('y0', 'amy'), item('y1', 'amy')]);
    await store.putBatch('c5', 'aws-000001', [item('y0', 'amy'), item('y1', 'amy')]);
    expect(ids(await store.readBatch('c5', 'aws-000001'))).toEqual(['y0', 'y1']);
    expect(ids(await store.readReviewerItems('c5', 'amy'))).toEqual(['x0', 'y0', 'y1']);
    expect(ids(await store.readReviewerItems('c5', 'bob'))).toEqual(['x1', 'x2']);
    expect(await store.listBatches('c5')).toEqual(['aws-000000', 'aws-000001']);
  });
});

describe('the S3 review store against its bucket', () => {
  it('a missing bucket is a final refusal; an unreachable store is retryable', async () => {
    const missing = createS3ReviewStore({ client: s3, bucket: 'no-such-review-bucket', prefix: '' });
    await expect(missing.openCampaign('c', { scope: [] })).rejects.toMatchObject({ type: 'ObjectStoreRejected', nonRetryable: true });
    const down = motoS3Client('http://127.0.0.1:1', 1);
    await expect(createS3ReviewStore({ client: down, bucket, prefix: '' }).countReviewers('c')).rejects.toMatchObject({ type: 'ObjectStoreUnavailable', nonRetryable: false });
    down.destroy();
  });

  it('lists more reviewers than one S3 page holds (1,000), in order, and pages through them', async () => {
    const { store } = kinds.s3!.make();
    await store.openCampaign('big', { scope: ['aws'] });
    const names = Array.from({ length: 1_205 }, (_, n) => `r${String(n).padStart(5, '0')}`);
    await store.putBatch(
      'big',
      'aws-000000',
      names.map((r, n) => item(`i${n}`, r)),
    );
    expect(await store.countReviewers('big')).toBe(1_205);
    expect(await store.listReviewers('big', { offset: 995, limit: 10 })).toEqual(names.slice(995, 1_005));
    expect(await store.listReviewers('big', { offset: 1_200, limit: 10 })).toEqual(names.slice(1_200));
  }, 120_000);
});
