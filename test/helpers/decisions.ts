import type { WorkflowHandle } from '@temporalio/client';
import { createDecisionSigner } from '../../contracts/approval-proof.js';
import type { ApprovalDecision, ApprovalRecord } from '../../contracts/incident.js';
import { sendSignedDecision } from '../../temporal/signed-decision.js';

/** The tests' decision signer: the server's part, with a fixed key. Incidents started by the test helpers carry its public key. */
export const TEST_SIGNER = createDecisionSigner('5a'.repeat(32));

/** Sends a decision as Warden's server does (signed for the step's current plan). */
export function decide(handle: WorkflowHandle, d: ApprovalDecision, shownPlan?: string): Promise<ApprovalRecord> {
  return sendSignedDecision(handle, TEST_SIGNER, d, shownPlan);
}
