import { condition, patched, workflowInfo } from '@temporalio/workflow';
import { durationMs } from '../../engine/duration.js';
import type { ApprovalSpec } from '../../engine/playbook-types.js';
import { type ApprovalDecision, type ApprovalRecord, type ApprovalVote, type IncidentState, type StepState } from '../../contracts/incident.js';
import { ContinueAsNewNeeded } from '../../contracts/continue-as-new.js';
import { decisionSignatureProblem } from '../../contracts/approval-proof.js';
import { reasonProblem } from '../../contracts/approval-rules.js';
import { allowedGroups, neededPeople, voteProblem } from '../../contracts/approval-eligibility.js';

export { allowedGroups, neededPeople };

/** What a signed decision is checked against: the server's public key and this workflow's id. */
export interface DecisionProof {
  readonly key: string;
  readonly workflowId: string;
}

/** How a request is opened: its plan, and (`strict`, recorded since separation of duties) who must approve. */
export interface OpenOptions {
  readonly planDigest?: string;
  readonly destructive?: boolean;
  readonly strict?: boolean;
  /** At least this many distinct people (a rollback needs as many as the step it undoes did). */
  readonly minPeople?: number;
}

/** Whether each allOf group is covered by a different approver (a small matching, by backtracking). */
export function coversAllOf(allOf: readonly string[], votes: readonly Pick<ApprovalVote, 'approver' | 'groups'>[]): boolean {
  const assign = (i: number, used: ReadonlySet<string>): boolean =>
    i >= allOf.length || votes.some((v) => !used.has(v.approver) && (v.groups ?? []).includes(allOf[i]!) && assign(i + 1, new Set([...used, v.approver])));
  return assign(0, new Set());
}

export function openApproval(spec: ApprovalSpec, requester: string, nowMs: number, opts: OpenOptions = {}): ApprovalRecord {
  const strict = opts.strict
    ? {
        minPeople: Math.max(opts.minPeople ?? 1, spec.fourEyes && requester.startsWith('alert:') ? 2 : 1),
        ...(spec.allOf ? { allOf: [...spec.allOf] } : {}),
        ...(opts.destructive ? { destructive: true } : {}),
      }
    : {};
  return {
    ...(opts.planDigest ? { planDigest: opts.planDigest } : {}),
    ...strict,
    groups: [...spec.groups],
    escalation: [...spec.escalation],
    quorum: spec.quorum,
    fourEyes: spec.fourEyes,
    requester,
    requestedAt: new Date(nowMs).toISOString(),
    deadline: new Date(nowMs + durationMs(spec.timeout)).toISOString(),
    escalationLevel: 0,
    announced: false,
    remindersSent: [],
    votes: [],
  };
}

/**
 * The approval Update's validator: synchronous, it refuses (with a reason the caller shows)
 * anything that must not count. A refused Update leaves no trace in the history. With `proof`
 * (incidents started with the server's public key) only a decision the server signed counts;
 * incidents started before keep the unsigned behaviour.
 */
export function validateDecision(state: IncidentState, specOf: (stepId: string) => ApprovalSpec | undefined, d: ApprovalDecision, nowMs: number, proof?: DecisionProof): void {
  const step: StepState | undefined = state.steps[d.stepId];
  const spec = specOf(d.stepId);
  if (!step || !spec) throw new Error(`step "${d.stepId}" does not exist or needs no approval`);
  if (!d.approver?.id) throw new Error('approver identity is missing');
  if (d.decision !== 'approve' && d.decision !== 'reject') throw new Error('decision must be approve or reject');
  const record = step.approval;
  // The outcome is set by the Update that settles it, before the main loop moves the step on:
  // checking it refuses Updates that race the deciding one.
  if (step.status !== 'awaiting-approval' || !record || record.outcome) {
    throw new Error(`already decided: step "${d.stepId}" is ${record?.outcome ?? step.status}`);
  }
  const forged = proof && decisionSignatureProblem(proof.key, proof.workflowId, d, record.planDigest ?? '', nowMs);
  if (forged) throw new Error(forged);
  const problem = voteProblem(d.stepId, record, d.approver, d.decision, nowMs);
  if (problem) throw new Error(problem);
  const why = reasonProblem(d, record);
  if (why) throw new Error(why);
}

