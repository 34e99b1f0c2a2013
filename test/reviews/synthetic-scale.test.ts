import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPeers, type Peers } from '../helpers/incident.js';
import type { WardenDeps } from '../../activities/index.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';
import { reviewShardWorkflowId } from '../../contracts/reviews.js';
import { REVIEWER_START_BATCH } from '../../workflows/reviews/shard.js';
import { reviewSettings, startCampaign, tempStore } from './fixture.js';

/**
 * A 100,000-entitlement campaign over the synthetic organization, end to end on the dev server:
 * 20 collection batches, about 100 reviewer workflows in shards of 50, the deadline deciding by
 * revoke-flagged, enforcement and a 100,000-row evidence pack. The campaign is made to
 * continue-as-new every 40 events, and every workflow's history length is read back from the
 * server: the largest must stay far below Temporal's limits (the design target is 10,000). And a
 * shard of more than 200 reviewers starts them a hundred per workflow task, so that no task of a
 * large campaign comes near the server's task timeout, read back from the shard's history.
 */
let peers: Peers;
let client: Client;
let setup: WardenDeps;

beforeAll(async () => {
  [peers, client] = await Promise.all([startPeers(), suiteClient()]);
  setup = { providers: { evidence: peers.deps.evidence! }, reviews: { settings: reviewSettings({ fallback_reviewers: ['auditor'], on_silence: 'revoke-flagged' }), store: tempStore().store } };
}, 60_000);

afterAll(async () => {
  await peers?.close();
  await client?.connection.close();
});

describe('a synthetic campaign at scale', () => {
  it('100,000 entitlements complete, with every history small', async () => {
    const taskQueue = uniqueTaskQueue('review-scale');
    const id = `synth-${Date.now()}`;
    const started = Date.now();
    const state = await withWorker(setup, { taskQueue }, async () =>
      (
        await startCampaign(client, taskQueue, id, {
          scope: ['synthetic'],
          synthetic: { entitlements: 100_000, reviewers: 100, seed: 7 },
          timing: { deadlineMs: 5_000, graceMs: 0, remindersMs: [] },
          limits: { continueAsNewAfterEvents: 40, shardSize: 50 },
        })
      ).result(),
    );
    const seconds = (Date.now() - started) / 1000;

    expect(state.phase).toBe('done');
    expect(state.counts.entitlements).toBe(100_000);
    expect(state.sources.synthetic).toMatchObject({ done: true, batches: 20 });
    expect(state.counts.reviewers).toBeGreaterThan(50);
    expect(state.shards.total).toBe(Math.ceil(state.counts.reviewers / 50));
    // Nobody reviewed: the policy decided every item, flagged ones revoked.
    expect(state.counts.revokedOnSilence + state.counts.keptOnSilence + state.counts.exceptionsKept).toBe(100_000);
    expect(state.counts.revokedOnSilence).toBe(state.counts.flagged);
    expect(state.evidence.map((e) => e.name).sort()).toEqual(['evidence.csv', 'evidence.json', 'inventory.csv', 'inventory.html', 'inventory.json', 'report.html']);

    // Every workflow of the campaign, as the server reports it.
    const lengths: number[] = [];
    let runs = 0;
    for await (const wf of client.workflow.list({ query: `WorkflowId STARTS_WITH "review-${id}"` })) {
      runs++;
      lengths.push(wf.historyLength);
    }
    const largest = Math.max(...lengths);
    console.log(
      `synthetic campaign: 100000 entitlements, ${state.counts.reviewers} reviewers, ${runs} workflow runs, largest history ${largest} events (campaign's own view ${state.maxHistoryLength}), ${seconds.toFixed(1)} s`,
    );
    console.log(state.timeline.map((t) => `${t.at} ${t.event}`).join('\n'));
    expect(runs).toBeGreaterThan(state.counts.reviewers + state.shards.total);
    expect(largest).toBeLessThan(10_000);
    expect(state.maxHistoryLength).toBeLessThan(10_000);
  }, 600_000);

  it(`starts its reviewers ${REVIEWER_START_BATCH} per workflow task, and waits for every one`, async () => {
    const taskQueue = uniqueTaskQueue('shard-batches');
    const id = `batches-${Date.now()}`;
    const state = await withWorker(setup, { taskQueue }, async () =>
      (
        await startCampaign(client, taskQueue, id, {
          scope: ['synthetic'],
          synthetic: { entitlements: 2_000, reviewers: 260, seed: 11 },
          timing: { deadlineMs: 2_000, graceMs: 0, remindersMs: [] },
        })
      ).result(),
    );
    expect(state.phase).toBe('done');
    expect(state.shards.total).toBe(1);
    expect(state.counts.reviewers).toBeGreaterThan(2 * REVIEWER_START_BATCH);
    expect(state.counts.keptOnSilence + state.counts.exceptionsKept + state.counts.revokedOnSilence).toBe(2_000);

    // The starts each workflow task of the shard commanded: the events between one task's completion and the next event of another kind.
    const events = (await client.workflow.getHandle(reviewShardWorkflowId(id, 0)).fetchHistory()).events ?? [];
    const perTask: number[] = [];
    for (const e of events) {
      if (e.workflowTaskCompletedEventAttributes) perTask.push(0);
      else if (e.startChildWorkflowExecutionInitiatedEventAttributes) perTask[perTask.length - 1]! += 1;
    }
    const starting = perTask.filter((n) => n > 0);
    expect(starting.reduce((a, b) => a + b, 0)).toBe(state.counts.reviewers);
    expect(Math.max(...starting)).toBe(REVIEWER_START_BATCH);
    expect(starting.length).toBe(Math.ceil(state.counts.reviewers / REVIEWER_START_BATCH));
    expect(events.filter((e) => e.childWorkflowExecutionCompletedEventAttributes).length).toBe(state.counts.reviewers);
  }, 300_000);
});
