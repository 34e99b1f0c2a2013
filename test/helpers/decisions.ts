import type { WorkflowHandle } from '@temporalio/client';
import { createDecisionSigner } from '../../contracts/approval-proof.js';
import type { ApprovalDecision, ApprovalRecord } from '../../contracts/incident.js';
import { sendSignedDecision } from '../../temporal/signed-decision.js';

/** The tests' decision signer: the server's part, with a fixed key. Incidents started by the test helpers carry its public key. */
/** Its secret key: stacks built over setupApi get it as WARDEN_DECISION_SIGNING_KEY. */
export const TEST_SIGNING_KEY = '5a'.repeat(32);
export const TEST_SIGNER = createDecisionSigner(TEST_SIGNING_KEY);

/** Sends a decision as Warden's server does (signed for the step's current plan). */
export function decide(handle: WorkflowHandle, d: ApprovalDecision, shownPlan?: string): Promise<ApprovalRecord> {
  return sendSignedDecision(handle, TEST_SIGNER, d, shownPlan);
}
