import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { z } from 'zod';
import { findOffboardingTarget } from '../../contracts/offboarding-target.js';
import { buildOffboardingReport, renderOffboardingMarkdown } from '../../activities/offboarding/render/report.js';
import type { DecisionSigner } from '../../contracts/approval-proof.js';
import type { Directory } from '../../contracts/directory.js';
import { PERSON_ID } from '../../config/directory.js';
import {
  offboardingApproveUpdate,
  offboardingCancelUpdate,
  offboardingLegalHoldUpdate,
  offboardingRetryUpdate,
  offboardingStateQuery,
  offboardingWaiveUpdate,
  offboardingWorkflowId,
  type OffboardingNotify,
  type OffboardingState,
} from '../../contracts/offboarding.js';
import { buildOffboardingInput } from '../../contracts/offboarding-input.js';
import type { ApiAuth, Caller } from '../auth/api-auth.js';
import type { IdentityConfig, Role } from '../../config/file-config.js';
import { createPersonResolver } from './review-access.js';
import { joinRunning, type JoinOutcome } from './offboarding-join.js';
import { refuseSelf } from './self-action.js';
import { HttpError, parseBody, readJsonBody } from '../http-json.js';
import { route, type Params, type ResponseName, type Route } from '../router.js';
import type { ApiResponses } from '../api-responses.js';
import { orUnavailable, steer, type RefusalWords } from '../temporal-errors.js';

export interface OffboardingRouteDeps {
  readonly client: Client;
  readonly directory: Directory;
  readonly taskQueue: string;
  /** Bearer identities: a start role starts, viewers and hr read, responders steer. */
  readonly auth: ApiAuth;
  /** Signs approvals; offboardings started here carry its public key and accept only what it signed. */
  readonly signer: DecisionSigner;
  /** warden.yaml offboarding.start_roles: whose token starts (and approves) an offboarding (default hr, admin). */
  readonly startRoles?: readonly Role[];
  /** warden.yaml offboarding.sole_approver_roles: whose live request needs no second person's approval. */
  readonly soleApproverRoles?: readonly Role[];
  /** The identities of warden.yaml: who a caller is in the directory (by id, else email). */
  readonly identities?: readonly IdentityConfig[];
  /** Security's recipients of every report (warden.yaml offboarding.notify); the manager is added. */
  readonly notify?: OffboardingNotify;
  readonly retentionDays?: number;
}

const BODY_LIMIT = 64 * 1024;
const personId = z.string().regex(PERSON_ID, '1-64 letters, digits and . _ - (starting with a letter or digit)');
const reason = z.string().trim().min(1).max(2000);
const startBody = z.strictObject({
  person: personId,
  reason,
  effective_at: z.iso.datetime({ offset: true }).optional(),
  dry_run: z.boolean().default(false),
  /** Refused: the requester is the person whose token sends the request, never a body field. */
  requested_by: z.never({ error: 'not accepted: the requester is the person whose API token sends the request' }).optional(),
});
const READ_ROLES: readonly Role[] = ['viewer', 'responder', 'admin', 'hr'];
const holdBody = z.strictObject({ hold: z.boolean(), reason });
const retryBody = z.strictObject({ item: z.string().min(1).max(512).optional() });
const waiveBody = z.strictObject({ item: z.string().min(1).max(512), reason });
const cancelBody = z.strictObject({ reason });
const approveBody = z.strictObject({ reason: reason.optional() });
/** The body of each `update()` route, by its path. */
const UPDATE_BODIES: Readonly<Record<string, z.ZodType>> = { 'legal-hold': holdBody, retry: retryBody, waive: waiveBody, cancel: cancelBody };

function personOf(params: Params): string {
  const id = params.person ?? '';
  if (!PERSON_ID.test(id)) throw new HttpError(400, 'invalid person id', [{ path: 'person', message: '1-64 letters, digits and . _ - (starting with a letter or digit)' }]);
  return id;
}

