import { REVIEWER_ITEMS_PAGE } from '../../contracts/review-compact.js';
import type { ReviewerItem } from '../../contracts/reviews.js';
import { reviewLoadReviewerPage } from './activities.js';

/**
 * Every item of the reviewer, a page (`REVIEWER_ITEMS_PAGE`) per activity: 50,000 items are ten
 * results of about 300 kB, where one result would pass Temporal's 2 MB payload limit. Who manages
 * and who reaches the reviewer come with the first page.
 */
export async function loadItemPages(campaignId: string, reviewer: string): Promise<{ items: ReviewerItem[]; manager?: string; reachable: boolean }> {
  const first = await reviewLoadReviewerPage({ campaignId, reviewer, offset: 0, limit: REVIEWER_ITEMS_PAGE });
  const items = [...first.items];
  while (items.length < first.total) {
    const page = await reviewLoadReviewerPage({ campaignId, reviewer, offset: items.length, limit: REVIEWER_ITEMS_PAGE });
    if (!page.items.length) break;
    for (const item of page.items) items.push(item); // not push(...page): 5,000 arguments on the sandbox's stack
  }
  return { items, reachable: first.reachable, ...(first.manager ? { manager: first.manager } : {}) };
}
