import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { REVIEW_WORKFLOW_PREFIX, reviewerWorkflowId } from '../../contracts/reviews.js';
import type { ApiAuth } from '../auth/api-auth.js';
import { parseBody } from '../http-json.js';
import { readReviewerPage } from '../reviewer-state.js';
import { route, type Route } from '../router.js';
import type { ReviewerProgress } from '../api-responses.js';
import { orUnavailable } from '../temporal-errors.js';
import { campaignOf } from './reviews.js';

const progressQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * GET /v1/reviews/:id/reviewers: each reviewer of a campaign with how many items they hold and
 * have decided, a page at a time. The reviewers are the campaign's reviewer workflows, as
 * Temporal's visibility lists them (its order: running first); each one's counts come from its
 * paged state query with a page of one item, so a reviewer with 50,000 items costs one small answer.
 */
export function reviewProgressRoutes(d: { client: Client; auth: ApiAuth }): Route[] {
  return [
    route({
      method: 'GET',
      path: '/v1/reviews/:id/reviewers',
      responses: { 200: 'ReviewerList' },
      query: progressQuery,
      async handle(req, res, params, send) {
        d.auth.authorize(req, 'viewer', 'read access reviews');
        const campaignId = campaignOf(params);
        const q = parseBody(progressQuery, Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams), 'query');
        const prefix = reviewerWorkflowId(campaignId, '');
        const ids = await orUnavailable('listing the reviewers', async () => {
          const out: string[] = [];
          const query = `WorkflowId STARTS_WITH '${prefix}' AND ExecutionStatus != 'ContinuedAsNew'`;
          let seen = 0;
          for await (const wf of d.client.workflow.list({ query, pageSize: Math.min(1000, q.offset + q.limit) })) {
            if (!wf.workflowId.startsWith(prefix) || !wf.workflowId.startsWith(REVIEW_WORKFLOW_PREFIX)) continue;
            if (seen++ < q.offset) continue;
            out.push(wf.workflowId);
            if (out.length >= q.limit) break;
          }
          return out;
        });
        const reviewers = await Promise.all(ids.map((id) => progressOf(d.client, id, id.slice(prefix.length))));
        send(200, { campaignId, offset: q.offset, limit: q.limit, reviewers });
      },
    }),
  ];
}

async function progressOf(client: Client, workflowId: string, reviewer: string): Promise<ReviewerProgress> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    const status = (await handle.describe()).status.name;
    const page = await readReviewerPage(handle, 0, 1);
    if (!page) return { reviewer, status, error: 'the worker predates the paged reviewer query' };
    return {
      reviewer,
      status,
      phase: page.phase,
      items: page.page.total,
      decided: page.page.decided,
      deadline: page.deadline,
      ...(page.escalatedTo ? { escalatedTo: page.escalatedTo } : {}),
    };
  } catch (err) {
    return { reviewer, status: 'unknown', error: `could not be read: ${(err as Error).message.split('\n')[0]}` };
  }
}
