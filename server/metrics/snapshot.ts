import type { Client } from '@temporalio/client';
import { PHASES } from '../../engine/playbook-types.js';
import { incidentStateQuery } from '../../contracts/incident.js';
import { reviewCampaignStateQuery } from '../../contracts/reviews.js';

/** What the gauges show, read from the workflows themselves at scrape time. */
export interface WardenSnapshot {
  readonly incidentsByPhase: Readonly<Record<string, number>>;
  readonly approvals: { readonly waiting: number; readonly oldestSeconds: number };
  readonly campaigns: readonly { readonly id: string; readonly entitlements: number; readonly decided: number }[];
}

/** The most incidents and campaigns one scrape reads in full (the counts by phase are exact whatever their number). */
const READ_AT_MOST = 50;

/**
 * Counts running incidents (of this server's task queue) per phase through visibility (exact), then reads the incidents that
 * wait for an approval and the running campaigns through their queries (at most READ_AT_MOST of
 * each, the ones listed first).
 */
export function temporalSnapshot(client: Client, taskQueue: string, now: () => number = Date.now): () => Promise<WardenSnapshot> {
  const running = (type: string) => `WorkflowType = '${type}' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue}'`;
  const RUNNING_INCIDENTS = running('incidentWorkflow');
  return async () => {
    const incidentsByPhase: Record<string, number> = {};
    for (const phase of [...PHASES, 'done']) {
      incidentsByPhase[phase] = (await client.workflow.count(`${RUNNING_INCIDENTS} AND WardenPhase = '${phase}'`)).count;
    }
    let waiting = 0;
    let oldest = now();
    let read = 0;
    for await (const wf of client.workflow.list({ query: `${RUNNING_INCIDENTS} AND WardenStatus = 'awaiting-approval'` })) {
      if (++read > READ_AT_MOST) break;
      const state = await client.workflow.getHandle(wf.workflowId).query(incidentStateQuery);
      for (const step of Object.values(state.steps)) {
        if (step.status !== 'awaiting-approval' || !step.approval) continue;
        waiting += 1;
        oldest = Math.min(oldest, Date.parse(step.approval.requestedAt));
      }
    }
    const campaigns: { id: string; entitlements: number; decided: number }[] = [];
    for await (const wf of client.workflow.list({ query: running('reviewCampaignWorkflow') })) {
      if (campaigns.length >= READ_AT_MOST) break;
      const state = await client.workflow.getHandle(wf.workflowId).query(reviewCampaignStateQuery);
      campaigns.push({ id: state.campaignId, entitlements: state.counts.entitlements, decided: state.counts.decided });
    }
    return { incidentsByPhase, approvals: { waiting, oldestSeconds: waiting > 0 ? Math.max(0, (now() - oldest) / 1000) : 0 }, campaigns };
  };
}
