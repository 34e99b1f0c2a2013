/** What people do about a step that was not applied: the step Update, and the wait in the phase until one acts. */
import { condition, setHandler } from '@temporalio/workflow';
import type { ResolvedStep } from '../../engine/playbook-types.js';
import { stepActionUpdate, type IncidentState, type StepActionRequest, type StepState, type StepStatus } from '../../contracts/incident.js';
import { nowIso } from '../../contracts/time.js';
import type { IncidentRun } from './run.js';
import { markHumanAction } from './state.js';

/** The steps a person may mark done by hand or skip; retry only reruns a step that was not applied. */
const SETTLEABLE: ReadonlySet<StepStatus> = new Set(['not_applied', 'failed', 'denied']);

export function setStepActionHandler(run: IncidentRun): void {
  setHandler(stepActionUpdate, (req) => onStepAction(run, req), { validator: (req: StepActionRequest) => validateStepAction(run.state, req, run.waitingForPerson) });
}

/** `waiting`: the steps a waiter (`waitForPerson`) in this run would attempt again; a retry of any other would be accepted and never run. */
export function validateStepAction(state: IncidentState, req: StepActionRequest, waiting: ReadonlySet<string>): void {
  if (!req?.by) throw new Error('a step action needs "by" (the caller\'s identity)');
  if (!['retry', 'done_by_hand', 'skip'].includes(req.action)) throw new Error(`action "${String(req.action)}" is not one of retry, done_by_hand, skip`);
  const st = state.steps[req.stepId];
  if (!st) throw new Error(`step "${req.stepId}" does not exist in incident ${state.incidentId}`);
  if (['closed', 'cancelled', 'failed'].includes(state.status)) throw new Error(`incident is already ${state.status}`);
  if (req.action !== 'retry' && !req.text?.trim()) throw new Error(req.action === 'skip' ? 'skip needs a reason' : 'done_by_hand needs a note');
  if ((req.text?.length ?? 0) > 2000) throw new Error('the note or reason is at most 2000 characters');
  if (req.action === 'retry') {
    if (st.status !== 'not_applied') throw new Error(`step ${st.id} is ${st.status}: only a step that is not_applied can be retried`);
    if (st.retryRequested) throw new Error(`a retry of step ${st.id} is already requested by ${st.retryRequested.by}`);
    if (!waiting.has(st.id)) throw new Error(`step ${st.id} cannot be run again in this incident (${notRunnable(state, st.id)}): mark it done by hand with a note, or skip it with a reason`);
  } else if (!SETTLEABLE.has(st.status)) {
    throw new Error(`step ${st.id} is ${st.status}: only a step that is not_applied, failed or denied can be marked done by hand or skipped`);
  }
}

function notRunnable(state: IncidentState, stepId: string): string {
  const started = state.playbookStarts?.find((p) => stepId.startsWith(`${p.from}/`));
  if (started) return `it belongs to playbook ${started.from}, which ended when ${started.by} started ${started.playbook}`;
  return 'nothing in the incident is waiting to run it';
}

function onStepAction(run: IncidentRun, req: StepActionRequest): StepStatus {
  const st = run.state.steps[req.stepId]!;
  const at = nowIso();
  markHumanAction(run.state, at);
  if (req.action === 'retry') {
    st.retryRequested = { by: req.by, at };
    (st.retries ??= []).push({ by: req.by, at });
    run.timeline(`retry of step ${st.id} requested`, req.by);
    return st.status;
  }
  const text = req.text!.trim();
  st.status = req.action === 'skip' ? 'skipped' : 'done_by_hand';
  st.resolution = { action: req.action, by: req.by, text, at };
  run.timeline(`step ${st.id} ${req.action === 'skip' ? 'skipped' : 'marked done by hand'}: ${text}`, req.by);
  return st.status;
}

/**
 * A step not applied in a live incident: tell the owners, and wait until a person retries it
 * (`attempt` runs it again), marks it done by hand, or skips it. A step that `holds` the phase sets
 * the incident `waiting` and the phase waits with it. A notification not sent (no Slack, no
 * recipient) does not hold: the caller does not await it, the incident goes on at once, and the
 * same choices stay open to a person until the incident ends. `resumed`: a notification's wait armed
 * again after continue-as-new, for an attempt the timeline already records.
 */
export async function waitForPerson(run: IncidentRun, step: ResolvedStep, st: StepState, attempt: () => Promise<void>, holds = true, resumed = false): Promise<void> {
  const { state } = run;
  run.waitingForPerson.add(st.id);
  let onTimeline = !resumed;
  try {
    while (st.status === 'not_applied' && !state.cancel) {
      await tell(run, step, st, holds, onTimeline);
      onTimeline = true;
      if (holds) run.setStatus('waiting');
      await condition(() => st.status !== 'not_applied' || !!st.retryRequested || !!state.cancel);
      if (st.retryRequested && st.status === 'not_applied') {
        st.retryRequested = undefined;
        st.notApplied = undefined;
        await attempt();
      }
    }
  } finally {
    run.waitingForPerson.delete(st.id);
  }
  if (holds && state.status === 'waiting') run.setStatus('open');
}

/**
 * The timeline entry and the owners' message for a step not applied. The message's key counts the
 * retries, so the run after a continue-as-new sends the same one again (the send before may have
 * been cut off) and the owners get it once; the timeline already has it then.
 */
async function tell(run: IncidentRun, step: ResolvedStep, st: StepState, holds: boolean, onTimeline: boolean): Promise<void> {
  const { state } = run;
  const why = st.notApplied?.message ?? 'not applied';
  const what = holds ? `The incident waits in phase ${state.phase}` : 'The incident goes on without it (a message not sent holds no step back)';
  if (onTimeline) run.timeline(`step ${step.id} not applied: ${why}; ${holds ? 'waiting for a person' : 'the incident goes on'}`);
  await run.notifyOwners(
    `not-applied-${step.id}-${st.retries?.length ?? 0}`,
    `Incident ${state.incidentId}: step "${step.title}" (${step.id}) was NOT applied: ${why}. ${what}: ` +
      `retry it once fixed, mark it done by hand with a note, or skip it with a reason (warden incidents step ${state.incidentId} ${step.id} --retry|--done-by-hand NOTE|--skip REASON).`,
  );
}
