/**
 * P4: one access-review campaign over the synthetic organization (activities/reviews/synthetic.ts):
 * whether it completes, the longest history among all its workflows (every run, by visibility),
 * the process's RSS sampled while it runs (the worker runs in this process), and the wall time.
 */
import { randomUUID } from 'node:crypto';
import type { CampaignState } from '../contracts/reviews.js';
import { reviewCampaignWorkflowId } from '../contracts/reviews.js';
import type { reviewCampaignWorkflow } from '../workflows/reviews/campaign.js';
import { round } from './stats.js';
import { TASK_QUEUE, type World } from './world.js';

export async function measureP4(world: World, sizes: { entitlements: number; reviewers: number; timeoutMinutes: number }) {
  const campaignId = `bench-${randomUUID().slice(0, 8)}`;
  const workflowId = reviewCampaignWorkflowId(campaignId);
  let maxRss = process.memoryUsage().rss;
  const peak = { heapUsed: 0, external: 0, arrayBuffers: 0 };
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    maxRss = Math.max(maxRss, m.rss);
    for (const k of ['heapUsed', 'external', 'arrayBuffers'] as const) peak[k] = Math.max(peak[k], m[k]);
  }, 250);
  const t = performance.now();
  const handle = await world.client.workflow.start<typeof reviewCampaignWorkflow>('reviewCampaignWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId,
    args: [
      {
        dryRun: false,
        requestedBy: 'bench',
        scope: ['synthetic'],
        synthetic: { entitlements: sizes.entitlements, reviewers: sizes.reviewers, seed: 1 },
        timing: { deadlineMs: 1_000, graceMs: 0, remindersMs: [] },
      },
    ],
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), sizes.timeoutMinutes * 60_000)));
  const outcome: CampaignState | 'timeout' = await Promise.race([handle.result(), timedOut]);
  clearTimeout(timer);
  const wallSeconds = (performance.now() - t) / 1000;
  clearInterval(sampler);
  const completed = outcome !== 'timeout' && outcome.phase === 'done';
  if (outcome === 'timeout') await handle.terminate(`bench: not complete after ${sizes.timeoutMinutes} min`);

  let maxHistoryEvents = 0;
  let workflows = 0;
  for await (const w of world.client.workflow.list({ query: `WorkflowId STARTS_WITH '${workflowId}'` })) {
    workflows++;
    maxHistoryEvents = Math.max(maxHistoryEvents, w.historyLength);
  }
  const rssMiB = round(maxRss / 2 ** 20, 1);
  return {
    completed,
    maxHistoryEvents,
    rssMiB,
    peakMiB: Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, round(v / 2 ** 20, 1)])),
    wallSeconds: round(wallSeconds, 1),
    goal: 'completes; no history over 10,000 events; RSS < 1 GiB',
    pass: completed && maxHistoryEvents < 10_000 && rssMiB < 1024,
    ...sizes,
    phase: outcome === 'timeout' ? 'terminated by the bench (time limit)' : outcome.phase,
    counts: outcome === 'timeout' ? undefined : outcome.counts,
    workflowRuns: workflows,
    rssSampled: 'process.memoryUsage().rss of the bench process (worker, client and peers in it) every 250 ms',
  };
}
