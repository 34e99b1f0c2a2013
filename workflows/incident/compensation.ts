/** Compensation: the undo of every completed step, most recent first, each recorded and never fatal. */
import { patched } from '@temporalio/workflow';
import { nowIso } from '../../contracts/time.js';
import type { ObservedState } from '../../contracts/incident.js';
import type { IncidentRun } from './run.js';
import { approveRollbacks, showRollbackResult, undoParams } from './rollback.js';
import { describeFailure, runActionActivity } from './step-runner.js';

/**
 * Undoes the completed steps, most recent first. A person's cancel with rollback (`requestedBy`)
 * first asks for the approval of each undo (see rollback.ts) and undoes only the approved ones; a
 * failed step's compensation (the playbook's own rule) runs without one.
 */
export async function compensate(run: IncidentRun, reason: string, requestedBy?: string): Promise<void> {
  const order = [...run.state.completed].reverse();
  // Histories recorded before rollbacks needed an approval undo at once.
  const approved = requestedBy && patched('rollback-needs-approval') ? await approveRollbacks(run, order, requestedBy) : undefined;
  for (const stepId of order) {
    if (approved && !approved.has(stepId)) continue;
    const undone = await undoStep(run, stepId, reason);
    if (approved && undone) showRollbackResult(run, stepId, undone);
  }
}

/** Runs the step's undo once (idempotency key `<incident>:<step>:undo`); returns what the action reported, if it ran. */
async function undoStep(run: IncidentRun, stepId: string, reason: string): Promise<{ status: string; output?: unknown; observed?: ObservedState } | undefined> {
  const { state } = run;
  const st = state.steps[stepId];
  // A further target's instance (`<step>@<n>`) is undone like its playbook step, against its own alert.
  const step = run.playbookStep(stepId);
  if (!step?.undo || !st || st.undo?.status === 'succeeded' || st.undo?.status === 'planned') return undefined;
  try {
    const out = await runActionActivity(
      step.undo.kind,
      {
        action: step.undo.action,
        params: undoParams(run, step, st),
        incidentId: state.incidentId,
        stepId: `${run.stepRef(stepId)}.undo`,
        idempotencyKey: run.key(`${stepId}:undo`),
        dryRun: state.dryRun,
      },
      step,
    );
    st.undo = { action: step.undo.action, status: out.status === 'planned' ? 'planned' : 'succeeded', at: nowIso(), output: out.output, ...(out.observed ? { observed: out.observed } : {}) };
    run.timeline(`undid ${stepId} (${step.undo.action}) for ${reason}`);
    return out;
  } catch (err) {
    st.undo = { action: step.undo.action, status: 'failed', at: nowIso(), error: describeFailure(err).message };
    run.timeline(`undo of ${stepId} failed: ${describeFailure(err).message}`);
    return { status: 'failed' };
  }
}
