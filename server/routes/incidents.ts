import type { IncomingMessage } from 'node:http';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { z } from 'zod';
import { SEVERITIES } from '../../engine/playbook-types.js';
import {
  approvalUpdate,
  cancelUpdate,
  incidentStateQuery,
  incidentWorkflowId,
  noteUpdate,
  type ApprovalPath,
  type IncidentStatus,
} from '../../workflows/definitions.js';
import type { ApiAuth, Caller } from '../auth/api-auth.js';
import { HttpError, readJsonBody, sendJson } from '../http-json.js';
import type { Params, Route } from '../router.js';
import { orUnavailable } from '../temporal-errors.js';

const STATUSES: readonly IncidentStatus[] = ['open', 'awaiting-approval', 'contained', 'recovered', 'closed', 'failed', 'cancelled'];
const ID = /^[A-Za-z0-9._-]{1,128}$/;
const BODY_LIMIT = 64 * 1024;

const listQuery = z.strictObject({
  status: z.enum(STATUSES as [IncidentStatus, ...IncidentStatus[]]).optional(),
  severity: z.enum(SEVERITIES).optional(),
  playbook: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'a playbook id').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const approvalBody = z.strictObject({ decision: z.enum(['approve', 'reject']), reason: z.string().max(2000).optional() });
const cancelBody = z.strictObject({ rollback: z.boolean().default(false), reason: z.string().min(1).max(2000) });
const noteBody = z.strictObject({ text: z.string().min(1).max(10_000) });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, `invalid ${what}`, r.error.issues.map((i) => ({ path: i.path.join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(',') : ''), message: i.message })));
  return r.data;
}

function incidentId(params: Params): string {
  const id = params.id ?? '';
  if (!ID.test(id)) throw new HttpError(400, 'invalid incident id', [{ path: 'id', message: 'letters, digits, . _ - (at most 128)' }]);
  return id;
}

const via = (req: IncomingMessage): ApprovalPath => (req.headers['x-warden-client'] === 'cli' ? 'cli' : 'api');

/**
 * Maps the workflow's refusals onto HTTP: who may not (403), what does not exist (404), what is
 * too late (409). A closed incident refuses Updates with "not found"; describe tells it apart.
 */
async function refusal(err: unknown, handle: WorkflowHandle): Promise<never> {
  if (err instanceof WorkflowNotFoundError) {
    const closed = await handle.describe().then(
      () => true,
      () => false,
    );
    if (closed) throw new HttpError(409, 'the incident is closed: nothing is pending any more');
    throw new HttpError(404, 'no such incident');
  }
  if (err instanceof WorkflowUpdateFailedError) {
    const reason = err.cause?.message ?? 'refused';
    const status = /^(not in an allowed group|cannot approve own request|approver identity)/.test(reason) ? 403 : /does not exist/.test(reason) ? 404 : 409;
    throw new HttpError(status, reason);
  }
  throw err;
}

/** The incident endpoints: list, show, approve, cancel, note. Every caller is authenticated. */
export function incidentRoutes(client: Client, auth: ApiAuth): Route[] {
  const handleFor = (params: Params) => client.workflow.getHandle(incidentWorkflowId(incidentId(params)));
  const authed = (req: IncomingMessage, role: 'viewer' | 'responder', doing: string): Caller => {
    const caller = auth.authenticate(req);
    auth.require(caller, role, doing);
    return caller;
  };
  return [
    {
      method: 'GET',
      path: '/v1/incidents',
      async handle(req, res) {
        authed(req, 'viewer', 'list incidents');
        const q = parse(listQuery, Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams), 'query');
        const clauses = [`WorkflowType = 'incidentWorkflow'`];
        if (q.status) clauses.push(`WardenStatus = '${q.status}'`);
        if (q.severity) clauses.push(`WardenSeverity = '${q.severity}'`);
        if (q.playbook) clauses.push(`WardenPlaybook = '${q.playbook}'`);
        const incidents = await orUnavailable('listing incidents', async () => {
          const out = [];
          for await (const wf of client.workflow.list({ query: clauses.join(' AND '), pageSize: q.limit })) {
            const sa = (k: string) => (wf.searchAttributes[k] as string[] | undefined)?.[0];
            out.push({
              incidentId: wf.workflowId.replace(/^incident-/, ''),
              workflowId: wf.workflowId,
              status: sa('WardenStatus'),
              severity: sa('WardenSeverity'),
              playbook: sa('WardenPlaybook'),
              phase: sa('WardenPhase'),
              startTime: wf.startTime.toISOString(),
              closeTime: wf.closeTime?.toISOString(),
            });
            if (out.length >= q.limit) break;
          }
          return out;
        });
        sendJson(res, 200, { incidents });
      },
    },
    {
      method: 'GET',
      path: '/v1/incidents/:id',
      async handle(req, res, params) {
        authed(req, 'viewer', 'read incidents');
        const handle = handleFor(params);
        const state = await orUnavailable('reading the incident', () => handle.query(incidentStateQuery)).catch((err: unknown) => refusal(err, handle));
        sendJson(res, 200, state);
      },
    },
    {
      method: 'POST',
      path: '/v1/incidents/:id/approvals/:stepId',
      async handle(req, res, params) {
        const caller = authed(req, 'responder', 'decide approvals');
        const body = parse(approvalBody, await readJsonBody(req, BODY_LIMIT), 'approval');
        const handle = handleFor(params);
        const record = await orUnavailable('deciding', () =>
          handle.executeUpdate(approvalUpdate, {
            args: [{ stepId: params.stepId ?? '', decision: body.decision, approver: { id: caller.id, groups: caller.groups }, via: via(req), ...(body.reason ? { reason: body.reason } : {}) }],
          }),
        ).catch((err: unknown) => refusal(err, handle));
        sendJson(res, 200, { stepId: params.stepId, approval: record });
      },
    },
    {
      method: 'POST',
      path: '/v1/incidents/:id/cancel',
      async handle(req, res, params) {
        const caller = authed(req, 'responder', 'cancel incidents');
        const body = parse(cancelBody, await readJsonBody(req, BODY_LIMIT), 'cancel request');
        const handle = handleFor(params);
        const status = await orUnavailable('cancelling', () => handle.executeUpdate(cancelUpdate, { args: [{ by: caller.id, ...body }] })).catch((err: unknown) => refusal(err, handle));
        sendJson(res, 202, { status, rollback: body.rollback });
      },
    },
    {
      method: 'POST',
      path: '/v1/incidents/:id/notes',
      async handle(req, res, params) {
        const caller = authed(req, 'responder', 'add notes');
        const body = parse(noteBody, await readJsonBody(req, BODY_LIMIT), 'note');
        const handle = handleFor(params);
        const count = await orUnavailable('adding the note', () => handle.executeUpdate(noteUpdate, { args: [{ by: caller.id, text: body.text }] })).catch((err: unknown) => refusal(err, handle));
        sendJson(res, 201, { notes: count });
      },
    },
  ];
}
