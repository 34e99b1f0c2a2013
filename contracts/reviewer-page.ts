import { defineQuery } from '@temporalio/workflow';
import type { ItemDecision } from './review-types.js';
import type { ReviewerItem, ReviewerState } from './reviews.js';

/**
 * A reviewer's state a page of items at a time (#18.2). The whole state (`review.reviewer.state`)
 * of a reviewer with 50,000 items and their decisions is over gRPC's 4 MB message limit, so
 * neither the server nor the CLI could read it; a page of at most REVIEWER_STATE_PAGE_MAX items,
 * with the decisions of those items only and the rest of the state, stays far under it (about
 * 1 kB an item at most: 2 MB). The old query stays registered for callers that have not moved.
 */
export const REVIEWER_STATE_PAGE_MAX = 2_000;

export interface ReviewerStatePageRequest {
  readonly offset: number;
  readonly limit: number;
}

export interface ReviewerStatePage extends Omit<ReviewerState, 'items' | 'decisions'> {
  /** The items from `page.offset`, in the state's order. */
  readonly items: ReviewerItem[];
  /** The decisions of this page's items (an undecided item has none). */
  readonly decisions: Record<string, ItemDecision>;
  /** Where the page is: `total` items in all, `decided` of them decided (over every page). */
  readonly page: { readonly offset: number; readonly limit: number; readonly total: number; readonly decided: number };
}

export const reviewerStatePageQuery = defineQuery<ReviewerStatePage, [ReviewerStatePageRequest]>('review.reviewer.state-page');

const whole = (n: unknown, fallback: number): number => (typeof n === 'number' && Number.isFinite(n) ? Math.floor(n) : fallback);

/** The page of `state` asked for: the offset at least 0, the limit between 1 and REVIEWER_STATE_PAGE_MAX. */
export function reviewerStatePage(state: ReviewerState, req: Partial<ReviewerStatePageRequest> | undefined): ReviewerStatePage {
  const offset = Math.max(0, whole(req?.offset, 0));
  const limit = Math.min(REVIEWER_STATE_PAGE_MAX, Math.max(1, whole(req?.limit, REVIEWER_STATE_PAGE_MAX)));
  const items = state.items.slice(offset, offset + limit);
  const decisions: Record<string, ItemDecision> = {};
  for (const item of items) {
    const d = state.decisions[item.id];
    if (d) decisions[item.id] = d;
  }
  return { ...state, items, decisions, page: { offset, limit, total: state.items.length, decided: Object.keys(state.decisions).length } };
}
