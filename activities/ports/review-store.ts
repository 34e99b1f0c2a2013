import type { EnforcementRecord, ItemDecision, ReviewItem } from '../../contracts/review-types.js';

/**
 * Where a campaign's items, decisions and enforcement results live: outside the workflow
 * histories, which hold only counts and cursors (a campaign may hold a million entitlements).
 * Every write replaces the whole record under its key, so an activity that runs again after a
 * crash writes the same thing twice, harmlessly.
 */
export interface ReviewStore {
  /** The evaluated items of one collection batch, also indexed by reviewer. */
  putBatch(campaignId: string, batchId: string, items: readonly ReviewItem[]): Promise<void>;
  /** Batch ids in a stable order. */
  listBatches(campaignId: string): Promise<string[]>;
  readBatch(campaignId: string, batchId: string): Promise<ReviewItem[]>;
  /** Reviewer ids in a stable (sorted) order: a page of them with offset and limit. */
  listReviewers(campaignId: string, page?: { offset: number; limit: number }): Promise<string[]>;
  countReviewers(campaignId: string): Promise<number>;
  /** Every item assigned to the reviewer, across batches. */
  readReviewerItems(campaignId: string, reviewer: string): Promise<ReviewItem[]>;
  putDecisions(campaignId: string, reviewer: string, decisions: readonly ItemDecision[]): Promise<void>;
  /** Undefined until the reviewer's workflow has recorded them. */
  readDecisions(campaignId: string, reviewer: string): Promise<ItemDecision[] | undefined>;
  putEnforcement(campaignId: string, reviewer: string, records: readonly EnforcementRecord[]): Promise<void>;
  readEnforcement(campaignId: string, reviewer: string): Promise<EnforcementRecord[] | undefined>;
}
