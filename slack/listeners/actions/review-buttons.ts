import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { REVIEW_KEEP_ACTION, REVIEW_KEEP_UNFLAGGED_ACTION, REVIEW_REVOKE_ACTION } from '../../../activities/reviews/render/review-blocks.js';
import { tellUser } from '../../deps.js';
import { clickedMessage } from './clicked-message.js';
import { decideReviewFromSlack, parseReviewClick, reviewerOf, reviewRefusalText, type ReviewClick, type ReviewSlackDeps } from './review-decide.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

const FAILED =
  'Something went wrong inside Warden while recording this decision. Look at the review message in a minute to see whether it was recorded, or decide with `warden review decide CAMPAIGN ITEM keep|revoke`; the server log has the details.';

/** What a manager (or anyone but the reviewer) is told after a decision: their copy of the list is not re-rendered. */
function receipt(click: ReviewClick, applied: number, remaining: number): string {
  const what = click.keepAllUnflagged ? `kept ${applied} unflagged item${applied === 1 ? '' : 's'}` : `recorded ${click.decisions?.[0]?.decision ?? 'your decision'}`;
  return `Done: ${what}. ${remaining} item${remaining === 1 ? '' : 's'} still to decide.`;
}

/**
 * Keep, Revoke and "Keep all unflagged" on a reviewer's message: acknowledges at once, maps
 * the Slack user to a directory person and sends the `review.decide` Update as them. Accepted →
 * the reviewer workflow re-renders its message (anyone but the reviewer, e.g. the manager
 * deciding from their own copy, also gets an ephemeral receipt); refused → only the clicker
 * sees why, and nothing changes. A Slack retry of one click is one Update.
 */
export function reviewButton(deps: ReviewSlackDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    const message = clickedMessage(body);
    const to = { channel: message?.channel ?? body.channel?.id, user: body.user.id };
    try {
      const click = parseReviewClick(action.action_id, action.value);
      if (!click) return await tellUser(client, deps, to, reviewRefusalText({ kind: 'malformed' }));
      const updateId = action.action_ts ? `slack-${body.user.id}-${action.action_id}-${action.action_ts}` : undefined;
      const decided = await decideReviewFromSlack(deps, body.user.id, click, updateId);
      if (!decided.ok) return await tellUser(client, deps, to, reviewRefusalText(decided.refusal));
      if (decided.person.id !== reviewerOf(click.workflowId) || decided.result.applied === 0) {
        await tellUser(client, deps, to, receipt(click, decided.result.applied, decided.result.remaining));
      }
    } catch (err) {
      deps.log(`slack: a review click failed: ${(err as Error).name}: ${(err as Error).message}`);
      await tellUser(client, deps, to, FAILED);
    }
  };
}

/** The review message's buttons. */
export function registerReviewActions(app: App, deps: ReviewSlackDeps): void {
  const listener = reviewButton(deps);
  app.action(REVIEW_KEEP_ACTION, listener);
  app.action(REVIEW_REVOKE_ACTION, listener);
  app.action(REVIEW_KEEP_UNFLAGGED_ACTION, listener);
}
