import { executeChild, workflowInfo } from '@temporalio/workflow';
import { reviewerWorkflowId, type ReviewerSummary, type ReviewShardInput, type ShardSummary } from '../../contracts/reviews.js';
import { reviewListReviewers } from './activities.js';
import { reviewerWorkflow } from './reviewer.js';
import { describeFailure } from '../incident/step-runner.js';

/**
 * One page of a campaign's reviewers (`review-<campaign>--shard-<n>`): starts one reviewer
 * workflow each and waits for them all. Shards keep the campaign's own history small: a
 * campaign with 10,000 reviewers runs 20 shards of 500, each about 1,600 events.
 */
export async function reviewShardWorkflow(input: ReviewShardInput): Promise<ShardSummary> {
  const reviewers = await reviewListReviewers({ campaignId: input.campaignId, offset: input.offset, limit: input.limit });
  // One reviewer's failure (an item list too large for a payload, say) never takes the others down.
  const settled = await Promise.allSettled(
    reviewers.map((reviewer) =>
      executeChild(reviewerWorkflow, {
        workflowId: reviewerWorkflowId(input.campaignId, reviewer),
        args: [{ ...input.reviewer, reviewer }],
      }),
    ),
  );
  const summaries: ReviewerSummary[] = [];
  const failures: { reviewer: string; error: string }[] = [];
  settled.forEach((r, i) => {
    if (r.status === 'fulfilled') summaries.push(r.value);
    else failures.push({ reviewer: reviewers[i] ?? '?', error: describeFailure(r.reason).message });
  });
  const sum = (k: keyof Omit<ReviewerSummary, 'reviewer' | 'escalated' | 'maxHistoryLength'>) => summaries.reduce((n, s) => n + s[k], 0);
  return {
    reviewers: summaries.length,
    items: sum('items'),
    decided: sum('decided'),
    kept: sum('kept'),
    revoked: sum('revoked'),
    keptOnSilence: sum('keptOnSilence'),
    revokedOnSilence: sum('revokedOnSilence'),
    exceptionsKept: sum('exceptionsKept'),
    escalated: summaries.filter((s) => s.escalated).length,
    maxHistoryLength: Math.max(workflowInfo().historyLength, ...summaries.map((s) => s.maxHistoryLength)),
    ...(failures.length ? { failed: { count: failures.length, examples: failures.slice(0, 20) } } : {}),
  };
}
