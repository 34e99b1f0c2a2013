import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { OffboardingActivities } from '../../activities/offboarding/index.js';
import { offboardingWorkflowId, type OffboardingNotify } from '../../contracts/offboarding.js';
import { offboardingWorkflow } from './offboarding.js';
import { buildOffboardingInput } from '../../contracts/offboarding-input.js';
import { describeFailure } from '../incident/step-runner.js';

const { resolveOffboardingTarget } = proxyActivities<OffboardingActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', maximumAttempts: 5 },
});

export interface OffboardingChildRequest {
  /** The identity.offboard step's parameters. */
  readonly person: string;
  readonly reason: string;
  /** Who asks: the incident, e.g. `incident:42`. */
  readonly requestedBy: string;
  readonly dryRun: boolean;
  /** Security's recipients (the playbook's notify); the manager is added. */
  readonly notify: OffboardingNotify;
  /** The incident's decision-signing public key: the offboarding accepts only approvals the server signed. */
  readonly decisionKey?: string;
}

export interface OffboardingChildResult {
  readonly plan: string[];
  readonly output: { readonly workflowId: string; readonly person: string; readonly joined: boolean; readonly started: boolean };
}

/**
 * Starts the offboarding of a person as a child workflow that outlives its parent (ABANDON: the
 * retention runs for weeks), or joins the one already running for them. The person is resolved
 * from the directory by an activity first. In a dry run nothing starts: the plan says what would.
 */
export async function startOffboardingChild(req: OffboardingChildRequest): Promise<OffboardingChildResult> {
  const workflowId = offboardingWorkflowId(req.person);
  const describe = (who: string) => [`start (or join) ${workflowId}: revoke every credential of ${who} at AWS, GitHub and MLflow, then report to the manager and security`];
  if (req.dryRun) {
    // A dry run plans even when the person cannot be resolved, and says why.
    const who = await resolveOffboardingTarget({ personId: req.person }).then(
      (t) => t.person.name,
      (err: unknown) => `${req.person} (not resolved: ${describeFailure(err).message})`,
    );
    return { plan: describe(who), output: { workflowId, person: req.person, joined: false, started: false } };
  }
  const target = await resolveOffboardingTarget({ personId: req.person });
  const plan = describe(target.person.name);
  const input = buildOffboardingInput(target, { reason: req.reason, requestedBy: req.requestedBy, dryRun: false, notify: req.notify, ...(req.decisionKey ? { decisionKey: req.decisionKey } : {}) });
  try {
    await startChild(offboardingWorkflow, { workflowId, args: [input], parentClosePolicy: ParentClosePolicy.ABANDON, memo: { offboardingRequest: req.requestedBy, dryRun: false } });
    return { plan, output: { workflowId, person: req.person, joined: false, started: true } };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return { plan, output: { workflowId, person: req.person, joined: true, started: false } };
  }
}
