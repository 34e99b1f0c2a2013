import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewStore } from '../../activities/ports/review-store.js';
import { createLocalReviewStore } from '../../activities/providers/review-store/local-review-store.js';
import { applicationFailureOf } from '../../contracts/failures.js';
import { reviewCampaignStateQuery, reviewCampaignWorkflowId } from '../../contracts/reviews.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';
import { rejection, reviewSettings, startCampaign, storeItem } from './fixture.js';

/**
 * Two workers on two state dirs, in miniature: a campaign whose data was written to one review
 * store and is read from another must fail, naming the file that is missing, never read the
 * missing data as empty and finish `done` (which is what it did before campaigns had manifests).
 */
const tempDir = () => mkdtempSync(join(tmpdir(), 'warden-split-'));

const item = storeItem;

describe('the local review store never reads missing data as empty', () => {
  it('an opened campaign with nothing collected has no batches and no reviewers: legitimately empty', async () => {
    const store = createLocalReviewStore(tempDir());
    await store.openCampaign('c1', { scope: ['aws'] });
    await store.openCampaign('c1', { scope: ['aws'] }); // idempotent
    expect(await store.listBatches('c1')).toEqual([]);
    expect(await store.countReviewers('c1')).toBe(0);
  });

  it('a campaign this store never opened fails every read and write, naming the manifest it lacks', async () => {
    const dir = tempDir();
    const store = createLocalReviewStore(dir);
    const manifest = join(dir, 'c2', 'campaign.json');
    // One call at a time: a promise made before the loop reaches it would reject unobserved.
    const calls = [
      () => store.countReviewers('c2'),
      () => store.listReviewers('c2'),
      () => store.listBatches('c2'),
      () => store.readBatch('c2', 'aws-000000'),
      () => store.readReviewerItems('c2', 'rita'),
      () => store.readDecisions('c2', 'rita'),
      () => store.readEnforcement('c2', 'rita'),
      () => store.putBatch('c2', 'aws-000000', [item('i1', 'rita')]),
    ];
    for (const call of calls) {
      const err = await rejection(call());
      expect(err).toMatchObject({ type: 'ReviewDataMissing', nonRetryable: true });
      expect(err.message).toContain(manifest);
    }
  });

  it('a batch whose predecessor is in another store, a reviewer or an items file it lacks: each fails, naming the path', async () => {
    const [dirA, dirB] = [tempDir(), tempDir()];
    const [a, b] = [createLocalReviewStore(dirA), createLocalReviewStore(dirB)];
    await Promise.all([a.openCampaign('c3', { scope: ['aws'] }), b.openCampaign('c3', { scope: ['aws'] })]);
    await b.putBatch('c3', 'aws-000000', [item('i1', 'rita')]);
    const split = await rejection(a.putBatch('c3', 'aws-000001', [item('i2', 'sam')]));
    expect(split).toMatchObject({ type: 'ReviewDataMissing' });
    expect(split.message).toContain(join(dirA, 'c3', 'batches', 'aws-000000.json'));
    expect(await a.countReviewers('c3')).toBe(0);

    const noReviewer = await rejection(a.readReviewerItems('c3', 'rita'));
    expect(noReviewer.message).toContain(join(dirA, 'c3', 'reviewers', 'rita'));
    expect((await rejection(a.putDecisions('c3', 'rita', []))).type).toBe('ReviewDataMissing');

    // In store B: rita has items and no decision yet (undefined, not an error); a lost items file fails.
    expect(await b.readDecisions('c3', 'rita')).toBeUndefined();
    expect((await b.readBatch('c3', 'aws-000000')).map((i) => i.id)).toEqual(['i1']);
    rmSync(join(dirB, 'c3', 'reviewers', 'rita', 'items-aws-000000.json'));
    const lost = await rejection(b.readBatch('c3', 'aws-000000'));
    expect(lost.message).toContain(join(dirB, 'c3', 'reviewers', 'rita', 'items-aws-000000.json'));
    expect((await rejection(b.readBatch('c3', 'aws-000009'))).message).toContain(join(dirB, 'c3', 'batches', 'aws-000009.json'));
  });

  it('a campaign written before manifests (batches, no campaign.json) is still read', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'old', 'batches'), { recursive: true });
    mkdirSync(join(dir, 'old', 'reviewers', 'rita'), { recursive: true });
    writeFileSync(join(dir, 'old', 'batches', 'aws-000000.json'), JSON.stringify({ reviewers: ['rita'], items: 1 }));
    writeFileSync(join(dir, 'old', 'reviewers', 'rita', 'items-aws-000000.json'), JSON.stringify([item('i1', 'rita')]));
    const store = createLocalReviewStore(dir);
    expect(await store.listReviewers('old')).toEqual(['rita']);
    expect((await store.readReviewerItems('old', 'rita')).map((i) => i.id)).toEqual(['i1']);
  });
});

