/** Compensation: the undo of every completed step, most recent first, each recorded and never fatal. */
import { renderParsed } from '../../engine/parsed-value.js';
import { nowIso } from '../../contracts/time.js';
import type { IncidentRun } from './run.js';
import { allSteps } from '../../engine/playbook-types.js';
import { describeFailure, runActionActivity } from './step-runner.js';

export async function compensate(run: IncidentRun, reason: string): Promise<void> {
  for (const stepId of [...run.state.completed].reverse()) await undoStep(run, stepId, reason);
}

/** Runs the step's undo once (idempotency key `<incident>:<step>:undo`), its parameters templated over the step's own. */
async function undoStep(run: IncidentRun, stepId: string, reason: string): Promise<void> {
  const { state } = run;
  const st = state.steps[stepId];
  // A further target's instance (`<step>@<n>`) is undone like its playbook step, against its own alert.
  const step = allSteps(run.playbook).find((s) => s.id === (st?.target?.of ?? stepId));
  if (!step?.undo || !st || st.undo?.status === 'succeeded' || st.undo?.status === 'planned') return;
  const self = { params: renderParsed(step.with, run.templateContext(stepId)), output: st.output };
  const params = renderParsed(step.undo.with, { ...run.templateContext(stepId), self });
  try {
    const out = await runActionActivity(
      step.undo.kind,
      { action: step.undo.action, params, incidentId: state.incidentId, stepId: `${stepId}.undo`, idempotencyKey: `${state.incidentId}:${stepId}:undo`, dryRun: state.dryRun },
      step,
    );
    st.undo = { action: step.undo.action, status: out.status === 'planned' ? 'planned' : 'succeeded', at: nowIso(), output: out.output };
    run.timeline(`undid ${stepId} (${step.undo.action}) for ${reason}`);
  } catch (err) {
    st.undo = { action: step.undo.action, status: 'failed', at: nowIso(), error: describeFailure(err).message };
    run.timeline(`undo of ${stepId} failed: ${describeFailure(err).message}`);
  }
}
