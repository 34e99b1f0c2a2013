import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Role } from '../../config/file-config.js';
import { OFFBOARDING_WORKFLOW_PREFIX } from '../../contracts/offboarding.js';
import type { ApiAuth } from '../auth/api-auth.js';
import { parseBody } from '../http-json.js';
import { route, type Route } from '../router.js';
import type { OffboardingListEntry } from '../api-responses.js';
import { orUnavailable } from '../temporal-errors.js';

const READ_ROLES: readonly Role[] = ['viewer', 'responder', 'admin', 'hr'];

const listQuery = z.strictObject({
  /** running: still revoking, waiting for its time or in retention; closed: finished, cancelled, failed or terminated. */
  state: z.enum(['running', 'closed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/**
 * GET /v1/offboardings: the offboardings Temporal's visibility lists, in its order (the running
 * ones first, then the closed ones, most recently closed first), so the console
 * and the CLI can find one without knowing the person's id. What each did is read from the
 * offboarding itself (GET /v1/offboardings/:person), never from this list.
 */
export function offboardingListRoutes(d: { client: Client; auth: ApiAuth }): Route[] {
  return [
    route({
      method: 'GET',
      path: '/v1/offboardings',
      responses: { 200: 'OffboardingList' },
      query: listQuery,
      async handle(req, res, _params, send) {
        d.auth.authorize(req, READ_ROLES, 'list offboardings');
        const q = parseBody(listQuery, Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams), 'query');
        const clauses = [`WorkflowType = 'offboardingWorkflow'`];
        if (q.state === 'running') clauses.push(`ExecutionStatus = 'Running'`);
        if (q.state === 'closed') clauses.push(`ExecutionStatus != 'Running'`);
        const offboardings = await orUnavailable('listing offboardings', async () => {
          const out: OffboardingListEntry[] = [];
          for await (const wf of d.client.workflow.list({ query: clauses.join(' AND '), pageSize: q.limit })) {
            if (!wf.workflowId.startsWith(OFFBOARDING_WORKFLOW_PREFIX)) continue;
            const dryRun = wf.memo?.dryRun;
            out.push({
              person: wf.workflowId.slice(OFFBOARDING_WORKFLOW_PREFIX.length),
              workflowId: wf.workflowId,
              status: wf.status.name,
              ...(typeof dryRun === 'boolean' ? { dryRun } : {}),
              startTime: wf.startTime.toISOString(),
              ...(wf.closeTime ? { closeTime: wf.closeTime.toISOString() } : {}),
            });
            if (out.length >= q.limit) break;
          }
          return out;
        });
        send(200, { offboardings });
      },
    }),
  ];
}
