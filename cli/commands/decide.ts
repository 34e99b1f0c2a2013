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

/**
 * The plan a decision is for: `--plan DIGEST` as the person read it (in `warden incidents show`),
 * else the step's plan read now and shown on stderr before deciding. Either way the decision
 * counts only while the step's plan is still that one.
 */
async function shownPlan(api: ApiClient, id: string, stepId: string, given: string | undefined): Promise<string | undefined> {
  if (given) return given;
  const step = (await api.getIncident(id)).steps[stepId];
  const digest = step?.approval?.planDigest;
  if (!step || !digest || step.status !== 'awaiting-approval') return undefined;
  process.stderr.write(`step ${stepId} of incident ${id} (${step.action}) will:\n${(step.plan ?? []).map((l) => `  • ${l}\n`).join('')}plan ${digest}\n`);
  return digest;
}

/** `warden approve ID STEP [--reject] [--reason TEXT] [--plan DIGEST]` */
export async function decideCommand(id: string, stepId: string, opts: { reject: boolean; reason?: string; plan?: string; json: boolean }): Promise<number> {
  const decision = opts.reject ? 'reject' : 'approve';
  const api = ApiClient.fromEnv();
  const result = await api.decide(id, stepId, decision, opts.reason, await shownPlan(api, id, stepId, opts.plan));
  return print(opts.json, result, `step ${stepId} of incident ${id}: ${describeOutcome(result.approval)}`);
}

/** `warden cancel ID --reason TEXT [--rollback]` */
export async function cancelCommand(id: string, opts: { reason: string; rollback: boolean; json: boolean }): Promise<number> {
  const result = await ApiClient.fromEnv().cancel(id, opts.reason, opts.rollback);
  const rollback = opts.rollback ? ' with rollback: each undo waits for its approval (undo_<step>), which someone other than you decides' : '';
  return print(opts.json, result, `cancelling incident ${id}${rollback} (it was ${result.status}); warden incidents show ${id} follows it`);
}

/** `warden note ID TEXT` */
export async function noteCommand(id: string, text: string, opts: { json: boolean }): Promise<number> {
  const result = await ApiClient.fromEnv().addNote(id, text);
  return print(opts.json, result, `added a ${result.afterClose ? 'post-incident note (after closing) ' : 'note '}to incident ${id} (${result.notes} note(s))`);
}
