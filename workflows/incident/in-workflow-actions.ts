/** The runners of the catalog actions the incident workflow runs itself (catalog/workflow-actions.ts), one per action. */
import { condition } from '@temporalio/workflow';
import { durationMs } from '../../engine/duration.js';
import type { ResolvedStep, Severity } from '../../engine/playbook-types.js';
import type { StepState } from '../../contracts/incident.js';
import { type WorkflowActionName, isWorkflowAction } from '../../catalog/workflow-actions.js';
import { startOffboardingChild } from '../offboarding/child.js';
import type { IncidentRun } from './run.js';

/** Runs the step (params already rendered) and records its plan, outcome and output on `st`; throws to fail it. */
type InWorkflowRunner = (run: IncidentRun, step: ResolvedStep, params: Record<string, unknown>, st: StepState) => Promise<void>;

const RUNNERS: Record<WorkflowActionName, InWorkflowRunner> = {
  'incident.setSeverity': setSeverity,
  'incident.wait': wait,
  'identity.offboard': offboard,
};

export function runInWorkflow(run: IncidentRun, step: ResolvedStep, params: Record<string, unknown>, st: StepState): Promise<void> {
  if (!isWorkflowAction(step.action)) throw new Error(`action ${step.action} runs in an activity, not in the workflow`);
  return RUNNERS[step.action](run, step, params, st);
}

function done(run: IncidentRun, params: Record<string, unknown>, st: StepState): void {
  st.outcome = run.state.dryRun ? 'planned' : 'changed';
  st.output = { ...params };
}

async function setSeverity(run: IncidentRun, step: ResolvedStep, params: Record<string, unknown>, st: StepState): Promise<void> {
  st.plan = [`set the incident's severity to ${String(params.severity)}`];
  if (!run.state.dryRun) {
    run.timeline(`severity ${run.state.severity} → ${String(params.severity)} by step ${step.id}`);
    run.state.severity = params.severity as Severity;
    run.publish();
  }
  done(run, params, st);
}

/** A durable timer; a cancel ends it early. */
async function wait(run: IncidentRun, _step: ResolvedStep, params: Record<string, unknown>, st: StepState): Promise<void> {
  st.plan = [`wait ${String(params.duration)}`];
  if (!run.state.dryRun) await condition(() => !!run.state.cancel, durationMs(String(params.duration)));
  done(run, params, st);
}

/** Starts (or joins) the person's offboarding as a child workflow that outlives the incident. */
async function offboard(run: IncidentRun, step: ResolvedStep, params: Record<string, unknown>, st: StepState): Promise<void> {
  const { state } = run;
  const { email, slackChannel } = run.playbook.notify;
  const child = await startOffboardingChild({
    person: String(params.person),
    reason: String(params.reason),
    requestedBy: `incident:${state.incidentId}`,
    dryRun: state.dryRun,
    notify: { ...(email?.length ? { email } : {}), ...(slackChannel ? { slackChannel } : {}) },
    ...(run.input.decisionKey ? { decisionKey: run.input.decisionKey } : {}),
  });
  run.timeline(`offboarding ${child.output.workflowId} ${child.output.joined ? 'joined' : child.output.started ? 'started' : 'planned'} by step ${step.id}`);
  st.plan = child.plan;
  st.outcome = state.dryRun ? 'planned' : child.output.joined ? 'already' : 'changed';
  st.output = { ...params, ...child.output };
}
