import type { IncomingMessage } from 'node:http';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { SEVERITIES } from '../../engine/playbook-types.js';
import { cancelUpdate, incidentStateQuery, incidentWorkflowId, lessonsUpdate, noteUpdate, resolveUpdate, stepActionUpdate, type IncidentStatus } from '../../contracts/incident.js';
import type { DecisionSigner } from '../../contracts/approval-proof.js';
import { sendSignedDecision } from '../../temporal/signed-decision.js';
import { clientOf, type ApiAuth, type Caller } from '../auth/api-auth.js';
import { HttpError, parseBody, readJsonBody, sendJson } from '../http-json.js';
import type { Params, Route } from '../router.js';
import { orUnavailable, steer, type RefusalWords } from '../temporal-errors.js';
import { isPrincipal, refuseSelf, type PersonOfCaller } from './self-action.js';

const STATUSES: readonly IncidentStatus[] = ['open', 'awaiting-approval', 'waiting', 'contained', 'recovered', 'resolved', 'closed', 'planned', 'failed', 'cancelled'];
const ID = /^[A-Za-z0-9._-]{1,128}$/;
const BODY_LIMIT = 64 * 1024;

const listQuery = z.strictObject({
  status: z.enum(STATUSES as [IncidentStatus, ...IncidentStatus[]]).optional(),
  severity: z.enum(SEVERITIES).optional(),
  playbook: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,62}$/, 'a playbook id')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const approvalBody = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  reason: z.string().max(2000).optional(),
  /** The plan the caller was shown: the decision counts only while the step's plan is still this one. */
  plan_digest: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/, 'sha256: and 64 hex characters (the planDigest of the approval)')
    .optional(),
});
const cancelBody = z.strictObject({ rollback: z.boolean().default(false), reason: z.string().min(1).max(2000) });
const noteBody = z.strictObject({ text: z.string().min(1).max(10_000) });
const personText = z.string().trim().min(1, 'must not be empty').max(2000);
const resolveBody = z.strictObject({ summary: personText });
const lessonsBody = z.strictObject({
  cause: z.string().trim().min(1, 'must not be empty').max(5000),
  impact: z.string().trim().min(1, 'must not be empty').max(5000),
  followUps: z.array(personText).max(50),
});
const stepActionBody = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('retry') }),
  z.strictObject({ action: z.literal('done_by_hand'), note: personText }),
  z.strictObject({ action: z.literal('skip'), reason: personText }),
]);

function incidentId(params: Params): string {
  const id = params.id ?? '';
  if (!ID.test(id)) throw new HttpError(400, 'invalid incident id', [{ path: 'id', message: 'letters, digits, . _ - (at most 128)' }]);
  return id;
}

const REFUSALS: RefusalWords = {
  closed: 'the incident is closed: nothing is pending any more',
  missing: 'no such incident',
  invalid: { pattern: /^reason required/, field: 'reason' },
  forbidden: /^(not in an allowed group|cannot approve own request|approver identity|unsigned decision|forged decision|stale decision|not a named person)/,
};

/**
 * The incident endpoints: list, show, approve, cancel, note, act on a step that was not applied, resolve, record lessons.
 * Every caller is authenticated; with `personOf` (the directory), the principal an incident's
 * alerts name may not decide or cancel it.
 */
