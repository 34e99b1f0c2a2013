/** The step runner: `when`, templates, the approval gate, then the action in an activity or in the workflow; failures are recorded, not thrown. */
import { patched } from '@temporalio/workflow';
import { evaluateExpression, truthy } from '../../engine/expression.js';
import { renderParsed } from '../../engine/parsed-value.js';
import { allSteps, type ResolvedStep } from '../../engine/playbook-types.js';
import type { StepState } from '../../contracts/incident.js';
import { nowIso } from '../../contracts/time.js';
import { runnerOf } from '../../catalog/workflow-actions.js';
import { passApprovalGate, showInSlack } from './approval-gate.js';
import { runInWorkflow } from './in-workflow-actions.js';
import type { IncidentRun } from './run.js';
import { waitForPerson } from './person-actions.js';
import { TERMINAL } from './state.js';
import { EFFECTIVE, notAppliedOf, statusOfOutcome } from './step-outcome.js';
import { describeFailure, runActionActivity } from './step-runner.js';

/** Runs one step; never throws except to continue-as-new. */
export async function runStep(run: IncidentRun, step: ResolvedStep, inParallel: boolean): Promise<void> {
  const { state } = run;
  const st = state.steps[step.id]!;
  if (TERMINAL.has(st.status)) return;
  const rendered = renderOrSkip(run, step, st);
  if (!rendered) return;
  const { params } = rendered;
  if (step.approval && !(await passApprovalGate(run, step, st, params, inParallel))) {
    st.status = state.cancel ? 'cancelled' : run.truthful ? 'denied' : 'rejected';
    st.finishedAt = nowIso();
    if (!state.cancel) run.setStatus('open');
    return;
  }
  if (state.cancel) return;
  if (state.status === 'awaiting-approval') run.setStatus('open');
  await attempt(run, step, params, st);
  if (run.truthful && st.status === 'not_applied') {
    const holds = !goesOnUnsent(step);
    const waiting = waitForPerson(run, step, st, () => attempt(run, step, params, st), holds);
    if (holds) await waiting;
  }
  if (st.approval?.slack) await showInSlack(run, step.id, { key: 'result', text: `Step ${step.id} ${st.status}${st.error ? `: ${st.error.message}` : ''}` });
}

/**
 * After continue-as-new: a notification the carried state says was not sent gets its wait back, so
 * a person's retry is still run, and the owners' message about it (which the continue-as-new may
 * have cut off) is sent under the same key, so at most once. Runs recorded before this rule have no
 * wait there, and refuse the retry.
 */
export function resumeUnsentNotifications(run: IncidentRun): void {
  const unsent = allSteps(run.playbook).filter((s) => s.kind === 'notify' && run.state.steps[s.id]?.status === 'not_applied');
  if (!run.truthful || unsent.length === 0 || !patched('resume-unsent-notifications')) return;
  for (const step of unsent) {
    const st = run.state.steps[step.id]!;
    void waitForPerson(run, step, st, () => attemptAgain(run, step, st), false, true);
  }
}

/** A retry after continue-as-new: the parameters rendered again (its `when` passed before), then the action. */
async function attemptAgain(run: IncidentRun, step: ResolvedStep, st: StepState): Promise<void> {
  const rendered = renderOrSkip(run, { ...step, when: undefined }, st);
  if (rendered) await attempt(run, step, rendered.params, st);
}

/**
 * A notification that could not be sent (no Slack, no recipient) stays `not_applied`, with why, and
 * the incident goes on: waiting for a person there would hold containment back for a message, in
 * the very case where nobody was told. Histories recorded before this rule wait as they did.
 */
function goesOnUnsent(step: ResolvedStep): boolean {
  return step.kind === 'notify' && patched('unsent-notification-goes-on');
}

/**
 * A step that found the world already so changed nothing: a rollback has nothing of Warden's to
 * undo there (undoing it would, say, enable a key that was disabled before the incident).
 * Histories recorded before this rule undo it like any completed step.
 */
function foundSo(st: StepState): boolean {
  return st.status === 'already_so' && patched('undo-only-what-warden-changed');
}

