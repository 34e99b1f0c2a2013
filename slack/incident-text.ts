import type { Client } from '@temporalio/client';
import { escapeMrkdwn } from '../activities/incident/render/approval-blocks.js';
import { SA_PLAYBOOK, SA_SEVERITY, SA_STATUS } from '../contracts/search-attributes.js';
import { type IncidentState } from '../contracts/incident.js';

const LIST_LIMIT = 50;
const e = escapeMrkdwn;
const code = (s: string) => `\`${e(s)}\``;

export interface IncidentLine {
  readonly incidentId: string;
  readonly status?: string;
  readonly severity?: string;
  readonly playbook?: string;
}

/** The open incidents (running incident workflows), newest first, at most `limit`. */
export async function openIncidents(temporal: Client, limit = LIST_LIMIT): Promise<{ lines: IncidentLine[]; more: boolean }> {
  const lines: IncidentLine[] = [];
  for await (const wf of temporal.workflow.list({ query: `WorkflowType = 'incidentWorkflow' AND ExecutionStatus = 'Running'`, pageSize: limit + 1 })) {
    if (lines.length >= limit) return { lines, more: true };
    const sa = wf.typedSearchAttributes;
    lines.push({
      incidentId: wf.workflowId.replace(/^incident-/, ''),
      ...(sa.get(SA_STATUS) ? { status: sa.get(SA_STATUS) } : {}),
      ...(sa.get(SA_SEVERITY) ? { severity: sa.get(SA_SEVERITY) } : {}),
      ...(sa.get(SA_PLAYBOOK) ? { playbook: sa.get(SA_PLAYBOOK) } : {}),
    });
  }
  return { lines, more: false };
}

/** `/warden incidents` as mrkdwn: one line per open incident, every value escaped. */
export function incidentsText(list: { lines: readonly IncidentLine[]; more: boolean }): string {
  if (list.lines.length === 0) return 'No open incidents.';
  const rows = list.lines.map((l) => `• ${code(l.incidentId)} · ${e(l.status ?? '?')} · ${e(l.severity ?? '?')} · ${e(l.playbook ?? '?')}`);
  return [`*Open incidents* (${list.lines.length}${list.more ? '+' : ''})`, ...rows, ...(list.more ? [`…and more; the API lists them all.`] : [])].join('\n');
}

/** `/warden show ID` as mrkdwn: status, phase, every step with its status, the pending approvals. */
export function incidentText(state: IncidentState): string {
  const id = code(state.incidentId);
  const steps = Object.values(state.steps);
  const pending = steps.filter((s) => s.status === 'awaiting-approval' && s.approval && !s.approval.outcome);
  const lines = [
    `*Incident* ${id} · status ${e(state.status)} · phase ${e(state.phase)} · severity ${e(state.severity)}${state.dryRun ? ' · dry run' : ''}`,
    e(state.title),
    `Playbook ${code(`${state.playbook.id} v${state.playbook.version}`)} · opened by ${e(state.openedBy)}`,
    '*Steps*',
    ...steps.map((s) => `• ${code(s.id)} ${e(s.title)} (${e(s.action)}): ${e(s.status)}${s.error ? ` — ${e(s.error.message)}` : ''}`),
  ];
  if (pending.length > 0) {
    lines.push('*Pending approvals*');
    for (const s of pending) {
      const a = s.approval!;
      const approvals = a.votes.filter((v) => v.decision === 'approve').length;
      const groups = [...a.groups, ...a.escalation.slice(0, a.escalationLevel)];
      lines.push(
        `• ${code(s.id)}: ${approvals} of ${a.quorum} approvals${a.votes.length ? ` (${a.votes.map((v) => e(v.approver)).join(', ')})` : ''} · approvers ${e(groups.join(', '))}` +
          `${a.fourEyes ? ' · four-eyes' : ''} · deadline ${e(a.deadline)} · \`/warden approve ${e(state.incidentId)} ${e(s.id)}\``,
      );
    }
  }
  return lines.join('\n').slice(0, 3800);
}

/** What `/warden` can do. */
export const HELP_TEXT = [
  '*Warden* — `/warden <command>`',
  '• `incidents`: the open incidents',
  '• `show ID`: an incident’s status, phase, steps and pending approvals',
  '• `ack ID`: acknowledge an incident as your Warden identity (the first acknowledgement is its MTTA)',
  '• `approve ID STEP`: approve a pending step as your Warden identity (to reject, use the Reject… button on the approval message)',
  '• `help`: this text',
].join('\n');
