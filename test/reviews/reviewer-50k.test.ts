import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticReviewerId } from '../../activities/reviews/synthetic.js';
import { reviewerWorkflowId } from '../../contracts/reviews.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';
import { decide, reviewSettings, startCampaign, tempStore } from './fixture.js';

/**
 * One reviewer holding 50,000 items (#18.2): the items reach the reviewer workflow page by page,
 * decisions leave it by position, and a continued run reloads the items instead of carrying them,
 * so no payload nears Temporal's 2 MB limit and no history its 10k events. The reviewer revokes
 * every flagged item through the decide Update (in chunks, across continue-as-new) and keeps the
 * rest; every decision is recorded in the store and every revocation enforced.
 */
const LIMIT_BYTES = 2 * 1024 * 1024;
let client: Client;
beforeAll(async () => {
  client = await suiteClient();
});
afterAll(async () => client?.connection.close());

/** The bytes of every payload in a history event, summed per event (what Temporal's blob limit applies to). */
function payloadBytes(node: unknown): number {
  if (!node || typeof node !== 'object') return 0;
  if (node instanceof Uint8Array) return 0;
  const rec = node as Record<string, unknown>;
  if (rec.data instanceof Uint8Array && 'metadata' in rec) return rec.data.byteLength;
  return Object.values(rec).reduce<number>((sum, v) => sum + payloadBytes(v), 0);
}

describe('a reviewer with 50,000 items', () => {
  it('completes, every payload under 2 MB and every history under 10k events, each decision recorded and enforced', { timeout: 300_000 }, async () => {
    const { store } = tempStore();
    const setup = { providers: {}, reviews: { settings: reviewSettings({ fallback_reviewers: ['auditor'] }), store } };
    const taskQueue = uniqueTaskQueue('review-50k');
    const id = `big-${Date.now()}`;
    const reviewer = syntheticReviewerId(0);
    const started = Date.now();
    const state = await withWorker(setup, { taskQueue }, async () => {
      const campaign = await startCampaign(client, taskQueue, id, {
        scope: ['synthetic'],
        // One manager: everything but the orphans' items (the fallback reviewer's) is theirs.
        synthetic: { entitlements: 51_000, reviewers: 1, seed: 5 },
        timing: { deadlineMs: 10 * 60_000, graceMs: 0, remindersMs: [] },
        limits: { reviewerContinueAsNewAfterEvents: 20 },
      });
      // Each reviewer (the manager, and the fallback reviewer of the orphans' items) revokes the flagged items and keeps the rest.
      await expect
        .poll(
          () =>
            client.workflow
              .getHandle(reviewerWorkflowId(id, reviewer))
              .describe()
              .then(
                () => true,
                () => false,
              ),
          { timeout: 120_000, interval: 250 },
        )
        .toBe(true);
      for (const who of await store.listReviewers(id)) {
        const rid = reviewerWorkflowId(id, who);
        const all = await store.readReviewerItems(id, who);
        const flaggedOf = all.filter((i) => i.findings.length > 0).map((i) => i.id);
        for (let i = 0; i < flaggedOf.length; i += 2_500) {
          await decide(client, rid, { by: who, via: 'api', decisions: flaggedOf.slice(i, i + 2_500).map((item) => ({ item, decision: 'revoke', reason: 'not needed' })) });
        }
        if (flaggedOf.length < all.length) await decide(client, rid, { by: who, via: 'api', keepAllUnflagged: true });
      }
      const items = await store.readReviewerItems(id, reviewer);
      const flagged = items.filter((i) => i.findings.length > 0).map((i) => i.id);
      return { campaign: await campaign.result(), items, flagged };
    });
    const seconds = (Date.now() - started) / 1000;

    expect(state.items.length).toBeGreaterThanOrEqual(50_000);
    expect(state.campaign.phase).toBe('done');
    const decisions = (await store.readDecisions(id, reviewer)) ?? [];
    expect(decisions).toHaveLength(state.items.length);
    expect(new Set(decisions.map((d) => d.itemId))).toEqual(new Set(state.items.map((i) => i.id)));
    const revoked = decisions.filter((d) => d.decision === 'revoke');
    expect(revoked.map((d) => d.itemId).sort()).toEqual([...state.flagged].sort());
    expect(revoked.every((d) => d.by === reviewer && d.via === 'api' && d.reason === 'not needed')).toBe(true);
    expect(decisions.filter((d) => d.decision === 'keep').every((d) => d.reason === 'kept with every unflagged item')).toBe(true);
    // Every revocation reached enforcement, once.
    const enforced = (await store.readEnforcement(id, reviewer)) ?? [];
    expect(enforced.map((e) => e.itemId).sort()).toEqual([...state.flagged].sort());

    // Every run of every workflow of the campaign, read back from the server.
    let largestPayload = 0;
    let longest = 0;
    const reviewerRuns: string[] = [];
    for await (const wf of client.workflow.list({ query: `WorkflowId STARTS_WITH "review-${id}"` })) {
      // A few events a page: a whole run's history (~6 MB of loaded items) is over gRPC's 4 MB message.
      let events = 0;
      let nextPageToken: Uint8Array | undefined;
      do {
        const page = await client.workflowService.getWorkflowExecutionHistory({
          namespace: client.options.namespace,
          execution: { workflowId: wf.workflowId, runId: wf.runId },
          maximumPageSize: 4,
          nextPageToken,
        });
        for (const event of page.history?.events ?? []) largestPayload = Math.max(largestPayload, payloadBytes(event));
        events += page.history?.events?.length ?? 0;
        nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
      } while (nextPageToken);
      longest = Math.max(longest, events);
      if (wf.workflowId === reviewerWorkflowId(id, reviewer)) reviewerRuns.push(wf.runId);
    }
    console.log(
      `50,000-item reviewer: ${state.items.length} items, ${state.flagged.length} revoked, ${reviewerRuns.length} reviewer runs, largest event payload ${(largestPayload / 1024).toFixed(0)} KiB, longest history ${longest} events, ${seconds.toFixed(1)} s`,
    );
    expect(reviewerRuns.length).toBeGreaterThan(1); // it continued as new, reloading its items
    expect(largestPayload).toBeGreaterThan(0);
    expect(largestPayload).toBeLessThan(LIMIT_BYTES);
    expect(longest).toBeLessThan(10_000);
  });
});
