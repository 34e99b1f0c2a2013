import { QueryNotRegisteredError, type WorkflowHandle } from '@temporalio/client';
import { z } from 'zod';
import { REVIEWER_STATE_PAGE_MAX, reviewerStatePage, reviewerStatePageQuery, type ReviewerStatePage } from '../contracts/reviewer-page.js';
import { reviewerStateQuery, type ReviewerState } from '../contracts/reviews.js';
import { PERSON_ID } from '../config/directory.js';
import { HttpError } from './http-json.js';

/** One page of a reviewer's state; undefined when the workflow's code predates the paged query. */
export async function readReviewerPage(handle: WorkflowHandle, offset: number, limit = REVIEWER_STATE_PAGE_MAX): Promise<ReviewerStatePage | undefined> {
  try {
    return await handle.query(reviewerStatePageQuery, { offset, limit });
  } catch (err) {
    if (err instanceof QueryNotRegisteredError) return undefined;
    throw err;
  }
}

/**
 * A reviewer's whole state, read page by page (each query result far under gRPC's 4 MB message);
 * from the whole-state query when the worker's code predates the pages. The rest of the state
 * (phase, timeline) is the first page's; decisions made while the pages are read may be missing
 * from the pages read before them.
 */
export async function readReviewerState(handle: WorkflowHandle): Promise<ReviewerState> {
  const first = await readReviewerPage(handle, 0);
  if (!first) return handle.query(reviewerStateQuery);
  const { page, items: firstItems, decisions: firstDecisions, ...rest } = first;
  const items = [...firstItems];
  const decisions = { ...firstDecisions };
  while (items.length < page.total) {
    const next = await readReviewerPage(handle, items.length);
    if (!next?.items.length) throw new Error(`the review of ${first.reviewer} in campaign ${first.campaignId} lists ${page.total} items but a page from ${items.length} came back empty`);
    for (const item of next.items) items.push(item);
    Object.assign(decisions, next.decisions);
  }
  return { ...rest, items, decisions };
}

/** `?offset=&limit=` of GET /v1/reviews/:id/reviewers/:reviewer: either asks for a page; neither, the whole state. */
export const reviewerPageParams = z.strictObject({
  offset: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(REVIEWER_STATE_PAGE_MAX).optional(),
});

/** The page asked for (from the whole-state query, sliced, when the worker's code predates pages), or the whole state. */
export async function readReviewerView(handle: WorkflowHandle, q: z.infer<typeof reviewerPageParams>): Promise<ReviewerState | ReviewerStatePage> {
  if (q.offset === undefined && q.limit === undefined) return readReviewerState(handle);
  const req = { offset: q.offset ?? 0, limit: q.limit ?? REVIEWER_STATE_PAGE_MAX };
  return (await readReviewerPage(handle, req.offset, req.limit)) ?? reviewerStatePage(await handle.query(reviewerStateQuery), req);
}

/** The reviewer of the path (a person id), or 400. */
export function reviewerOf(params: { readonly reviewer?: string }): string {
  const id = params.reviewer ?? '';
  if (!PERSON_ID.test(id)) throw new HttpError(400, 'invalid reviewer', [{ path: 'reviewer', message: 'a person id: 1-64 letters, digits and . _ -' }]);
  return id;
}
