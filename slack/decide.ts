import type { KnownBlock, WebClient } from '@slack/web-api';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { renderApprovalMessage } from '../activities/incident/render/approval-blocks.js';
import type { IdentityConfig, Role } from '../config/file-config.js';
import { incidentStateQuery, incidentWorkflowId, type ApprovalRecord } from '../contracts/incident.js';
import { namesPerson } from '../contracts/principal.js';
import { isTemporalUnavailable } from '../temporal/errors.js';
import { sendSignedDecision } from '../temporal/signed-decision.js';
import type { MessageRef } from './button-value.js';
import { slackProfileLookup, type SlackDeps } from './deps.js';
import type { Refusal } from './refusals.js';

export interface SlackDecision {
  /** Who clicked or typed, as Slack says (never a name from the payload's text). */
  readonly slackUserId: string;
  readonly incidentId: string;
  readonly stepId: string;
  readonly decision: 'approve' | 'reject';
  readonly reason?: string;
  /** The plan the message showed (from the button), when it carries one. */
  readonly planDigest?: string;
  /** Slack's x-slack-retry-num: a retry of a decision already counted is answered as its success. */
  readonly retryNum?: number;
}

export type DecisionResult = { readonly ok: true; readonly record: ApprovalRecord } | { readonly ok: false; readonly refusal: Refusal };

const DECIDING_ROLES: readonly Role[] = ['responder', 'admin'];

/** The approval record, when the incident's state already holds this person's vote with this decision. */
async function alreadyCounted(deps: SlackDeps, d: SlackDecision, approverId: string): Promise<ApprovalRecord | undefined> {
  const state = await deps.temporal.workflow.getHandle(incidentWorkflowId(d.incidentId)).query(incidentStateQuery);
  const record = state.steps[d.stepId]?.approval;
  return record?.votes.some((v) => v.approver === approverId && v.decision === d.decision) ? record : undefined;
}

/** The identity that may decide for a Slack user, or why there is none (unknown, or no deciding role). */
export async function deciderFor(deps: SlackDeps, web: WebClient, slackUserId: string): Promise<{ ok: true; identity: IdentityConfig } | { ok: false; refusal: Refusal }> {
  const match = await deps.identities.resolve(slackUserId, slackProfileLookup(web));
  if (!match.ok) return { ok: false, refusal: { kind: 'identity', reason: match.reason } };
  if (!match.identity.roles.some((r) => DECIDING_ROLES.includes(r))) return { ok: false, refusal: { kind: 'role', identityId: match.identity.id } };
  return { ok: true, identity: match.identity };
}

/** Whether the incident's alerts name the person behind this identity (as the API checks it). */
export async function aboutThem(deps: SlackDeps, handle: WorkflowHandle, identityId: string): Promise<boolean> {
  const person = await deps.personOf?.(identityId);
  return !!person && namesPerson(await handle.query(incidentStateQuery), person);
}

/**
 * Sends the approval Update for a person in Slack, as the API and the CLI do (`via: 'slack'`).
 * The workflow's validator decides; a refusal comes back as a Refusal and changes nothing.
 * Safe to call twice: the validator refuses a second vote by the same person.
 */
export async function decideFromSlack(deps: SlackDeps, web: WebClient, d: SlackDecision): Promise<DecisionResult> {
  const decider = await deciderFor(deps, web, d.slackUserId);
  if (!decider.ok) return decider;
  const { identity } = decider;
  const handle = deps.temporal.workflow.getHandle(incidentWorkflowId(d.incidentId));
  try {
    if (await aboutThem(deps, handle, identity.id)) return { ok: false, refusal: { kind: 'self', identityId: identity.id } };
    const decision = { stepId: d.stepId, decision: d.decision, approver: { id: identity.id, groups: identity.groups }, via: 'slack' as const, ...(d.reason ? { reason: d.reason } : {}) };
    const record = await sendSignedDecision(handle, deps.signer, decision, d.planDigest);
    return { ok: true, record };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const reason = err.cause?.message ?? 'refused';
      if (d.retryNum && reason.startsWith('already decided')) {
        const counted = await alreadyCounted(deps, d, identity.id).catch(() => undefined);
        if (counted) return { ok: true, record: counted };
      }
      return { ok: false, refusal: { kind: 'validator', reason } };
    }
    if (err instanceof WorkflowNotFoundError) {
      const exists = await handle.describe().then(
        () => true,
        () => false,
      );
      return { ok: false, refusal: { kind: exists ? 'closed' : 'no-incident' } };
    }
    if (isTemporalUnavailable(err)) return { ok: false, refusal: { kind: 'unavailable' } };
    throw err;
  }
}

/**
 * Re-renders an approval message in place from the workflow's current state, at `where` (the
 * message clicked) or else where the workflow posted it. Never throws: the vote stands even if
 * Slack cannot be updated, and the workflow re-renders the message on the decision anyway.
 */
export async function rerenderApproval(deps: SlackDeps, web: WebClient, target: { incidentId: string; stepId: string }, where?: MessageRef): Promise<void> {
  try {
    const state = await deps.temporal.workflow.getHandle(incidentWorkflowId(target.incidentId)).query(incidentStateQuery);
    const message = where ?? state.steps[target.stepId]?.approval?.slack;
    if (!message) return;
    const { text, blocks } = renderApprovalMessage(state, target.stepId);
    await web.chat.update({ channel: message.channel, ts: message.ts, text, blocks: blocks as KnownBlock[] });
  } catch (err) {
    deps.log(`slack: re-rendering the approval of ${target.incidentId}/${target.stepId} failed: ${(err as Error).message}`);
  }
}