/** A step that changed (or found so) the world at the peer, with the before and after it read there. */
function auditStep(run: IncidentRun, step: ResolvedStep, st: StepState): void {
  const approvers = approvedBy(st).approvedBy;
  run.audit.append('step.applied', `${run.state.incidentId}/${st.id}`, {
    action: step.action,
    status: st.status,
    dryRun: run.state.dryRun,
    ...(st.observed ? { observed: st.observed } : {}),
    ...(approvers ? { approvedBy: approvers } : {}),
  });
}

/** Runs the action once and names its result: applied, already so, planned, not applied (and why), or failed. */
async function attempt(run: IncidentRun, step: ResolvedStep, params: Record<string, unknown>, st: StepState): Promise<void> {
  const { state } = run;
  st.status = 'running';
  st.startedAt = nowIso();
  st.error = undefined;
  st.observed = undefined;
  try {
    await execute(run, step, params, st);
    if (run.truthful) {
      const named = statusOfOutcome(st, state.dryRun);
      st.status = named.status;
      if (named.notApplied) st.notApplied = named.notApplied;
    } else st.status = st.outcome === 'planned' ? 'planned' : 'succeeded';
    if (st.status === 'applied' || st.status === 'already_so' || st.status === 'succeeded') auditStep(run, step, st);
    if (step.undo && EFFECTIVE.has(st.status) && st.status !== 'done_by_hand' && !foundSo(st)) state.completed.push(step.id);
  } catch (err) {
    const error = describeFailure(err);
    const notApplied = run.truthful ? notAppliedOf(error) : undefined;
    if (notApplied) {
      st.status = 'not_applied';
      st.notApplied = notApplied;
    } else {
      st.status = 'failed';
      st.error = error;
      run.timeline(`step ${step.id} failed: ${error.message}`);
      await run.notifyOwners(`failed-${step.id}`, `Step "${step.title}" (${step.id}) of incident ${state.incidentId} failed: ${error.message}\nonFailure: ${step.onFailure}`);
    }
  }
  st.finishedAt = nowIso();
}

/** The step's rendered parameters; none when `when` skips it or a template fails it (recorded on `st`). */
function renderOrSkip(run: IncidentRun, step: ResolvedStep, st: StepState): { params: Record<string, unknown> } | undefined {
  try {
    if (step.when && !truthy(evaluateExpression(step.when, run.templateContext(step.id)))) {
      st.status = 'skipped';
      st.finishedAt = nowIso();
      return undefined;
    }
    return { params: renderParsed(step.with, run.templateContext(step.id)) as Record<string, unknown> };
  } catch (err) {
    // A template that cannot be evaluated against this alert fails the step, not the workflow task.
    st.status = 'failed';
    st.error = { message: `cannot evaluate the step's templates: ${(err as Error).message}`, type: 'TemplateError' };
    st.finishedAt = nowIso();
    run.timeline(`step ${step.id} failed: ${st.error.message}`);
    return undefined;
  }
}

/** Runs the action where the catalog says it runs (catalog/workflow-actions.ts). */
async function execute(run: IncidentRun, step: ResolvedStep, params: Record<string, unknown>, st: StepState): Promise<void> {
  if (runnerOf(step.action) !== 'activity') return runInWorkflow(run, step, params, st);
  const { state } = run;
  const incident = step.kind === 'evidence' ? { ...state, steps: state.steps } : undefined;
  const out = await runActionActivity(
    step.kind,
    {
      action: step.action,
      params,
      incidentId: state.incidentId,
      stepId: run.stepRef(step.id),
      idempotencyKey: run.key(step.id),
      dryRun: state.dryRun,
      ...(incident ? { incident } : {}),
      ...approvedBy(st),
    },
    step,
  );
  st.outcome = out.status;
  st.plan = out.plan;
  st.output = out.output;
  // Data from the activity's result, not a command: histories recorded before it replay the same.
  st.observed = out.observed;
}

/** The people who approved the step, when a person's approval (not a timeout) let it run: protected principals need one. */
function approvedBy(st: StepState): { approvedBy?: string[] } {
  if (st.approval?.outcome !== 'approved') return {};
  const people = st.approval.votes.filter((v) => v.decision === 'approve').map((v) => v.approver);
  return people.length ? { approvedBy: people } : {};
}
