import type { Client } from '@temporalio/client';
import { voteProblem } from '../../contracts/approval-eligibility.js';
import type { Person } from '../../contracts/directory.js';
import { incidentStateQuery, type IncidentState } from '../../contracts/incident.js';
import { offboardingStateQuery, type OffboardingState } from '../../contracts/offboarding.js';
import { namesPerson } from '../../contracts/principal.js';
import { reviewCampaignStateQuery, type CampaignState, type ReviewerState } from '../../contracts/reviews.js';
import { readReviewerState } from '../reviewer-state.js';
import type { PendingApproval } from '../api-responses.js';
import type { Role } from '../../config/roles.js';
import type { ApiAuth, Caller } from '../auth/api-auth.js';
import { route, type Route } from '../router.js';
import { orUnavailable } from '../temporal-errors.js';
import type { PersonOfCaller } from './self-action.js';

export interface ApprovalsDeps {
  readonly client: Client;
  readonly auth: ApiAuth;
  /** Who a caller is in the directory: no one is shown a decision about themselves. */
  readonly personOf?: PersonOfCaller;
  /** warden.yaml offboarding.start_roles: who approves an offboarding (default hr, admin). */
  readonly offboardingRoles?: readonly Role[];
  /** At most this many running workflows of each kind are read. */
  readonly limit?: number;
  /** The server's task queue: only its workflows are read (another queue's have no worker here to answer a query). */
  readonly taskQueue?: string;
}

const READERS: readonly Role[] = ['viewer', 'responder', 'admin', 'hr'];
const RANK: Record<Role, number> = { hr: 0, viewer: 1, responder: 2, admin: 3 };
const atLeast = (caller: Caller, role: Role): boolean => Math.max(0, ...caller.roles.map((r) => RANK[r])) >= RANK[role];

/** The states of the running workflows of one type (each read by its query; one that cannot answer is left out). */
async function runningStates<T>(client: Client, type: string, limit: number, read: (id: string) => Promise<T>, taskQueue?: string): Promise<T[]> {
  const out: T[] = [];
  const scope = taskQueue ? ` AND TaskQueue = '${taskQueue}'` : '';
  for await (const wf of client.workflow.list({ query: `WorkflowType = '${type}' AND ExecutionStatus = 'Running'${scope}`, pageSize: limit })) {
    const state = await read(wf.workflowId).catch(() => undefined);
    if (state !== undefined) out.push(state);
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * The incident steps the caller may decide now: the same rules as the incident's approval
 * validator (groups with escalation and allOf, deadline, four-eyes, one vote each, the local
 * admin never one of several), and never on an incident whose alerts name the caller's person.
 */
export function incidentApprovals(state: IncidentState, caller: Caller, person: Person | undefined, nowMs: number): PendingApproval[] {
  if (!atLeast(caller, 'responder') || (person && namesPerson(state, person))) return [];
  const out: PendingApproval[] = [];
  for (const step of Object.values(state.steps)) {
    const record = step.approval;
    if (step.status !== 'awaiting-approval' || !record || record.outcome) continue;
    const may = (['approve', 'reject'] as const).filter((d) => !voteProblem(step.id, record, caller, d, nowMs));
    if (may.length === 0) continue;
    out.push({
      kind: 'incident-step',
      incidentId: state.incidentId,
      title: state.title,
      stepId: step.id,
      action: step.action,
      deadline: record.deadline,
      ...(record.planDigest ? { planDigest: record.planDigest } : {}),
      may,
      command: `warden approve ${state.incidentId} ${step.id} [--reject]`,
    });
  }
  return out;
}

/** A live offboarding waiting for its second person: not its requester, not its subject, with an approving role. */
export function offboardingApprovals(state: OffboardingState, caller: Caller, person: Person | undefined, roles: readonly Role[]): PendingApproval[] {
  if (!state.approval || state.approval.approved || state.cancel || state.phase !== 'scheduled') return [];
  if (!caller.roles.some((r) => roles.includes(r))) return [];
  if (caller.id === state.requestedBy || caller.id === state.personId || person?.id === state.personId) return [];
  return [
    {
      kind: 'offboarding',
      personId: state.personId,
      requestedBy: state.requestedBy,
      reason: state.reason,
      ...(state.times.effectiveAt ? { effectiveAt: state.times.effectiveAt } : {}),
      command: `warden offboard approve ${state.personId}`,
    },
  ];
}

/** A campaign whose revocations wait for a member of its approval group. */
export function campaignApprovals(state: CampaignState, caller: Caller): PendingApproval[] {
  if (state.phase !== 'awaiting-approval' || !state.approval || state.approval.decision) return [];
  if (!atLeast(caller, 'responder') || !caller.groups.includes(state.approval.group)) return [];
  return [{ kind: 'review-approval', campaignId: state.campaignId, group: state.approval.group, command: `warden review approve ${state.campaignId} [--reject]` }];
}

/** The caller's own open review (or one escalated to them): the items not decided yet. */
export function reviewerItems(state: ReviewerState, person: Person | undefined): PendingApproval[] {
  if (!person || (state.reviewer !== person.id && state.escalatedTo !== person.id) || state.phase === 'closed') return [];
  const open = state.items.filter((i) => !state.decisions[i.id]).length;
  if (open === 0) return [];
  return [{ kind: 'review-items', campaignId: state.campaignId, reviewer: state.reviewer, open, deadline: state.deadline, command: `warden review decide ${state.campaignId} ITEM keep|revoke` }];
}

/** `GET /v1/approvals`: everything waiting on the caller across incidents, offboardings and access reviews. */
export function approvalRoutes(d: ApprovalsDeps): Route[] {
  const limit = d.limit ?? 200;
  return [
    route({
      method: 'GET',
      path: '/v1/approvals',
      responses: { 200: 'Approvals' },
      async handle(req, res, _params, send) {
        const caller = d.auth.authorize(req, READERS, 'list approvals');
        const person = await d.personOf?.(caller);
        const nowMs = Date.now();
        const q = d.client.workflow;
        const approvals = await orUnavailable('listing approvals', async () => [
          ...(await runningStates(d.client, 'incidentWorkflow', limit, (id) => q.getHandle(id).query(incidentStateQuery), d.taskQueue)).flatMap((s) => incidentApprovals(s, caller, person, nowMs)),
          ...(await runningStates(d.client, 'offboardingWorkflow', limit, (id) => q.getHandle(id).query(offboardingStateQuery), d.taskQueue)).flatMap((s) =>
            offboardingApprovals(s, caller, person, d.offboardingRoles ?? ['hr', 'admin']),
          ),
          ...(await runningStates(d.client, 'reviewCampaignWorkflow', limit, (id) => q.getHandle(id).query(reviewCampaignStateQuery), d.taskQueue)).flatMap((s) => campaignApprovals(s, caller)),
          ...(person ? await runningStates(d.client, 'reviewerWorkflow', limit, (id) => readReviewerState(q.getHandle(id)), d.taskQueue) : []).flatMap((s) => reviewerItems(s, person)),
        ]);
        send(200, { caller: caller.id, approvals });
      },
    }),
  ];
}
