import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import type { Directory, Person } from '../../../contracts/directory.js';
import { REVIEW_KEEP_ACTION, REVIEW_KEEP_UNFLAGGED_ACTION, REVIEW_REVOKE_ACTION } from '../../../activities/reviews/render/review-blocks.js';
import { escapeMrkdwn } from '../../../activities/incident/render/approval-blocks.js';
import { REVIEW_WORKFLOW_PREFIX, reviewDecideUpdate, type ReviewDecideRequest, type ReviewDecideResult } from '../../../contracts/reviews.js';
import { isTemporalUnavailable } from '../../../temporal/errors.js';
import type { SlackDeps } from '../../deps.js';

/** The Slack app's deps for access reviews: the directory maps a Slack user to the person who decides. */
export interface ReviewSlackDeps extends SlackDeps {
  readonly directory?: Directory;
}

/** A click on a review button, read from its action id and value. */
export interface ReviewClick {
  readonly workflowId: string;
  readonly decisions?: readonly { readonly item: string; readonly decision: 'keep' | 'revoke' }[];
  readonly keepAllUnflagged?: boolean;
}

/** Why a review decision from Slack was not recorded. */
export type ReviewRefusal =
  | { readonly kind: 'malformed' }
  | { readonly kind: 'not-review'; readonly workflowId: string }
  | { readonly kind: 'no-directory' }
  | { readonly kind: 'unknown-person'; readonly slackUserId: string; readonly ambiguous: boolean }
  | { readonly kind: 'validator'; readonly reason: string }
  | { readonly kind: 'closed' }
  | { readonly kind: 'no-review' }
  | { readonly kind: 'unavailable' };

export type ReviewDecisionResult = { readonly ok: true; readonly person: Person; readonly result: ReviewDecideResult } | { readonly ok: false; readonly refusal: ReviewRefusal };

const REVIEWER_MARK = '--reviewer-';
const workflowId = z.string().min(1).max(512);
const itemValue = z.strictObject({ w: workflowId, i: z.string().min(1).max(1800), d: z.enum(['keep', 'revoke']) });
const keepAllValue = z.strictObject({ w: workflowId });

function parseJson(raw: string | undefined): unknown {
  if (!raw || raw.length > 2000) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

/** The click a review button stands for, or undefined when the value is not one of ours. */
export function parseReviewClick(actionId: string, raw: string | undefined): ReviewClick | undefined {
  const json = parseJson(raw);
  if (actionId === REVIEW_KEEP_UNFLAGGED_ACTION) {
    const v = keepAllValue.safeParse(json);
    return v.success ? { workflowId: v.data.w, keepAllUnflagged: true } : undefined;
  }
  if (actionId !== REVIEW_KEEP_ACTION && actionId !== REVIEW_REVOKE_ACTION) return undefined;
  const v = itemValue.safeParse(json);
  // The action id says what was clicked; a value whose decision disagrees is not ours.
  if (!v.success || v.data.d !== (actionId === REVIEW_KEEP_ACTION ? 'keep' : 'revoke')) return undefined;
  return { workflowId: v.data.w, decisions: [{ item: v.data.i, decision: v.data.d }] };
}

/** The reviewer's person id, from a reviewer workflow id (`review-<campaign>--reviewer-<person>`). */
export function reviewerOf(workflowId: string): string | undefined {
  if (!workflowId.startsWith(REVIEW_WORKFLOW_PREFIX)) return undefined;
  const at = workflowId.lastIndexOf(REVIEWER_MARK);
  return at > REVIEW_WORKFLOW_PREFIX.length ? workflowId.slice(at + REVIEWER_MARK.length) || undefined : undefined;
}

/** The directory person behind a Slack user: exactly one person must carry the user id (never matched by name). */
export async function personForSlackUser(directory: Directory | undefined, slackUserId: string): Promise<{ ok: true; person: Person } | { ok: false; refusal: ReviewRefusal }> {
  if (!directory) return { ok: false, refusal: { kind: 'no-directory' } };
  const matches = (await directory.listPeople()).filter((p) => p.slackUserId === slackUserId);
  if (matches.length === 1) return { ok: true, person: matches[0]! };
  return { ok: false, refusal: { kind: 'unknown-person', slackUserId, ambiguous: matches.length > 1 } };
}

/**
 * Sends the `review.decide` Update for the person behind a Slack user (`via: 'slack'`), as the
 * API and the CLI do. The reviewer workflow's validator decides who may decide what; its
 * refusal comes back as a ReviewRefusal and changes nothing. `updateId` (from the click) makes a
 * Slack retry of the same click one Update.
 */
export async function decideReviewFromSlack(deps: ReviewSlackDeps, slackUserId: string, click: ReviewClick, updateId?: string): Promise<ReviewDecisionResult> {
  if (!reviewerOf(click.workflowId)) return { ok: false, refusal: { kind: 'not-review', workflowId: click.workflowId } };
  const who = await personForSlackUser(deps.directory, slackUserId);
  if (!who.ok) return who;
  const request: ReviewDecideRequest = {
    by: who.person.id,
    via: 'slack',
    ...(click.decisions ? { decisions: click.decisions } : {}),
    ...(click.keepAllUnflagged ? { keepAllUnflagged: true } : {}),
  };
  const handle = deps.temporal.workflow.getHandle(click.workflowId);
  try {
    const result = await handle.executeUpdate(reviewDecideUpdate, { args: [request], ...(updateId ? { updateId } : {}) });
    return { ok: true, person: who.person, result };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return { ok: false, refusal: { kind: 'validator', reason: err.cause?.message ?? 'refused' } };
    if (err instanceof WorkflowNotFoundError) {
      const exists = await handle.describe().then(
        () => true,
        () => false,
      );
      return { ok: false, refusal: { kind: exists ? 'closed' : 'no-review' } };
    }
    if (isTemporalUnavailable(err)) return { ok: false, refusal: { kind: 'unavailable' } };
    throw err;
  }
}

const code = (s: string) => `\`${escapeMrkdwn(s)}\``;

/** What the person whose click was refused is told: a plain sentence, then Warden's own reason quoted. All outside text escaped. */
export function reviewRefusalText(refusal: ReviewRefusal): string {
  switch (refusal.kind) {
    case 'malformed':
      return 'This button does not say which review item it decides, so nothing was recorded. Decide from a terminal with `warden review decide CAMPAIGN ITEM keep|revoke`.';
    case 'not-review':
      return `This button does not belong to an access review (workflow ${code(refusal.workflowId)}), so nothing was recorded.`;
    case 'no-directory':
      return 'Warden has no directory of people, so it cannot tell who you are; nothing was recorded. Ask a Warden admin to list people (with slack_user_id) in warden.yaml.';
    case 'unknown-person':
      return refusal.ambiguous
        ? `Several people in Warden's directory carry your Slack user id ${code(refusal.slackUserId)}, so Warden cannot tell which one you are; nothing was recorded. Ask a Warden admin to fix people: in warden.yaml.`
        : `Warden does not know who you are in Slack: no person in its directory has the Slack user id ${code(refusal.slackUserId)}, so nothing was recorded. Ask a Warden admin to set slack_user_id on your entry under people: in warden.yaml.`;
    case 'validator':
      return `Warden refused this decision, so nothing was recorded:\n> ${escapeMrkdwn(refusal.reason)}`;
    case 'closed':
      return 'This access review is closed: its decisions are final, so nothing was recorded.';
    case 'no-review':
      return 'This access review does not exist (any more), so nothing was recorded.';
    case 'unavailable':
      return 'Warden cannot reach Temporal right now, so nothing was recorded. Try again in a minute.';
  }
}
