import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { expect } from 'vitest';
import { createConfigDirectory } from '../../config/config-directory.js';
import type { ReviewStore } from '../../activities/ports/review-store.js';
import { createLocalReviewStore } from '../../activities/providers/review-store/local-review-store.js';
import { directorySchema } from '../../config/directory.js';
import { reviewSettingsSchema, type ReviewSettingsFile } from '../../config/reviews.js';
import type { ReviewItem, ReviewSettings } from '../../contracts/review-types.js';
import {
  reviewCampaignStateQuery,
  reviewCampaignWorkflowId,
  reviewDecideUpdate,
  reviewerStateQuery,
  reviewerWorkflowId,
  type CampaignState,
  type ReviewCampaignInput,
  type ReviewDecideRequest,
  type ReviewerState,
} from '../../contracts/reviews.js';
import type { reviewCampaignWorkflow } from '../../workflows/reviews/campaign.js';

/** Settings as warden.yaml would give them (snake_case), parsed by the real schema. */
export function reviewSettings(over: Partial<ReviewSettingsFile> = {}): ReviewSettings {
  return reviewSettingsSchema.parse({ fallback_reviewers: ['sec-lead'], ...over });
}

/** A directory from `people:` entries as warden.yaml would list them. */
export function directoryOf(people: unknown[]) {
  return createConfigDirectory(directorySchema.parse(people));
}

export function tempStore(): { store: ReviewStore; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'warden-reviews-'));
  return { store: createLocalReviewStore(dir), dir };
}

export function startCampaign(client: Client, taskQueue: string, id: string, input: Partial<ReviewCampaignInput> = {}): Promise<WorkflowHandle<typeof reviewCampaignWorkflow>> {
  return client.workflow.start<typeof reviewCampaignWorkflow>('reviewCampaignWorkflow', {
    taskQueue,
    workflowId: reviewCampaignWorkflowId(id),
    args: [{ dryRun: false, requestedBy: 'test', ...input }],
  });
}

/** Polls a query until `ok` holds (the workflow may not exist yet). */
async function pollQuery<S>(read: () => Promise<S>, ok: (s: S) => boolean, timeout: number): Promise<S> {
  let last: S | undefined;
  await expect
    .poll(
      async () => {
        try {
          last = await read();
          return ok(last);
        } catch {
          return false;
        }
      },
      { timeout, interval: 200 },
    )
    .toBe(true);
  return last!;
}

export const campaignState = (client: Client, id: string, ok: (s: CampaignState) => boolean = () => true, timeout = 60_000) =>
  pollQuery(() => client.workflow.getHandle(reviewCampaignWorkflowId(id)).query(reviewCampaignStateQuery), ok, timeout);

export const reviewerState = (client: Client, id: string, reviewer: string, ok: (s: ReviewerState) => boolean = () => true, timeout = 60_000) =>
  pollQuery(() => client.workflow.getHandle(reviewerWorkflowId(id, reviewer)).query(reviewerStateQuery), ok, timeout);

/**
 * Sends the decide Update, again while the reviewer workflow is not there yet, loads its items or
 * continues as new (never after another refusal).
 */
export async function decide(client: Client, workflowId: string, req: ReviewDecideRequest): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await client.workflow.getHandle(workflowId).executeUpdate(reviewDecideUpdate, { args: [req] });
      return;
    } catch (err) {
      const loading = err instanceof WorkflowUpdateFailedError && /still loading its items/.test(err.cause?.message ?? '');
      if ((err instanceof WorkflowUpdateFailedError && !loading) || attempt >= 400) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** An AWS group membership assigned to `reviewer` (store tests). */
export const storeItem = (id: string, reviewer: string): ReviewItem => ({
  id,
  system: 'aws',
  account: '123456789012',
  subject: id,
  kind: 'iam-group',
  resource: 'admins',
  permission: 'member',
  grantedVia: 'direct',
  grants: {},
  findings: [],
  reviewer,
  reviewerBasis: 'fallback',
});

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<{ type?: string; nonRetryable?: boolean; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { type?: string; nonRetryable?: boolean; message: string };
  }
  throw new Error('expected a rejection');
}
