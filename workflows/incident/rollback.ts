/** A person's cancel with rollback: the approval of each undo (rollback-spec.ts says whose), then the undo's result on its entry. */
import { renderParsed } from '../../engine/parsed-value.js';
import type { ResolvedStep } from '../../engine/playbook-types.js';
import { rollbackStepId, type ObservedState, type StepState } from '../../contracts/incident.js';
import { nowIso } from '../../contracts/time.js';
import { passApprovalGate } from './approval-gate.js';
import { rollbackSpec } from './rollback-spec.js';
import type { IncidentRun } from './run.js';
import { statusOfOutcome } from './step-outcome.js';

/**
 * Asks, all at once, for the approval of each undo `order` would run, requested by the person who
 * cancelled; returns the step ids whose undo was approved. A refused or timed-out one is recorded
 * as denied on the step (it stays as applied) and on its `undo_<step>` entry.
 */
export async function approveRollbacks(run: IncidentRun, order: readonly string[], requestedBy: string): Promise<Set<string>> {
  const { state } = run;
  const asks = order.flatMap((id) => {
    const st = state.steps[id];
    // A further target's instance (`<step>@<n>`) is rolled back like its playbook step.
    const step = run.playbookStep(id);
    return step?.undo && st && !st.undo ? [{ step, st }] : [];
  });
  const decided = await Promise.all(asks.map(({ step, st }) => approveOne(run, step, st, requestedBy)));
  return new Set(asks.flatMap(({ st }, i) => (decided[i] ? [st.id] : [])));
}

/** The undo's parameters: its templates over the context plus `self`, the step's own parameters and output. */
export function undoParams(run: IncidentRun, step: ResolvedStep, st: StepState): Record<string, unknown> {
  const self = { params: renderParsed(step.with, run.templateContext(st.id)), output: st.output };
  return renderParsed(step.undo!.with, { ...run.templateContext(st.id), self }) as Record<string, unknown>;
}

async function approveOne(run: IncidentRun, step: ResolvedStep, st: StepState, requestedBy: string): Promise<boolean> {
  const { state } = run;
  const undo = step.undo!;
  const id = rollbackStepId(st.id);
  const title = `Roll back: ${step.title}`;
  const gate: ResolvedStep = { id, action: undo.action, kind: undo.kind, destructive: true, title, with: undo.with, approval: rollbackSpec(step, run.playbook), onFailure: 'continue' };
  const entry = (state.steps[id] ??= { id, phase: st.phase, action: undo.action, title, status: 'pending' });
  const approved = await passApprovalGate(run, gate, entry, undoParams(run, step, st), true, {
    requester: requestedBy,
    interrupted: () => false,
    ...(st.approval?.minPeople ? { minPeople: st.approval.minPeople } : {}),
  });
  if (approved) return true;
  entry.status = 'denied';
  entry.finishedAt = nowIso();
  st.undo = { action: undo.action, status: 'denied', at: nowIso() };
  run.timeline(`rollback of ${st.id} ${entry.approval?.outcome ?? 'denied'}: its undo (${undo.action}) did not run, and the step stays as it was applied`);
  return false;
}

/** Names the rollback entry's end from what the undo reported: applied, already so, planned, not applied, failed. */
export function showRollbackResult(run: IncidentRun, stepId: string, out: { status: string; output?: unknown; observed?: ObservedState }): void {
  const entry = run.state.steps[rollbackStepId(stepId)];
  if (!entry) return;
  entry.finishedAt = nowIso();
  if (out.status === 'failed') {
    entry.status = 'failed';
    entry.error = { message: run.state.steps[stepId]?.undo?.error ?? 'the undo failed' };
    return;
  }
  entry.outcome = out.status as StepState['outcome'];
  entry.output = out.output;
  if (out.observed) entry.observed = out.observed;
  const named = statusOfOutcome(entry, run.state.dryRun);
  entry.status = named.status;
  if (named.notApplied) entry.notApplied = named.notApplied;
}
