import { LOCAL_ADMIN_ID, type ApprovalRecord, type Approver } from './incident-approval.js';

/** Groups allowed at the record's escalation level: the step's groups plus every group escalated to so far. */
export function allowedGroups(record: Pick<ApprovalRecord, 'groups' | 'escalation' | 'escalationLevel'>): string[] {
  return [...record.groups, ...record.escalation.slice(0, record.escalationLevel)];
}

/** Distinct people whose approvals settle the record: the quorum, two under four-eyes when no person requested it, one per allOf group. */
export function neededPeople(record: Pick<ApprovalRecord, 'quorum' | 'minPeople' | 'allOf'>): number {
  return Math.max(record.quorum, record.minPeople ?? 1, record.allOf?.length ?? 0);
}

/**
 * Why `approver` may not vote on this open request now, or undefined: the deadline, the groups
 * (with escalation and allOf), four-eyes, a second vote, and the local admin where several
 * people must approve (`decision` approve; a reject it may send). The incident workflow's
 * validator and `GET /v1/approvals` both ask this, so the list shows exactly what a vote may do.
 */
export function voteProblem(stepId: string, record: ApprovalRecord, approver: Pick<Approver, 'id' | 'groups'>, decision: 'approve' | 'reject', nowMs: number): string | undefined {
  if (nowMs >= Date.parse(record.deadline)) return `expired: the approval for step "${stepId}" closed at ${record.deadline}`;
  const allowed = [...allowedGroups(record), ...(record.allOf ?? [])];
  if (!approver.groups.some((g) => allowed.includes(g))) return `not in an allowed group: ${approver.id} is in none of ${allowed.join(', ')}`;
  if (record.fourEyes && approver.id === record.requester) return `cannot approve own request: four-eyes is on for step "${stepId}" and ${approver.id} requested it`;
  if (record.votes.some((v) => v.approver === approver.id)) return `already decided by you (${approver.id})`;
  const people = neededPeople(record);
  if (decision === 'approve' && approver.id === LOCAL_ADMIN_ID && people >= 2) {
    return `not a named person: step "${stepId}" needs ${people} distinct people, and the local admin token never counts as one of several; approve with your own identity`;
  }
  return undefined;
}
