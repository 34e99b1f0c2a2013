import type { IncomingMessage } from 'node:http';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { SEVERITIES } from '../../engine/playbook-types.js';
import { cancelUpdate, incidentStateQuery, lessonsUpdate, noteUpdate, resolveUpdate, stepActionUpdate, type IncidentStatus } from '../../contracts/incident.js';
import type { DecisionSigner } from '../../contracts/approval-proof.js';
import { sendSignedDecision } from '../../temporal/signed-decision.js';
import { clientOf, type ApiAuth, type Caller } from '../auth/api-auth.js';
import { parseBody, readJsonBody } from '../http-json.js';
import type { LoadedPlaybook } from '../../playbook/load.js';
import { route, type Params, type ResponseName, type Route } from '../router.js';
import { orUnavailable, steer } from '../temporal-errors.js';
import { incidentHandle, incidentIdOf, REFUSALS, type Action } from './incident-action.js';
import { triageActions } from './incident-triage.js';
import { addPostIncidentNote, withPostIncidentNotes } from './post-notes.js';
import { refuseSelf, type PersonOfCaller } from './self-action.js';
import { namesPerson } from '../../contracts/principal.js';
import { DRY_RUN_ID_PREFIX } from '../intake/ingest.js';

const STATUSES: readonly IncidentStatus[] = ['open', 'awaiting-approval', 'waiting', 'contained', 'recovered', 'resolved', 'closed', 'planned', 'failed', 'cancelled', 'false_positive', 'merged'];
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
const noteBody = z.strictObject({
  text: z
    .string()
    .min(1)
    .max(10_000)
    .refine((t) => t.trim() !== '', 'must not be blank'),
});
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

/**
 * The incident endpoints: list, show, approve, cancel, note, act on a step that was not applied, resolve, record lessons,
 * and triage (acknowledge, false positive, merge, start a playbook: incident-triage.ts).
 * Every caller is authenticated; with `personOf` (the directory), the principal an incident's
 * alerts name may not decide or cancel it.
 */
