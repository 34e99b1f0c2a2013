/**
 * GET /v1/kpis, access reviews (issue #16, point 9): a campaign's completion by its deadline and
 * its share revoked on silence, from the real reviewer workflows' recorded decisions, found through
 * visibility (each reviewer of the campaign) on the dev server. The reviewers' activities are
 * stand-ins that hand them three items each; decisions go through the real Update.
 */
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewCampaignWorkflowId, reviewDecideUpdate, reviewerStateQuery, reviewerWorkflowId, type ReviewerInput, type ReviewerItem } from '../../contracts/reviews.js';
import { startWorker, suiteClient, uniqueTaskQueue, type TestWorker } from '../harness.js';
import { startWardenServer, type WardenServer } from '../helpers/warden-server.js';
import { readKpis, viewerEnv } from './viewer.js';
import { reviewerOnlyActivities } from '../helpers/reviewer-stub.js';

const { env, token: VIEWER } = viewerEnv('reviews');
const taskQueue = uniqueTaskQueue('kpi-reviews');
const ITEMS: ReviewerItem[] = [
  { id: 'aws:123456789012:sam:iam-group:admins', flagged: true, person: 'sam' },
  { id: 'github:acme:sam:github-team:ml', flagged: false, person: 'sam' },
  { id: 'github:acme:sam:github-repo:acme/models', flagged: false, person: 'sam' },
];
const started: string[] = [];

let client: Client;
let worker: TestWorker;
let warden: WardenServer;
beforeAll(async () => {
  client = await suiteClient();
  warden = await startWardenServer(client, taskQueue, env);
  worker = await startWorker(
    { providers: {} },
    {
      taskQueue,
      // The campaign waits in collecting: its settings never come (until the worker stops).
      activities: () => reviewerOnlyActivities(ITEMS, 'manny'),
    },
  );
}, 60_000);
afterAll(async () => {
  for (const id of started)
    await client.workflow
      .getHandle(id)
      .terminate('test done')
      .catch(() => undefined);
  await worker?.shutdown();
  warden?.close();
  await client?.connection.close();
});

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const v = await read().catch(() => undefined);
    if (v !== undefined && ok(v)) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('GET /v1/kpis: access reviews', () => {
  it('completion counts the items a person decided by the deadline (not in the grace period, not by silence); silence revocations are their own share', async () => {
    const campaignId = `kpi-${randomUUID().slice(0, 8)}`;
    const campaign = await client.workflow.start('reviewCampaignWorkflow', { taskQueue, workflowId: reviewCampaignWorkflowId(campaignId), args: [{ campaignId, dryRun: false, requestedBy: 'adam' }] });
    started.push(campaign.workflowId);
    const deadline = new Date(Date.now() + 5_000).toISOString();
    const review = async (reviewer: string): Promise<WorkflowHandle> => {
      const input: ReviewerInput = { campaignId, reviewer, dryRun: false, deadline, graceMs: 3_000, remindersMs: [], onSilence: 'revoke' };
      const h = await client.workflow.start('reviewerWorkflow', { taskQueue, workflowId: reviewerWorkflowId(campaignId, reviewer), args: [input] });
      started.push(h.workflowId);
      await until(
        () => h.query(reviewerStateQuery),
        (s) => s.items.length === 3,
        `${reviewer}'s items`,
      );
      return h;
    };
    const [rita, ray] = [await review('rita'), await review('ray')];
    // Rita decides two of her three items before the deadline; the third is revoked on silence.
    const decide = (h: WorkflowHandle, by: string, decisions: { item: string; decision: 'keep' | 'revoke' }[]) => h.executeUpdate(reviewDecideUpdate, { args: [{ by, via: 'api', decisions }] });
    await decide(rita, 'rita', [
      { item: ITEMS[0]!.id, decision: 'revoke' },
      { item: ITEMS[1]!.id, decision: 'keep' },
    ]);
    // Ray decides one item only after the deadline, in the grace period: it does not count; his other two are revoked on silence.
    await until(
      () => ray.query(reviewerStateQuery),
      (s) => s.phase !== 'open',
      "ray's deadline",
    );
    await decide(ray, 'ray', [{ item: ITEMS[0]!.id, decision: 'keep' }]);
    for (const h of [rita, ray])
      await until(
        () => h.query(reviewerStateQuery),
        (s) => s.phase === 'closed',
        'the closed reviews',
      );

    const report = await readKpis(warden.url, '?window=1h', VIEWER);
    const ours = report.reviews.campaigns.find((c) => c.campaignId === campaignId);
    expect(ours).toEqual({
      campaignId,
      startedAt: expect.any(String) as string,
      deadline,
      items: 6,
      decidedByPersonByDeadline: 2,
      completionByDeadline: 2 / 6,
      revokedOnSilence: 3,
      revokedOnSilenceShare: 3 / 6,
      over: true,
    });
    expect(report.reviews.sources.unreadable.filter((u) => u.workflowId.includes(campaignId))).toEqual([]);
  }, 90_000);
});
