import { Context } from '@temporalio/activity';
import type { ItemDecision } from '../../contracts/review-types.js';
import type { ReviewerItem } from '../../contracts/reviews.js';
import { expandDecisions, type CompactDecisions } from '../../contracts/review-compact.js';

/**
 * A reviewer's load and record activities over fixed items, for tests that drive the real reviewer
 * workflow without a campaign: both the whole load and the paged one (`reviewer-paged-items`),
 * and decisions recorded whole or by position, each handed to `record` as whole decisions.
 */
export function stubReviewerItems(items: readonly ReviewerItem[], manager: string, record: (r: { reviewer: string; decisions: ItemDecision[] }) => void = () => undefined) {
  return {
    reviewLoadReviewer: async () => ({ items: [...items], manager }),
    reviewLoadReviewerPage: async (i: { offset: number; limit: number }) => ({ items: items.slice(i.offset, i.offset + i.limit), total: items.length, manager, reachable: false }),
    reviewRecordDecisions: async (i: { reviewer: string; decisions: ItemDecision[] }) => record(i),
    reviewRecordCompactDecisions: async (i: { reviewer: string; decisions: CompactDecisions }) => record({ reviewer: i.reviewer, decisions: expandDecisions(items, i.decisions) }),
  };
}

/**
 * Every activity a reviewer workflow needs, standing in for a campaign: the items above, a
 * campaign whose settings never come (it waits in collecting until the worker stops), and
 * nobody told.
 */
export function reviewerOnlyActivities(items: readonly ReviewerItem[], manager: string, record?: (r: { reviewer: string; decisions: ItemDecision[] }) => void) {
  return {
    reviewCampaignSettings: () => Context.current().cancelled,
    ...stubReviewerItems(items, manager, record),
    reviewNotifyReviewer: async () => ({ slack: false, emailed: [] as string[] }),
    reviewRenderMessage: async () => undefined,
  };
}
