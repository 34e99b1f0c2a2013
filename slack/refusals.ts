import { escapeMrkdwn } from '../activities/incident/render/approval-blocks.js';

/** Why Warden did not record a decision, as the caller learned it. */
export type Refusal =
  | { readonly kind: 'validator'; readonly reason: string }
  | { readonly kind: 'identity'; readonly reason: string }
  | { readonly kind: 'role'; readonly identityId: string }
  | { readonly kind: 'self'; readonly identityId: string }
  | { readonly kind: 'closed' }
  | { readonly kind: 'no-incident' }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'malformed' };

const code = (s: string) => `\`${escapeMrkdwn(s)}\``;

function validatorSentence(reason: string, incident: string, step: string): string {
  if (reason.startsWith('not in an allowed group')) return `You are not in a group that may decide step ${step} of incident ${incident}, so nothing was recorded.`;
  if (reason.startsWith('cannot approve own request')) return `You opened incident ${incident} and four-eyes is on: someone else has to decide step ${step}. Nothing was recorded.`;
  if (reason.startsWith('already decided by you')) return `You have already decided on step ${step} of incident ${incident}; your first decision stands and counts once.`;
  if (reason.startsWith('already decided')) return `Step ${step} of incident ${incident} is already decided; nothing was recorded.`;
  if (reason.startsWith('expired')) return `The approval for step ${step} of incident ${incident} has expired; nothing was recorded.`;
  if (/does not exist/.test(reason)) return `Incident ${incident} has no step ${step} that waits for a decision.`;
  return `Warden refused the decision on step ${step} of incident ${incident}.`;
}

/**
 * The answer shown to the person whose decision was refused: a plain sentence, then Warden's own
 * reason quoted. Everything that came from outside is escaped for mrkdwn.
 */
export function refusalText(refusal: Refusal, target: { incidentId: string; stepId?: string }): string {
  const incident = code(target.incidentId);
  const step = code(target.stepId ?? '?');
  const quote = (reason: string) => `\n> ${escapeMrkdwn(reason)}`;
  switch (refusal.kind) {
    case 'validator':
      return validatorSentence(refusal.reason, incident, step) + quote(refusal.reason);
    case 'identity':
      return `Warden does not know who you are in Slack, so it did nothing. Ask a Warden admin to set your Slack user id as slack_user_id on your identity in warden.yaml.${quote(refusal.reason)}`;
    case 'role':
      return `Your identity ${code(refusal.identityId)} may not decide approvals (it needs the responder role); nothing was recorded.`;
    case 'self':
      return `Incident ${incident} is about you (its alerts name ${code(refusal.identityId)}): no one decides on an incident about themselves, so nothing was recorded.`;
    case 'closed':
      return `Incident ${incident} is closed, so nothing is pending any more; nothing was recorded.${quote(`expired / already decided: incident ${target.incidentId} is closed`)}`;
    case 'no-incident':
      return `There is no incident ${incident}.`;
    case 'unavailable':
      return 'Warden cannot reach Temporal right now, so nothing was recorded. Try again in a minute.';
    case 'malformed':
      return 'This button does not say which incident and step it decides, so nothing was recorded. Use `/warden show ID` to find the approval.';
  }
}
