import { continueAsNew, makeContinueAsNewFunc, patched, workflowInfo } from '@temporalio/workflow';
import { endWhenSettled } from '../audit/append.js';
import type { IncidentInput, IncidentState } from '../../contracts/incident.js';
import { ContinueAsNewNeeded } from '../../contracts/continue-as-new.js';
import { setClosingHandlers } from './closing.js';
import { containFollowUps } from './follow-ups.js';
import { setIncidentHandlers } from './handlers.js';
import { setStepActionHandler } from './person-actions.js';
import { runPhases } from './phases.js';
import { resumeUnsentNotifications } from './step.js';
import { IncidentRun } from './run.js';
import { inputWithStartedPlaybook, setTriageHandlers } from './triage.js';

/**
 * One incident, run by its playbook: detect → contain → eradicate → recover → lessons.
 *
 * Side effects happen only in activities (catalog actions, each idempotent under the key
 * `<incident>:<step>`), so a replay or a worker crash never repeats one. Dangerous steps wait
 * for the approval Update; failures follow the step's onFailure (abort, continue, compensate
 * with every completed step's undo in reverse order); cancel may roll back the same way. The
 * history is kept short by continue-as-new, carrying the whole state over.
 */
export async function incidentWorkflow(input: IncidentInput): Promise<IncidentState> {
  const run = new IncidentRun(input);
  setIncidentHandlers(run);
  setStepActionHandler(run);
  setClosingHandlers(run);
  if (run.triage) setTriageHandlers(run);
  run.publish();
  if (run.followUps) void containFollowUps(run);
  if (input.carried) resumeUnsentNotifications(run);
  try {
    await runPhases(run);
  } catch (err) {
    if (!(err instanceof ContinueAsNewNeeded)) throw err;
    // A message to the owners in flight (about a notification not sent, which the incident does not wait for) is sent first.
    if (patched('owners-told-before-continue-as-new')) await run.ownersTold();
    await endWhenSettled(run.audit);
    run.timeline(`continued as new (${err.message})`);
    if (run.playbookStart) {
      const memo = { ...workflowInfo().memo, playbook: run.playbookStart.playbook.id };
      return makeContinueAsNewFunc<typeof incidentWorkflow>({ memo })(inputWithStartedPlaybook(run, input));
    }
    return continueAsNew<typeof incidentWorkflow>({ ...input, carried: run.state });
  }
  await endWhenSettled(run.audit);
  return run.state;
}
