import type { ApprovalRecord, IncidentState } from '../../../contracts/incident.js';

/** The action ids of the buttons, and the callback id of the reject modal: the Slack app listens for these. */
export const APPROVE_ACTION = 'warden_approve';
export const REJECT_ACTION = 'warden_reject';
export const REJECT_MODAL = 'warden_reject_reason';

/** The part of an incident's state an approval message shows. */
export type ApprovalView = Pick<IncidentState, 'incidentId' | 'severity' | 'playbook' | 'title' | 'steps'>;

/** What a button carries: which incident and step it decides. Never who clicks: Slack says that. */
export interface ApprovalButtonValue {
  readonly incidentId: string;
  readonly stepId: string;
  /** The plan the message shows: a click counts for this plan only. */
  readonly planDigest?: string;
  /** The step is destructive: Approve asks for a reason first. */
  readonly destructive?: true;
}

/**
 * Text from alerts and playbooks made inert for mrkdwn: `&`, `<` and `>` are escaped as Slack
 * asks, so `<!channel>`, `<@U…>` and `<http://…|…>` show as text and never notify or link.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const plain = (text: string) => ({ type: 'plain_text' as const, text: text.slice(0, 3000) || ' ', emoji: false });
const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text: text.slice(0, 3000) || ' ' });

function allowed(record: ApprovalRecord): string[] {
  return [...record.groups, ...record.escalation.slice(0, record.escalationLevel)];
}

function outcomeLine(record: ApprovalRecord): string | undefined {
  if (!record.outcome) return undefined;
  const votes = record.votes.map(
    (v) => `${v.decision === 'approve' ? 'approved' : 'rejected'} by ${escapeMrkdwn(v.approver)} via ${v.via} at ${v.at}${v.reason ? ` — “${escapeMrkdwn(v.reason)}”` : ''}`,
  );
  const how: Record<NonNullable<ApprovalRecord['outcome']>, string> = {
    approved: ':white_check_mark: *Approved*',
    rejected: ':no_entry: *Rejected*',
    'timeout-rejected': ':hourglass: *Expired: rejected* (no decision before the deadline)',
    'timeout-approved': ':hourglass: *Expired: approved* by the playbook’s policy',
    'not-needed-dry-run': '*Dry run*: no approval needed',
    cancelled: ':x: *Cancelled* with the incident',
  };
  return [how[record.outcome], ...votes].join('\n');
}

/**
 * The approval message for one step, rendered from the incident's state alone, so the workflow
 * (on request, escalation and decision) and the Slack app (after a click) show the same thing.
 * Alert-derived text goes in plain_text or escaped mrkdwn.
 */
export function renderApprovalMessage(state: ApprovalView, stepId: string): { text: string; blocks: unknown[] } {
  const step = state.steps[stepId];
  const record = step?.approval;
  if (!step || !record) throw new Error(`step ${stepId} of incident ${state.incidentId} has no approval`);
  const title = `Approval needed: ${step.title} — incident ${state.incidentId}`;
  const approvals = record.votes.filter((v) => v.decision === 'approve').length;
  const blocks: unknown[] = [
    { type: 'header', text: plain(record.outcome ? `${step.title}: ${record.outcome}` : `Approval needed: ${step.title}`) },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Incident*\n${escapeMrkdwn(state.incidentId)}`),
        mrkdwn(`*Severity*\n${escapeMrkdwn(state.severity)}`),
        mrkdwn(`*Playbook*\n${escapeMrkdwn(`${state.playbook.id} v${state.playbook.version}`)}`),
        mrkdwn(`*Step*\n${escapeMrkdwn(`${step.id} (${step.action})`)}`),
      ],
    },
    { type: 'section', text: plain(state.title) },
    { type: 'section', text: mrkdwn(`*It will:*\n${(step.plan ?? ['(no plan)']).map((l) => `• ${escapeMrkdwn(l)}`).join('\n')}`) },
    ...(record.planDigest ? [{ type: 'context', elements: [mrkdwn(`Plan ${record.planDigest}: votes count for this exact plan only`)] }] : []),
    {
      type: 'context',
      elements: [
        mrkdwn(
          `Approvers: ${escapeMrkdwn(allowed(record).join(', '))} · quorum ${record.quorum} (${approvals} so far)` +
            `${record.fourEyes ? ' · four-eyes' : ''} · deadline ${record.deadline}${record.escalationLevel ? ` · escalated ×${record.escalationLevel}` : ''}`,
        ),
      ],
    },
  ];
  const outcome = outcomeLine(record);
  if (outcome) blocks.push({ type: 'section', text: mrkdwn(outcome) });
  else {
    const value = JSON.stringify({
      incidentId: state.incidentId,
      stepId,
      ...(record.planDigest ? { planDigest: record.planDigest } : {}),
      ...(record.destructive ? { destructive: true as const } : {}),
    } satisfies ApprovalButtonValue);
    blocks.push({
      type: 'actions',
      block_id: `warden_approval:${state.incidentId}:${stepId}`,
      elements: [
        { type: 'button', action_id: APPROVE_ACTION, style: 'primary', text: plain('Approve'), value },
        { type: 'button', action_id: REJECT_ACTION, style: 'danger', text: plain('Reject…'), value },
      ],
    });
  }
  return { text: record.outcome ? `${step.title}: ${record.outcome} — incident ${state.incidentId}` : title, blocks };
}
