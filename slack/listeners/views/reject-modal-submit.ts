import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { parseModalMetadata } from '../../button-value.js';
import { decideFromSlack, rerenderApproval } from '../../decide.js';
import { tellUser, type SlackDeps } from '../../deps.js';
import { refusalText } from '../../refusals.js';
import { reasonFrom } from '../../reject-modal.js';
import { guarded } from '../guard.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * The reason modal's submission (a rejection, or the approval of a destructive step): acknowledges
 * (which closes the modal), then sends the Update with the reason. Accepted → the approval message is re-rendered in place; refused →
 * an ephemeral message in the approval's channel says why.
 */
export function rejectModalSubmit(deps: SlackDeps) {
  return async ({ ack, body, view, client, context }: Args): Promise<void> => {
    await ack();
    const meta = parseModalMetadata(view.private_metadata);
    const to = { channel: meta?.message?.channel, user: body.user.id };
    await guarded(deps, client, to, 'a reject submission', async () => {
      if (!meta) return tellUser(client, deps, to, refusalText({ kind: 'malformed' }, { incidentId: '?' }));
      const reason = reasonFrom(view.state.values);
      const target = { incidentId: meta.incidentId, stepId: meta.stepId };
      const retry = context.retryNum ? { retryNum: context.retryNum } : {};
      const shown = meta.planDigest ? { planDigest: meta.planDigest } : {};
      const decision = meta.decision ?? 'reject';
      const result = await decideFromSlack(deps, client, { slackUserId: body.user.id, ...target, ...shown, decision, ...(reason ? { reason } : {}), ...retry });
      if (result.ok) await rerenderApproval(deps, client, target, meta.message);
      else await tellUser(client, deps, to, refusalText(result.refusal, target));
    });
  };
}
