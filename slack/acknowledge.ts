import type { WebClient } from '@slack/web-api';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { escapeMrkdwn } from '../activities/incident/render/approval-blocks.js';
import { incidentWorkflowId } from '../contracts/incident.js';
import { acknowledgeUpdate } from '../contracts/incident-triage.js';
import { aboutThem, deciderFor } from './decide.js';
import type { SlackDeps } from './deps.js';
import { refusalText } from './refusals.js';

const code = (s: string) => `\`${escapeMrkdwn(s)}\``;

/**
 * `/warden ack ID`: the same `incident.acknowledge` Update as the API and the CLI, as the Warden
 * identity behind the Slack user (a responder), never by the person the incident names. Returns
 * the answer for the person who typed it.
 */
export async function acknowledgeFromSlack(deps: SlackDeps, web: WebClient, slackUserId: string, incidentId: string): Promise<string> {
  const decider = await deciderFor(deps, web, slackUserId);
  if (!decider.ok) {
    const { refusal } = decider;
    return refusal.kind === 'role'
      ? `Your identity ${code(refusal.identityId)} may not acknowledge incidents (it needs the responder role); nothing was recorded.`
      : refusalText(refusal, { incidentId });
  }
  const { identity } = decider;
  const handle = deps.temporal.workflow.getHandle(incidentWorkflowId(incidentId));
  try {
    if (await aboutThem(deps, handle, identity.id)) return refusalText({ kind: 'self', identityId: identity.id }, { incidentId });
    const first = await handle.executeUpdate(acknowledgeUpdate, { args: [{ by: identity.id }] });
    return first.by === identity.id
      ? `Acknowledged incident ${code(incidentId)} at ${first.at}.`
      : `Incident ${code(incidentId)} was already acknowledged by ${code(first.by)} at ${first.at}; your acknowledgement is on its timeline.`;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return `There is no open incident ${code(incidentId)}.`;
    if (err instanceof WorkflowUpdateFailedError) return `Warden did not record it: ${escapeMrkdwn(err.cause?.message ?? 'refused')}`;
    throw err;
  }
}