/** Records a valid vote and settles the outcome: one reject rejects; the needed distinct people, covering every allOf group, approve. */
export function applyDecision(record: ApprovalRecord, d: ApprovalDecision, now: string): void {
  if (record.outcome) return;
  record.votes.push({ approver: d.approver.id, groups: [...d.approver.groups], decision: d.decision, via: d.via, at: now, ...(d.reason ? { reason: d.reason } : {}) });
  const approvals = record.votes.filter((v) => v.decision === 'approve');
  if (d.decision === 'reject') record.outcome = 'rejected';
  else if (approvals.length >= neededPeople(record) && coversAllOf(record.allOf ?? [], approvals)) record.outcome = 'approved';
  if (record.outcome) record.decidedAt = now;
}

export interface ApprovalHooks {
  /** Announce the request, a reminder or an escalation (never throws). */
  announce(kind: 'request' | 'reminder' | 'escalation', record: ApprovalRecord): Promise<void>;
  /** A vote was counted without settling the outcome: show the new tally (never throws). */
  progressed(record: ApprovalRecord): Promise<void>;
  /** Stop waiting early: the incident was cancelled. */
  interrupted(): boolean;
  /** Stop waiting to continue-as-new; the record survives in the carried state. */
  shouldContinueAsNew(): boolean;
}

/**
 * Waits for the decision on a step, sending reminders at their offsets before the deadline and
 * applying the step's onTimeout policy at the deadline (reject, approve, or escalate to the next
 * group with a fresh deadline). Resumable: a record carried over by continue-as-new keeps its
 * votes, reminders and deadline.
 */
export async function awaitDecision(spec: ApprovalSpec, record: ApprovalRecord, hooks: ApprovalHooks, canContinueAsNew: boolean): Promise<void> {
  let votesShown = record.votes.length;
  if (!record.announced) {
    record.announced = true;
    await hooks.announce('request', record);
  }
  for (;;) {
    if (record.outcome || hooks.interrupted()) return;
    const now = Date.now();
    const deadline = Date.parse(record.deadline);
    const dueReminder = spec.reminders
      .map((offset) => ({ offset, at: deadline - durationMs(offset) }))
      .filter((r) => !record.remindersSent.includes(`${record.escalationLevel}:${r.offset}`))
      .sort((a, b) => a.at - b.at)[0];
    if (dueReminder && dueReminder.at <= now && now < deadline) {
      record.remindersSent.push(`${record.escalationLevel}:${dueReminder.offset}`);
      await hooks.announce('reminder', record);
      continue;
    }
    if (now >= deadline) {
      const nowIso = new Date(now).toISOString();
      if (spec.onTimeout === 'escalate' && record.escalationLevel < spec.escalation.length) {
        record.escalationLevel += 1;
        record.deadline = new Date(now + durationMs(spec.timeout)).toISOString();
        await hooks.announce('escalation', record);
        continue;
      }
      record.outcome = spec.onTimeout === 'approve' ? 'timeout-approved' : 'timeout-rejected';
      record.decidedAt = nowIso;
      return;
    }
    const wakeAt = Math.min(deadline, dueReminder && dueReminder.at > now ? dueReminder.at : deadline);
    // Histories recorded before votes were shown as they came do not wake on a vote.
    const showVotes = patched('approval-shows-each-vote');
    await condition(
      () => record.outcome !== undefined || hooks.interrupted() || (canContinueAsNew && hooks.shouldContinueAsNew()) || (showVotes && record.votes.length !== votesShown),
      Math.max(1, wakeAt - now),
    );
    if (showVotes && !record.outcome && record.votes.length !== votesShown) {
      votesShown = record.votes.length;
      await hooks.progressed(record);
    }
    if (!record.outcome && !hooks.interrupted() && canContinueAsNew && hooks.shouldContinueAsNew()) {
      throw new ContinueAsNewNeeded(`history at ${workflowInfo().historyLength} events`);
    }
  }
}