export function incidentRoutes(client: Client, auth: ApiAuth, signer: DecisionSigner, personOf?: PersonOfCaller, playbooks: readonly LoadedPlaybook[] = []): Route[] {
  const handleFor = (params: Params) => incidentHandle(client, incidentIdOf(params.id));
  const notThePrincipal = async (caller: Caller, params: Params, doing: string): Promise<void> => {
    if (!personOf) return;
    await refuseSelf(personOf, caller, doing, async ({ person }) => {
      if (!person) return false;
      const state = await steer(handleFor(params), 'reading the incident', REFUSALS, (h) => h.query(incidentStateQuery));
      return namesPerson(state, person);
    });
  };
  const authed = (req: IncomingMessage, role: 'viewer' | 'responder', doing: string): Caller => auth.authorize(req, role, doing);
  /** A responder's POST about one incident: the caller, never its principal when `aboutSelf` says so, the body checked, then the call to the workflow. */
  const act = <B, N extends ResponseName>(a: Action<B, N>): Route =>
    route({
      method: 'POST',
      path: `/v1/incidents/:id/${a.path}`,
      body: a.body,
      responses: { [a.status ?? 200]: a.answer },
      async handle(req, _res, params, send) {
        const caller = authed(req, 'responder', a.doing);
        if (a.aboutSelf) await notThePrincipal(caller, params, a.aboutSelf);
        const body = parseBody(a.body, await readJsonBody(req, BODY_LIMIT), a.what);
        send(a.status ?? 200, await steer(handleFor(params), a.steering, REFUSALS, (h) => a.run(h, body, caller, req, params)));
      },
    });
  return [
    route({
      method: 'GET',
      path: '/v1/incidents',
      responses: { 200: 'IncidentList' },
      query: listQuery,
      async handle(req, res, _params, send) {
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
            const incidentId = wf.workflowId.replace(/^incident-/, '');
            const memo = wf.memo ?? {};
            out.push({
              incidentId,
              // From the memo set at intake; incidents opened before it carried them show no title.
              ...(typeof memo.title === 'string' ? { title: memo.title } : {}),
              dryRun: typeof memo.dryRun === 'boolean' ? memo.dryRun : incidentId.startsWith(DRY_RUN_ID_PREFIX),
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
        send(200, { incidents });
      },
    }),
    route({
      method: 'GET',
      path: '/v1/incidents/:id',
      responses: { 200: 'IncidentState' },
      async handle(req, res, params, send) {
        authed(req, 'viewer', 'read incidents');
        const state = await steer(handleFor(params), 'reading the incident', REFUSALS, (h) => h.query(incidentStateQuery));
        send(200, await orUnavailable('reading the post-incident notes', () => withPostIncidentNotes(client, state)));
      },
    }),
    act({
      path: 'approvals/:stepId',
      answer: 'ApprovalAnswer',
      doing: 'decide approvals',
      aboutSelf: 'decide approvals on this incident',
      body: approvalBody,
      what: 'approval',
      steering: 'deciding',
      async run(h, body, caller, req, params) {
        const decision = {
          stepId: params.stepId ?? '',
          decision: body.decision,
          approver: { id: caller.id, groups: caller.groups },
          via: clientOf(req),
          ...(body.reason ? { reason: body.reason } : {}),
        };
        return { stepId: decision.stepId, approval: await sendSignedDecision(h, signer, decision, body.plan_digest) };
      },
    }),
    act({
      path: 'cancel',
      answer: 'CancelAnswer',
      doing: 'cancel incidents',
      aboutSelf: 'cancel this incident',
      body: cancelBody,
      what: 'cancel request',
      steering: 'cancelling',
      status: 202,
      run: async (h, body, caller) => ({ status: await h.executeUpdate(cancelUpdate, { args: [{ by: caller.id, ...body }] }), rollback: body.rollback }),
    }),
    act({
      path: 'steps/:stepId',
      answer: 'StepActionAnswer',
      doing: 'act on incident steps',
      aboutSelf: 'act on the steps of this incident',
      body: stepActionBody,
      what: 'step action',
      steering: 'acting on the step',
      async run(h, body, caller, _req, params) {
        const text = body.action === 'done_by_hand' ? body.note : body.action === 'skip' ? body.reason : undefined;
        const stepId = params.stepId ?? '';
        const status = await h.executeUpdate(stepActionUpdate, { args: [{ stepId, action: body.action, by: caller.id, ...(text ? { text } : {}) }] });
        return { stepId, action: body.action, status };
      },
    }),
    act({
      path: 'resolve',
      answer: 'IncidentStatusAnswer',
      doing: 'resolve incidents',
      aboutSelf: 'resolve this incident',
      body: resolveBody,
      what: 'resolution',
      steering: 'resolving',
      run: async (h, body, caller) => ({ status: await h.executeUpdate(resolveUpdate, { args: [{ by: caller.id, summary: body.summary }] }) }),
    }),
    act({
      path: 'lessons',
      answer: 'IncidentStatusAnswer',
      doing: 'record lessons',
      aboutSelf: 'record the lessons of this incident',
      body: lessonsBody,
      what: 'lessons',
      steering: 'recording the lessons',
      run: async (h, body, caller) => ({ status: await h.executeUpdate(lessonsUpdate, { args: [{ by: caller.id, ...body }] }) }),
    }),
    act({
      path: 'notes',
      answer: 'NoteAnswer',
      doing: 'add notes',
      body: noteBody,
      what: 'note',
      steering: 'adding the note',
      status: 201,
      // An incident that is over takes notes too: once its workflow ended, they go to its post-incident notes.
      run: async (h, body, caller, _req, params) => {
        const note = { by: caller.id, text: body.text };
        try {
          return { notes: await h.executeUpdate(noteUpdate, { args: [note] }) };
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          return addPostIncidentNote(client, h, incidentIdOf(params.id), note);
        }
      },
    }),
    ...triageActions(client, playbooks, act),
  ];
}
