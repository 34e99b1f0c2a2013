/** The phase runner: detect → contain → eradicate → recover → lessons, node by node, stopping on a failure or a cancel. */
import { PHASES, type Phase, type PhaseNode } from '../../engine/playbook-types.js';
import type { IncidentState } from '../../contracts/incident.js';
import { ContinueAsNewNeeded } from '../../contracts/continue-as-new.js';
import { nowIso } from '../../contracts/time.js';
import { compensate } from './compensation.js';
import type { IncidentRun } from './run.js';
import { stepsOf } from '../../engine/playbook-types.js';
import { TERMINAL } from './state.js';
import { runStep } from './step.js';

/** What finishing a phase records: its time, and the incident's new status. */
const PHASE_DONE: Partial<Record<Phase, { status?: IncidentState['status']; time: 'containedAt' | 'eradicatedAt' | 'recoveredAt' }>> = {
  contain: { status: 'contained', time: 'containedAt' },
  eradicate: { time: 'eradicatedAt' },
  recover: { status: 'recovered', time: 'recoveredAt' },
};

type NodeResult = 'continue' | 'stop';

/** Runs the phases from the current one (a carried-over state resumes where it was); throws only to continue-as-new. */
export async function runPhases(run: IncidentRun): Promise<void> {
  const { state, playbook } = run;
  for (const phase of PHASES.slice(Math.max(0, PHASES.indexOf(state.phase as Phase)))) {
    state.phase = phase;
    run.publish();
    for (const node of playbook.phases[phase]) {
      if (state.cancel) return finishCancelled(run);
      if (stepsOf(node).every((s) => TERMINAL.has(state.steps[s.id]!.status))) continue;
      if (run.shouldContinueAsNew()) throw new ContinueAsNewNeeded('between steps');
      if ((await runNode(run, node)) === 'stop') {
        state.phase = 'done';
        run.setStatus('failed');
        await run.notifyOwners('incident-failed', `Incident ${state.incidentId} stopped: step ${state.failure?.stepId} failed (${state.failure?.message}).`);
        return;
      }
    }
    if (state.cancel) return finishCancelled(run);
    const done = PHASE_DONE[phase];
    if (done) {
      state.times[done.time] ??= nowIso();
      if (done.status) run.setStatus(done.status);
    }
  }
  state.phase = 'done';
  state.times.closedAt = nowIso();
  run.setStatus('closed');
}

/** Runs one step, or a parallel group; the first failed step not set to continue stops the incident (compensating if it says so). */
async function runNode(run: IncidentRun, node: PhaseNode): Promise<NodeResult> {
  const { state } = run;
  const steps = stepsOf(node);
  if ('step' in node) await runStep(run, node.step, false);
  else await Promise.all(steps.map((s) => runStep(run, s, true)));
  for (const step of steps) {
    const st = state.steps[step.id]!;
    if (st.status !== 'failed' || step.onFailure === 'continue') continue;
    state.failure = { stepId: step.id, message: st.error?.message ?? 'failed' };
    if (step.onFailure === 'compensate') await compensate(run, `failure of ${step.id}`);
    return 'stop';
  }
  return 'continue';
}

async function finishCancelled(run: IncidentRun): Promise<void> {
  const { state } = run;
  const cancel = state.cancel!;
  for (const st of Object.values(state.steps)) if (!TERMINAL.has(st.status)) st.status = 'cancelled';
  if (cancel.rollback) await compensate(run, 'cancel with rollback');
  state.phase = 'done';
  state.times.closedAt = nowIso();
  run.setStatus('cancelled');
}
