/** The approval gate before a step: its plan, the request in Slack and email, the wait for the decision, and the outcome shown. */
import { patched } from '@temporalio/workflow';
import type { ResolvedStep } from '../../engine/playbook-types.js';
import type { ApprovalRecord, StepState } from '../../contracts/incident.js';
import { planDigest } from '../../contracts/approval-proof.js';
import { nowIso } from '../../contracts/time.js';
import { runnerOf } from '../../catalog/workflow-actions.js';
import { allowedGroups, awaitDecision, openApproval } from './approval.js';
import type { IncidentRun } from './run.js';
import { describeFailure, runActionActivity, showApproval } from './step-runner.js';

type Announcement = 'request' | 'reminder' | 'escalation';

/** Who asks (default: whoever opened the incident), what ends the wait early (default: a cancel), and at least how many people decide. */
export interface GateRequest {
  readonly requester?: string;
  readonly interrupted?: () => boolean;
  readonly minPeople?: number;
}

/**
 * Holds the step until it is approved (true) or rejected, timed out or cancelled (false). A dry
 * run needs no approval. Throws only to continue-as-new, and only when the step waits alone.
 */
export async function passApprovalGate(run: IncidentRun, step: ResolvedStep, st: StepState, params: unknown, inParallel: boolean, request: GateRequest = {}): Promise<boolean> {
  const { state } = run;
  const spec = step.approval!;
  const requester = request.requester ?? state.openedBy;
  const interrupted = request.interrupted ?? (() => !!state.cancel);
  const digest = planDigest({ action: step.action, params, playbook: state.playbook });
  voidIfPlanChanged(run, step, st, digest);
  // Histories recorded before separation of duties open records with the quorum alone.
  const opening = () => ({
    planDigest: digest,
    destructive: step.destructive,
    strict: patched('approval-separation-of-duties'),
    ...(request.minPeople ? { minPeople: request.minPeople } : {}),
  });
  if (state.dryRun) {
    st.approval ??= { ...openApproval(spec, requester, Date.now(), opening()), outcome: 'not-needed-dry-run', decidedAt: nowIso() };
    return true;
  }
  if (!st.approval && runnerOf(step.action) !== 'activity') {
    st.plan = [`${step.title} (${step.action}) with ${JSON.stringify(params)}`];
    st.approval = openApproval(spec, requester, Date.now(), opening());
  } else if (!st.approval) {
    const preview = await runActionActivity(
      step.kind,
      { action: step.action, params, incidentId: state.incidentId, stepId: run.stepRef(step.id), idempotencyKey: run.key(step.id), dryRun: true },
      step,
    ).catch((err: unknown) => ({ plan: [`(the plan could not be read: ${describeFailure(err).message})`] }));
    st.plan = preview.plan;
    st.approval = openApproval(spec, requester, Date.now(), opening());
  }
  if (st.status !== 'awaiting-approval')
    run.audit.append('approval.requested', `${state.incidentId}/${st.id}`, { requester, groups: st.approval.groups, quorum: st.approval.quorum, planDigest: digest, deadline: st.approval.deadline });
  st.status = 'awaiting-approval';
  run.setStatus('awaiting-approval');
  const record = st.approval;
  await awaitDecision(
    spec,
    record,
    {
      announce: (kind, r) => announceApproval(run, step, kind, r),
      progressed: () => showInSlack(run, step.id),
      interrupted,
      shouldContinueAsNew: () => run.shouldContinueAsNew(),
    },
    !inParallel,
  );
  if (interrupted() && !record.outcome) {
    record.outcome = 'cancelled';
    return false;
  }
  run.timeline(`step ${step.id} ${record.outcome}`);
  run.audit.append('approval.decided', `${state.incidentId}/${st.id}`, { outcome: record.outcome, votes: record.votes.map((v) => ({ approver: v.approver, decision: v.decision, via: v.via })) });
  const last = record.votes.at(-1);
  const by = last && (record.outcome === 'approved' || record.outcome === 'rejected') ? ` by ${last.approver} via ${last.via}${last.reason ? `: ${last.reason}` : ''}` : '';
  await showInSlack(run, step.id, { key: 'decision', text: `${record.outcome ?? 'decided'}${by}` });
  return record.outcome === 'approved' || record.outcome === 'timeout-approved';
}

/**
 * Votes count for one plan only: when the step's plan (its resolved parameters, re-rendered after
 * continue-as-new against newer alerts) differs from the one the approval was requested for, the
 * votes are void and the approval is requested again for the new plan.
 */
function voidIfPlanChanged(run: IncidentRun, step: ResolvedStep, st: StepState, digest: string): void {
  const record = st.approval;
  if (!record || record.outcome || !record.planDigest || record.planDigest === digest) return;
  if (!patched('approval-void-on-plan-change')) return;
  run.timeline(`the plan of step ${step.id} changed (${record.planDigest} → ${digest}): ${record.votes.length} vote(s) void, approval requested again`);
  st.approval = undefined;
}

/** Keeps the approval's Slack message current and adds `note` to its thread; never fatal. */
export async function showInSlack(run: IncidentRun, stepId: string, note?: { key: string; text: string }): Promise<void> {
  const { state, playbook } = run;
  const st = state.steps[stepId]!;
  try {
    const shown = await showApproval({ view: approvalView(run, stepId), stepId, ...(playbook.notify.slackChannel ? { channel: playbook.notify.slackChannel } : {}), ...(note ? { note } : {}) });
    if (shown && st.approval && !st.approval.slack) st.approval.slack = shown;
  } catch (err) {
    run.timeline(`approval message for ${stepId} failed: ${describeFailure(err).message}`);
  }
}

/** The part of the state an approval message shows (not the alerts or the timeline). */
function approvalView({ state }: IncidentRun, stepId: string) {
  return {
    incidentId: state.incidentId,
    severity: state.severity,
    playbook: state.playbook,
    title: state.title,
    steps: { [stepId]: state.steps[stepId]! },
  };
}

async function announceApproval(run: IncidentRun, step: ResolvedStep, kind: Announcement, record: ApprovalRecord): Promise<void> {
  const { state, playbook } = run;
  const groups = allowedGroups(record);
  const plan = state.steps[step.id]?.plan?.map((l) => `  • ${l}`).join('\n') ?? '';
  const headline = kind === 'request' ? 'Approval needed' : kind === 'reminder' ? 'Reminder: approval still needed' : 'Escalated: approval needed';
  const text =
    `${headline} for step "${step.title}" (${step.id}) of incident ${state.incidentId} [${state.severity}] ${state.title}\n` +
    `Playbook ${playbook.id} v${playbook.version}. It will:\n${plan}\n` +
    `Plan ${record.planDigest ?? '(no digest)'}: votes count for this exact plan only.\n` +
    `Approvers: ${groups.join(', ')} · quorum ${record.quorum}${record.fourEyes ? ' · four-eyes' : ''} · deadline ${record.deadline}`;
  run.timeline(`approval ${kind} for ${step.id} (deadline ${record.deadline})`);
  const noteKey = `${kind}-${record.escalationLevel}-${record.remindersSent.length}`;
  await showInSlack(run, step.id, kind === 'request' ? undefined : { key: noteKey, text: `${headline}: approvers ${groups.join(', ')}, deadline ${record.deadline}` });
  // The Slack message carries the request when there is one; email (and plain Slack otherwise) too.
  await run.notifyOwners(`approval-${kind}-${step.id}-${record.escalationLevel}-${record.remindersSent.length}`, text, { slack: !record.slack });
}
