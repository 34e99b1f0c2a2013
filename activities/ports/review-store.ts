import type { EnforcementRecord, ItemDecision, ReviewItem } from '../../contracts/review-types.js';

/**
 * Where a campaign's items, decisions and enforcement results live: outside the workflow
 * histories, which hold only counts and cursors (a campaign may hold a million entitlements).
 * Every write replaces the whole record under its key, so an activity that runs again after a
 * crash writes the same thing twice, harmlessly.
 *
 * Missing data is never read as empty: a campaign the store was never told about (no manifest,
 * written by `openCampaign`), a reviewer or batch it does not hold, fail with a non-retryable
 * `ReviewDataMissing` naming what is missing and where. That is how a worker on another store (a
 * second host's state dir) fails loudly instead of reading nothing. Legitimately nothing yet is
 * explicit: an opened campaign with no batches has no reviewers; a reviewer who has not closed
 * has no decisions (undefined).
 */
export interface ReviewStore {
  /** Writes the campaign's manifest, once, before any batch: from then on the campaign exists in this store. */
  openCampaign(campaignId: string, manifest: { scope: readonly string[] }): Promise<void>;
  /**
   * The evaluated items of one collection batch, also indexed by reviewer. Batch `<system>-<n>`
   * with n > 0 needs batch n-1 of the same system in this store (the batches of a system are
   * collected in order).
   */
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
