import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { parseButtonValue, type RejectModalMetadata } from '../../button-value.js';
import { deciderFor } from '../../decide.js';
import { tellUser, type SlackDeps } from '../../deps.js';
import { refusalText } from '../../refusals.js';
import { rejectModal } from '../../reject-modal.js';
import { guarded } from '../guard.js';
import { clickedMessage } from './clicked-message.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * The Reject… button: acknowledges, then opens the modal that asks for the reason (the
 * decision is sent when the modal is submitted). Someone who may not decide at all is told so
 * at once instead of after typing a reason.
 */
export function rejectButton(deps: SlackDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    const message = clickedMessage(body);
    const to = { channel: message?.channel ?? body.channel?.id, user: body.user.id };
    await guarded(deps, client, to, 'a reject click', async () => {
      const target = parseButtonValue(action.value);
      if (!target) return tellUser(client, deps, to, refusalText({ kind: 'malformed' }, { incidentId: '?' }));
      await askWhy(deps, client, body, to, { ...target, ...(message ? { message } : {}) });
    });
  };
}

/**
 * Opens the modal that asks for the reason (to reject, or to approve a destructive step); someone
 * who may not decide at all is told so at once instead of after typing a reason.
 */
export async function askWhy(deps: SlackDeps, client: WebClient, body: { user: { id: string }; trigger_id: string }, to: { channel?: string; user: string }, meta: RejectModalMetadata): Promise<void> {
  const decider = await deciderFor(deps, client, body.user.id);
  if (!decider.ok) return tellUser(client, deps, to, refusalText(decider.refusal, meta));
  await client.views.open({ trigger_id: body.trigger_id, view: rejectModal(meta) });
}
