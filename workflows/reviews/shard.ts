import { executeChild, patched, startChild, workflowInfo } from '@temporalio/workflow';
import { reviewerWorkflowId, type ReviewerInput, type ReviewerSummary, type ReviewShardInput, type ShardSummary } from '../../contracts/reviews.js';
import { reviewListReviewers } from './activities.js';
import { reviewerWorkflow } from './reviewer.js';
import { describeFailure } from '../incident/step-runner.js';

/** Shards that started all their reviewers in one workflow task replay that way. */
const START_IN_BATCHES_PATCH = 'review-shard-starts-in-batches';
/**
 * Reviewer workflows started per workflow task: 500 starts in one task took about 6 s at a million
 * entitlements, near the server's 10 s task timeout; 100 keep each task short.
 */
export const REVIEWER_START_BATCH = 100;

const childOptions = (input: ReviewShardInput, reviewer: string) => ({ workflowId: reviewerWorkflowId(input.campaignId, reviewer), args: [{ ...input.reviewer, reviewer }] as [ReviewerInput] });

/** Starts the reviewers `REVIEWER_START_BATCH` at a time (each batch once the one before has started), then waits for them all. */
async function runInBatches(input: ReviewShardInput, reviewers: readonly string[]): Promise<PromiseSettledResult<ReviewerSummary>[]> {
  const results: Promise<PromiseSettledResult<ReviewerSummary>>[] = [];
  for (let i = 0; i < reviewers.length; i += REVIEWER_START_BATCH) {
    const started = await Promise.allSettled(reviewers.slice(i, i + REVIEWER_START_BATCH).map((reviewer) => startChild(reviewerWorkflow, childOptions(input, reviewer))));
    for (const s of started) {
      // Settled here, so that no result is a rejected promise nobody awaits yet.
      results.push(
        s.status === 'fulfilled'
          ? s.value.result().then(
              (value): PromiseSettledResult<ReviewerSummary> => ({ status: 'fulfilled', value }),
              (reason: unknown): PromiseSettledResult<ReviewerSummary> => ({ status: 'rejected', reason }),
            )
          : Promise.resolve<PromiseSettledResult<ReviewerSummary>>({ status: 'rejected', reason: s.reason as unknown }),
      );
    }
  }
  return Promise.all(results);
}

/**
 * One page of a campaign's reviewers (`review-<campaign>--shard-<n>`): starts one reviewer
 * workflow each (`REVIEWER_START_BATCH` per workflow task) and waits for them all. Shards keep
 * the campaign's own history small: a campaign with 10,000 reviewers runs 20 shards of 500, each
 * about 1,600 events.
 */
export async function reviewShardWorkflow(input: ReviewShardInput): Promise<ShardSummary> {
  const reviewers = await reviewListReviewers({ campaignId: input.campaignId, offset: input.offset, limit: input.limit });
  // One reviewer's failure (an item list too large for a payload, say) never takes the others down.
  const settled = patched(START_IN_BATCHES_PATCH)
    ? await runInBatches(input, reviewers)
    : await Promise.allSettled(reviewers.map((reviewer) => executeChild(reviewerWorkflow, childOptions(input, reviewer))));
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
