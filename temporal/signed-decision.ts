import type { WorkflowHandle } from '@temporalio/client';
import type { DecisionSigner } from '../contracts/approval-proof.js';
import { approvalUpdate, incidentStateQuery, type ApprovalDecision, type ApprovalRecord } from '../contracts/incident.js';

/**
 * Sends a person's decision as the server: signed for this incident and for the plan the decider
 * was shown (`shownPlan`, else the step's current plan read from the workflow). The API, the CLI
 * (through the API) and the Slack app all decide through here; the workflow's validator checks
 * the signature and refuses a decision for another plan.
 */
export async function sendSignedDecision(handle: WorkflowHandle, signer: DecisionSigner, d: ApprovalDecision, shownPlan?: string): Promise<ApprovalRecord> {
  const plan = shownPlan ?? (await handle.query(incidentStateQuery)).steps[d.stepId]?.approval?.planDigest ?? '';
  return handle.executeUpdate(approvalUpdate, { args: [signer.sign(handle.workflowId, d, plan)] });
}
