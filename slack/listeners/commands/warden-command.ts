import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { WorkflowNotFoundError } from '@temporalio/client';
import { escapeMrkdwn } from '../../../activities/incident/render/approval-blocks.js';
import { incidentStateQuery, incidentWorkflowId } from '../../../contracts/incident.js';
import { isTemporalUnavailable } from '../../../temporal/errors.js';
import { INCIDENT_ID, STEP_ID } from '../../button-value.js';
import { acknowledgeFromSlack } from '../../acknowledge.js';
import { decideFromSlack, rerenderApproval } from '../../decide.js';
import { slackProfileLookup, type SlackDeps } from '../../deps.js';
import { HELP_TEXT, incidentsText, incidentText, openIncidents } from '../../incident-text.js';
import { refusalText } from '../../refusals.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** The slash command's name, as in slack/manifest.yaml. */
export const WARDEN_COMMAND = '/warden';

const UNAVAILABLE = 'Warden cannot reach Temporal right now. Try again in a minute.';

/**
 * `/warden incidents | show ID | ack ID | approve ID STEP | help`: acknowledges, then answers only the
 * person who typed it (ephemeral, through the command's response_url). Reading needs a Warden
 * identity; approving sends the same Update as the button and the API.
 */
export function wardenCommand(deps: SlackDeps) {
  return async ({ ack, command, respond, client, context }: Args): Promise<void> => {
    await ack();
    const answer = async (text: string): Promise<void> => {
      await respond({ response_type: 'ephemeral', text });
    };
    const [sub = 'help', id, step, ...extra] = command.text.trim().split(/\s+/).filter(Boolean);
    try {
      if (sub === 'help' || !['incidents', 'show', 'approve', 'ack'].includes(sub)) return await answer(sub === 'help' ? HELP_TEXT : `Unknown command \`${escapeMrkdwn(sub)}\`.\n${HELP_TEXT}`);
      const who = await deps.identities.resolve(command.user_id, slackProfileLookup(client));
      if (!who.ok) return await answer(refusalText({ kind: 'identity', reason: who.reason }, { incidentId: id ?? '?' }));
      if (sub === 'incidents') return await answer(incidentsText(await openIncidents(deps.temporal)));
      if (!id || !INCIDENT_ID.test(id)) return await answer(`Give an incident id: \`/warden ${sub} ID${sub === 'approve' ? ' STEP' : ''}\`.`);
      if (sub === 'show') return await show(deps, id, answer);
      if (sub === 'ack') return await answer(await acknowledgeFromSlack(deps, client, command.user_id, id));
      if (!step || !STEP_ID.test(step) || extra.length > 0) return await answer('Give the incident id and the step id: `/warden approve ID STEP`.');
      const retry = context.retryNum ? { retryNum: context.retryNum } : {};
      const result = await decideFromSlack(deps, client, { slackUserId: command.user_id, incidentId: id, stepId: step, decision: 'approve', ...retry });
      if (!result.ok) return await answer(refusalText(result.refusal, { incidentId: id, stepId: step }));
      await rerenderApproval(deps, client, { incidentId: id, stepId: step });
      const approvals = result.record.votes.filter((v) => v.decision === 'approve').length;
      await answer(
        `Recorded: you approved step \`${escapeMrkdwn(step)}\` of incident \`${escapeMrkdwn(id)}\` (${result.record.outcome === 'approved' ? 'the step is approved' : `${approvals} of ${result.record.quorum} approvals`}).`,
      );
    } catch (err) {
      deps.log(`slack: /warden ${sub} failed: ${(err as Error).name}: ${(err as Error).message}`);
      await answer(isTemporalUnavailable(err) ? UNAVAILABLE : 'Something went wrong inside Warden; the server log has the details.').catch(() => undefined);
    }
  };
}

async function show(deps: SlackDeps, id: string, answer: (text: string) => Promise<void>): Promise<void> {
  const handle = deps.temporal.workflow.getHandle(incidentWorkflowId(id));
  try {
    await answer(incidentText(await handle.query(incidentStateQuery)));
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    await answer(`There is no incident \`${escapeMrkdwn(id)}\`.`);
  }
}
