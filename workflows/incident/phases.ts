/** The phase runner: detect → contain → eradicate → recover → lessons, node by node, stopping on a failure or a cancel. */
import { condition } from '@temporalio/workflow';
import { PHASES, type Phase, type PhaseNode } from '../../engine/playbook-types.js';
import type { IncidentState } from '../../contracts/incident.js';
import { ContinueAsNewNeeded } from '../../contracts/continue-as-new.js';
import { nowIso } from '../../contracts/time.js';
import { awaitLessons, awaitResolution, completePhase } from './closing.js';
import { compensate } from './compensation.js';
import type { IncidentRun } from './run.js';
import { stepsOf } from '../../engine/playbook-types.js';
import { TERMINAL, unsettledTargetSteps } from './state.js';
import { endTriaged } from './triage.js';
import { runStep } from './step.js';

/** What finishing a phase recorded before the truthful lifecycle (histories replay it): its time, and the incident's new status. */
const PHASE_DONE: Partial<Record<Phase, { status?: IncidentState['status']; time: 'containedAt' | 'eradicatedAt' | 'recoveredAt' }>> = {
  contain: { status: 'contained', time: 'containedAt' },
  eradicate: { time: 'eradicatedAt' },
  recover: { status: 'recovered', time: 'recoveredAt' },
};

type NodeResult = 'continue' | 'stop';

/** Runs the phases from the current one (a carried-over state resumes where it was); throws only to continue-as-new. */
export async function runPhases(run: IncidentRun): Promise<void> {
  const { state } = run;
  if (!run.truthful) {
    if ((await runPhasesFrom(run, PHASES.length)) === 'stop') return;
    return finish(run, 'closed');
  }
  // Up to recover; a live incident then waits for a person's resolution before its lessons.
  const lessons = PHASES.indexOf('lessons');
  if ((await runPhasesFrom(run, state.dryRun ? PHASES.length : lessons)) === 'stop') return;
  if (state.dryRun) {
    state.phase = 'done';
    return run.setStatus('planned');
  }
  // A firing follow-up reopens a resolved incident until its lessons are recorded: back to its resolution.
  let recorded: Awaited<ReturnType<typeof awaitLessons>>;
  do {
    const next = await awaitResolution(run);
    if (next === 'cancelled') return finishCancelled(run);
    if (next === 'triaged') return endTriaged(run);
    state.phase = 'lessons';
    if ((await runPhasesFrom(run, PHASES.length)) === 'stop') return;
    recorded = await awaitLessons(run);
    if (recorded === 'cancelled') return finishCancelled(run);
  } while (recorded === 'reopened');
  // A further target named at the last moment is contained before the incident closes.
  if (run.followUps) await condition(() => unsettledTargetSteps(state).length === 0 || !!state.cancel);
  if (state.cancel) return finishCancelled(run);
  finish(run, 'closed');
}

/** Runs each phase from the current one up to (not including) PHASES[end]; 'stop' when a failure or a cancel ended the incident. */
async function runPhasesFrom(run: IncidentRun, end: number): Promise<NodeResult> {
  const { state, playbook } = run;
  for (const phase of PHASES.slice(Math.max(0, PHASES.indexOf(state.phase as Phase)), end)) {
    state.phase = phase;
    run.publish();
    for (const node of playbook.phases[phase]) {
      if (state.cancel) return finishCancelled(run).then(() => 'stop');
      if (stepsOf(node).every((s) => TERMINAL.has(state.steps[s.id]!.status))) continue;
      if (run.shouldContinueAsNew()) throw new ContinueAsNewNeeded('between steps');
      if ((await runNode(run, node)) === 'stop') {
        state.phase = 'done';
        run.setStatus('failed');
        await run.notifyOwners('incident-failed', `Incident ${state.incidentId} stopped: step ${state.failure?.stepId} failed (${state.failure?.message}).`);
        return 'stop';
      }
    }
    if (state.cancel) return finishCancelled(run).then(() => 'stop');
    if (run.truthful) completePhase(run, phase);
    else {
      const done = PHASE_DONE[phase];
      if (done) {
        state.times[done.time] ??= nowIso();
        if (done.status) run.setStatus(done.status);
      }
    }
  }
  return 'continue';
}

function finish(run: IncidentRun, status: 'closed' | 'cancelled'): void {
  run.end(status);
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
  if (cancel.rollback) await compensate(run, 'cancel with rollback', cancel.by);
  finish(run, 'cancelled');
}