/** One worker standing for two: each store call goes to the store `route` picks, as Temporal may dispatch each activity to either host. */
function routed(route: (method: keyof ReviewStore, args: unknown[]) => ReviewStore[]): ReviewStore {
  return new Proxy({} as ReviewStore, {
    get:
      (_, method: keyof ReviewStore) =>
      async (...args: unknown[]) => {
        const [first, ...rest] = route(method, args);
        for (const other of rest) await (other[method] as (...a: unknown[]) => Promise<unknown>)(...args);
        return (first![method] as (...a: unknown[]) => Promise<unknown>)(...args);
      },
  });
}

let client: Client;
beforeAll(async () => {
  client = await suiteClient();
});
afterAll(async () => client?.connection.close());

async function failureOfCampaign(store: ReviewStore, id: string, entitlements: number) {
  const taskQueue = uniqueTaskQueue('review-split');
  const setup = { providers: {}, reviews: { settings: reviewSettings({ fallback_reviewers: ['auditor'] }), store } };
  return withWorker(setup, { taskQueue }, async () => {
    const handle = await startCampaign(client, taskQueue, id, { dryRun: true, scope: ['synthetic'], synthetic: { entitlements, reviewers: 5, seed: 3 } });
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const state = await client.workflow.getHandle(reviewCampaignWorkflowId(id)).query(reviewCampaignStateQuery);
    expect(state.phase).not.toBe('done');
    return applicationFailureOf((err as WorkflowFailedError).cause);
  });
}

describe('a campaign split across two review stores', () => {
  it('fails, naming the manifest, when its batches were written by another state dir', { timeout: 60_000 }, async () => {
    const [dirA, dirB] = [tempDir(), tempDir()];
    const [a, b] = [createLocalReviewStore(dirA), createLocalReviewStore(dirB)];
    const writes = new Set(['openCampaign', 'putBatch', 'putDecisions', 'putEnforcement']);
    const id = `split-${Date.now()}`;
    const failure = await failureOfCampaign(
      routed((method) => [writes.has(method) ? b : a]),
      id,
      50,
    );
    expect(failure).toMatchObject({ type: 'ReviewDataMissing', nonRetryable: true });
    expect(failure?.message).toContain(join(dirA, id, 'campaign.json'));
  });

  it('fails, naming the batch file, when one batch was collected on each host', { timeout: 60_000 }, async () => {
    const [dirA, dirB] = [tempDir(), tempDir()];
    const [a, b] = [createLocalReviewStore(dirA), createLocalReviewStore(dirB)];
    const id = `split2-${Date.now()}`;
    // Both hosts opened it; batch 0 lands on B, batch 1 on A.
    const failure = await failureOfCampaign(
      routed((method, args) => (method === 'openCampaign' ? [a, b] : method === 'putBatch' && args[1] === 'synthetic-000000' ? [b] : [a])),
      id,
      6_000,
    );
    expect(failure).toMatchObject({ type: 'ReviewDataMissing', nonRetryable: true });
    expect(failure?.message).toContain(join(dirA, id, 'batches', 'synthetic-000000.json'));
  });
});