export function incidentRoutes(client: Client, auth: ApiAuth, signer: DecisionSigner, personOf?: PersonOfCaller): Route[] {
  const handleFor = (params: Params) => client.workflow.getHandle(incidentWorkflowId(incidentId(params)));
  const notThePrincipal = async (caller: Caller, params: Params, doing: string): Promise<void> => {
    if (!personOf) return;
    await refuseSelf(personOf, caller, doing, async ({ person }) => {
      if (!person) return false;
      const state = await steer(handleFor(params), 'reading the incident', REFUSALS, (h) => h.query(incidentStateQuery));
      return state.alerts.recent.some((a) => isPrincipal(person, a.principal));
    });
  };
  const authed = (req: IncomingMessage, role: 'viewer' | 'responder', doing: string): Caller => auth.authorize(req, role, doing);
  return [
    {
      method: 'GET',
      path: '/v1/incidents',
      async handle(req, res) {
        authed(req, 'viewer', 'list incidents');
        const q = parseBody(listQuery, Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams), 'query');
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
        const state = await steer(handleFor(params), 'reading the incident', REFUSALS, (h) => h.query(incidentStateQuery));
        sendJson(res, 200, state);
      },
    },
    {
      method: 'POST',
      path: '/v1/incidents/:id/approvals/:stepId',
      async handle(req, res, params) {
        const caller = authed(req, 'responder', 'decide approvals');
        await notThePrincipal(caller, params, 'decide approvals on this incident');
        const body = parseBody(approvalBody, await readJsonBody(req, BODY_LIMIT), 'approval');
        const decision = {
          stepId: params.stepId ?? '',
          decision: body.decision,
          approver: { id: caller.id, groups: caller.groups },
          via: clientOf(req),
          ...(body.reason ? { reason: body.reason } : {}),
        };
        const record = await steer(handleFor(params), 'deciding', REFUSALS, (h) => sendSignedDecision(h, signer, decision, body.plan_digest));
        sendJson(res, 200, { stepId: params.stepId, approval: record });
      },
    },
    {
      method: 'POST',
      path: '/v1/incidents/:id/cancel',
      async handle(req, res, params) {
        const caller = authed(req, 'responder', 'cancel incidents');
        await notThePrincipal(caller, params, 'cancel this incident');
        const body = parseBody(cancelBody, await readJsonBody(req, BODY_LIMIT), 'cancel request');
        const status = await steer(handleFor(params), 'cancelling', REFUSALS, (h) => h.executeUpdate(cancelUpdate, { args: [{ by: caller.id, ...body }] }));
        sendJson(res, 202, { status, rollback: body.rollback });
      },
    },
    {
      method: 'POST',
      path: '/v1/incidents/:id/steps/:stepId',
      async handle(req, res, params) {
        const caller = authed(req, 'responder', 'act on incident steps');
        await notThePrincipal(caller, params, 'act on the steps of this incident');
        const body = parseBody(stepActionBody, await readJsonBody(req, BODY_LIMIT), 'step action');
        const text = body.action === 'done_by_hand' ? body.note : body.action === 'skip' ? body.reason : undefined;
        const stepId = params.stepId ?? '';
        const status = await steer(handleFor(params), 'acting on the step', REFUSALS, (h) =>
          h.executeUpdate(stepActionUpdate, { args: [{ stepId, action: body.action, by: caller.id, ...(text ? { text } : {}) }] }),
        );
        sendJson(res, 200, { stepId, action: body.action, status });
      },
    },
    {
      method: 'POST',
      path: '/v1/incidents/:id/resolve',
      async handle(req, res, params) {
        const caller = authed(req, 'responder', 'resolve incidents');
        await notThePrincipal(caller, params, 'resolve this incident');
        const body = parseBody(resolveBody, await readJsonBody(req, BODY_LIMIT), 'resolution');
        const status = await steer(handleFor(params), 'resolving', REFUSALS, (h) => h.executeUpdate(resolveUpdate, { args: [{ by: caller.id, summary: body.summary }] }));
        sendJson(res, 200, { status });
      },
    },
    {
      method: 'POST',
      path: '/v1/incidents/:id/lessons',
      async handle(req, res, params) {
        const caller = authed(req, 'responder', 'record lessons');
        await notThePrincipal(caller, params, 'record the lessons of this incident');
        const body = parseBody(lessonsBody, await readJsonBody(req, BODY_LIMIT), 'lessons');
        const status = await steer(handleFor(params), 'recording the lessons', REFUSALS, (h) => h.executeUpdate(lessonsUpdate, { args: [{ by: caller.id, ...body }] }));
        sendJson(res, 200, { status });
      },
    },
    {
      method: 'POST',
      path: '/v1/incidents/:id/notes',
      async handle(req, res, params) {
        const caller = authed(req, 'responder', 'add notes');
        const body = parseBody(noteBody, await readJsonBody(req, BODY_LIMIT), 'note');
        const count = await steer(handleFor(params), 'adding the note', REFUSALS, (h) => h.executeUpdate(noteUpdate, { args: [{ by: caller.id, text: body.text }] }));
        sendJson(res, 201, { notes: count });
      },
    },
  ];
}
