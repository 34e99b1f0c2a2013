import type { ApprovalRecord } from '../../contracts/incident.js';
import { ApiClient } from '../api-client.js';

/** What a decision came to: `approved`, `rejected`, `still needs N more approval(s)`, or another outcome. */
export function describeOutcome(record: ApprovalRecord): string {
  if (record.outcome) return record.outcome;
  const approvals = record.votes.filter((v) => v.decision === 'approve').length;
  const missing = Math.max(0, record.quorum - approvals);
  return `still needs ${missing} more approval(s)`;
}

const print = (json: boolean, value: unknown, text: string): number => {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
  return 0;
};

/** `warden approve ID STEP [--reject] [--reason TEXT]` */
export async function decideCommand(id: string, stepId: string, opts: { reject: boolean; reason?: string; json: boolean }): Promise<number> {
  const decision = opts.reject ? 'reject' : 'approve';
  const result = await ApiClient.fromEnv().decide(id, stepId, decision, opts.reason);
  return print(opts.json, result, `step ${stepId} of incident ${id}: ${describeOutcome(result.approval)}`);
}

/** `warden cancel ID --reason TEXT [--rollback]` */
export async function cancelCommand(id: string, opts: { reason: string; rollback: boolean; json: boolean }): Promise<number> {
  const result = await ApiClient.fromEnv().cancel(id, opts.reason, opts.rollback);
  return print(opts.json, result, `cancelling incident ${id}${opts.rollback ? ' with rollback of every completed step' : ''} (it was ${result.status}); warden incidents show ${id} follows it`);
}

/** `warden note ID TEXT` */
export async function noteCommand(id: string, text: string, opts: { json: boolean }): Promise<number> {
  const result = await ApiClient.fromEnv().addNote(id, text);
  return print(opts.json, result, `added a note to incident ${id} (${result.notes} note(s))`);
}
