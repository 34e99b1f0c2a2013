import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { parseButtonValue } from '../../button-value.js';
import { decideFromSlack, rerenderApproval } from '../../decide.js';
import { tellUser, type SlackDeps } from '../../deps.js';
import { refusalText } from '../../refusals.js';
import { guarded } from '../guard.js';
import { clickedMessage } from './clicked-message.js';
import { askWhy } from './reject-button.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * The Approve button: acknowledges at once, then sends the approval Update for the person who
 * clicked. Accepted → the message is re-rendered in place from the workflow's state; refused →
 * only the clicker sees why, and nothing else changes. A double click is one vote. A destructive
 * step asks for the reason first, in the reason modal.
 */
export function approveButton(deps: SlackDeps) {
  return async ({ ack, body, action, client, context }: Args): Promise<void> => {
    await ack();
    const message = clickedMessage(body);
    const to = { channel: message?.channel ?? body.channel?.id, user: body.user.id };
    await guarded(deps, client, to, 'an approve click', async () => {
      const target = parseButtonValue(action.value);
      if (!target) return tellUser(client, deps, to, refusalText({ kind: 'malformed' }, { incidentId: '?' }));
      if (target.destructive) return askWhy(deps, client, body, to, { ...target, decision: 'approve', ...(message ? { message } : {}) });
      const retry = context.retryNum ? { retryNum: context.retryNum } : {};
      const result = await decideFromSlack(deps, client, { slackUserId: body.user.id, ...target, decision: 'approve', ...retry });
      if (result.ok) await rerenderApproval(deps, client, target, message);
      else await tellUser(client, deps, to, refusalText(result.refusal, target));
    });
  };
}
