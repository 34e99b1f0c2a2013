import type { ApprovalDecision, ApprovalRecord } from './incident.js';

/** A rejection, and the approval of a destructive step, must say why. */
export function reasonProblem(d: Pick<ApprovalDecision, 'decision' | 'reason'>, record: Pick<ApprovalRecord, 'destructive'> | undefined): string | undefined {
  if (d.reason?.trim()) return undefined;
  if (d.decision === 'reject') return 'reason required: a rejection must say why';
  if (record?.destructive) return 'reason required: approving a destructive step must say why';
  return undefined;
}