const REFUSALS: RefusalWords = { closed: 'the offboarding is finished: nothing is pending any more', missing: 'no offboarding for this person', forbidden: /\bmay not\b/ };

/**
 * The offboarding endpoints. Starting one takes an API bearer token whose role is a start role
 * (hr, admin by default), never an alert credential; the requester is the token's identity. A
 * second start for the same person joins the running offboarding. Reading takes a viewer or hr,
 * steering (legal hold, retry, waive, cancel) a responder.
 */
export function offboardingRoutes(d: OffboardingRouteDeps): Route[] {
  const startRoles = d.startRoles ?? ['hr', 'admin'];
  const personOfCaller = createPersonResolver(d.directory, d.identities ?? []);
  const handleFor = (params: Params) => d.client.workflow.getHandle(offboardingWorkflowId(personOf(params)));
  const authed = (req: IncomingMessage, role: Role | readonly Role[], doing: string): Caller => d.auth.authorize(req, role, doing);
  const readState = (params: Params): Promise<OffboardingState> => {
    return steer(handleFor(params), 'reading the offboarding', REFUSALS, (h) => h.query(offboardingStateQuery));
  };
  const update = <N extends ResponseName>(
    path: string,
    doing: string,
    answer: N,
    run: (handle: WorkflowHandle, body: unknown, by: string) => Promise<ApiResponses[N]>,
    status: 200 | 202 = 200,
  ): Route =>
    route({
      method: 'POST',
      path: `/v1/offboardings/:person/${path}`,
      body: UPDATE_BODIES[path],
      responses: { [status]: answer },
      async handle(req, _res, params, send) {
        const caller = authed(req, 'responder', doing);
        const subject = personOf(params);
        await refuseSelf(personOfCaller, caller, `${doing} on this offboarding`, (w) => w.id === subject || w.person?.id === subject);
        const body = await readJsonBody(req, BODY_LIMIT);
        const result = await steer(handleFor(params), doing, REFUSALS, (h) => run(h, body, caller.id));
        send(status, result);
      },
    });

  return [
    route({
      method: 'POST',
      path: '/v1/offboardings',
      responses: { 202: 'OffboardingStarted' },
      body: startBody,
      async handle(req, res, _params, send) {
        const caller = authed(req, startRoles, 'start offboardings');
        const body = parseBody(startBody, await readJsonBody(req, BODY_LIMIT), 'offboarding request');
        const requestedBy = caller.id;
        const target = await findOffboardingTarget(d.directory, body.person);
        if (!target) throw new HttpError(400, 'unknown person', [{ path: 'person', message: `no person "${body.person}" in the directory (people: in warden.yaml)` }]);
        const input = buildOffboardingInput(target, {
          reason: body.reason,
          requestedBy,
          dryRun: body.dry_run,
          requiresApproval: !body.dry_run && !caller.roles.some((r) => d.soleApproverRoles?.includes(r)),
          decisionKey: d.signer.publicKey,
          ...(body.effective_at ? { effectiveAt: new Date(body.effective_at).toISOString() } : {}),
          ...(d.retentionDays !== undefined ? { retentionDays: d.retentionDays } : {}),
          notify: d.notify ?? {},
        });
        const workflowId = offboardingWorkflowId(body.person);
        const start = (requestId: string) =>
          orUnavailable('starting the offboarding', async () => {
            const handle = await d.client.workflow.start('offboardingWorkflow', {
              taskQueue: d.taskQueue,
              workflowId,
              args: [input],
              workflowIdConflictPolicy: 'USE_EXISTING',
              memo: { offboardingRequest: requestId, dryRun: body.dry_run },
            });
            return { handle, started: (await handle.describe()).memo?.offboardingRequest === requestId };
          });
        const later = { person: body.person, by: caller.id, dryRun: body.dry_run, ...(input.effectiveAt ? { effectiveAt: input.effectiveAt } : {}) };
        let outcome: JoinOutcome | undefined;
        for (let attempt = 0; attempt < 2; attempt++) {
          const { handle, started } = await start(randomUUID());
          outcome = started ? undefined : await joinRunning(handle, later, REFUSALS);
          if (!outcome || !('superseded' in outcome)) break;
        }
        if (outcome && 'superseded' in outcome) throw new HttpError(409, `the offboarding of ${body.person} changed while this request was handled: send it again`);
        const joined = outcome !== undefined;
        const rescheduled = outcome && 'rescheduledTo' in outcome ? { rescheduledTo: outcome.rescheduledTo } : {};
        send(202, { workflowId, person: body.person, joined, dryRun: body.dry_run, approvalRequired: input.requiresApproval === true, ...rescheduled });
      },
    }),
    route({
      method: 'GET',
      path: '/v1/offboardings/:person',
      responses: { 200: 'OffboardingState' },
      async handle(req, res, params, send) {
        authed(req, READ_ROLES, 'read offboardings');
        send(200, await readState(params));
      },
    }),
    route({
      method: 'GET',
      path: '/v1/offboardings/:person/report',
      responses: { 200: 'OffboardingReport' },
      async handle(req, res, params, send) {
        authed(req, READ_ROLES, 'read offboardings');
        const state = await readState(params);
        const report = buildOffboardingReport(state, state.reports.at(-1)?.generatedAt ?? state.times.completedAt ?? state.times.createdAt, 'current');
        if (!/\btext\/markdown\b/.test(req.headers.accept ?? '')) return send(200, report);
        const text = renderOffboardingMarkdown(report);
        res.writeHead(200, { 'content-type': 'text/markdown; charset=utf-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      },
    }),
    route({
      method: 'POST',
      path: '/v1/offboardings/:person/approve',
      responses: { 200: 'OffboardingApprovalAnswer' },
      body: approveBody,
      async handle(req, res, params, send) {
        const caller = authed(req, startRoles, 'approve offboardings');
        const body = parseBody(approveBody, await readJsonBody(req, BODY_LIMIT), 'approval');
        const person = (await personOfCaller(caller))?.id;
        const request = { by: caller.id, ...(person ? { person } : {}), ...(body.reason ? { reason: body.reason } : {}) };
        const approval = await steer(handleFor(params), 'approving the offboarding', REFUSALS, (h) =>
          h.executeUpdate(offboardingApproveUpdate, { args: [d.signer.signOffboardingApproval(h.workflowId, request)] }),
        );
        send(200, { approval });
      },
    }),
    update('legal-hold', 'set legal holds', 'OffboardingLegalHoldAnswer', async (handle, raw, by) => {
      const body = parseBody(holdBody, raw, 'legal hold');
      return { legalHold: await handle.executeUpdate(offboardingLegalHoldUpdate, { args: [{ hold: body.hold, reason: body.reason, by }] }) };
    }),
    update('retry', 'retry offboarding items', 'OffboardingRetryAnswer', async (handle, raw, by) => {
      const body = parseBody(retryBody, raw, 'retry request');
      return { retrying: await handle.executeUpdate(offboardingRetryUpdate, { args: [{ by, ...(body.item ? { item: body.item } : {}) }] }) };
    }),
    update('waive', 'waive offboarding items', 'OffboardingWaiveAnswer', async (handle, raw, by) => {
      const body = parseBody(waiveBody, raw, 'waiver');
      return { item: await handle.executeUpdate(offboardingWaiveUpdate, { args: [{ by, item: body.item, reason: body.reason }] }) };
    }),
    update(
      'cancel',
      'cancel offboardings',
      'OffboardingCancelAnswer',
      async (handle, raw, by) => {
        const body = parseBody(cancelBody, raw, 'cancel request');
        return { phase: await handle.executeUpdate(offboardingCancelUpdate, { args: [{ by, reason: body.reason }] }) };
      },
      202,
    ),
  ];
}
