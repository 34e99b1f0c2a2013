/**
 * Forged offboarding approvals (issue #14, point 6, for offboardings): anyone who can reach
 * Temporal can send the `offboarding.approve` Update with any approver in it. Only an approval
 * Warden's server signed (API, CLI) for this offboarding, within 5 minutes, counts. Each attack
 * goes straight to the real dev server; nothing is revoked at moto until a signed one arrives.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDecisionSigner } from '../../contracts/approval-proof.js';
import { offboardingApproveUpdate, offboardingStateQuery, offboardingWorkflowId, type OffboardingApproveRequest } from '../../contracts/offboarding.js';
import { TEST_SIGNER } from '../helpers/decisions.js';
import { startOffboardingStack, type OffboardingStack } from './offboarding-stack.js';

let s: OffboardingStack;
let handle: WorkflowHandle;
let before: Awaited<ReturnType<OffboardingStack['holdings']>>;
const madeUp: OffboardingApproveRequest = { by: 'made-up-approver', reason: 'looks fine' };
const harry: OffboardingApproveRequest = { by: 'harry', person: 'harry' };

/** The raw Update, as an attacker holding only Temporal access sends it; answers the validator's refusal. */
async function refused(req: OffboardingApproveRequest): Promise<string> {
  const err: unknown = await handle.executeUpdate(offboardingApproveUpdate, { args: [req] }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return String((err as WorkflowUpdateFailedError).cause?.message);
}

beforeAll(async () => {
  s = await startOffboardingStack('off-forged');
  before = await s.holdings();
  handle = s.client.workflow.getHandle(offboardingWorkflowId(s.leaver.person.id));
}, 120_000);
afterAll(async () => s?.close());

describe('a forged offboarding approval sent straight to Temporal', () => {
  it('an hr request starts it through the API; it waits for a second person', async () => {
    const res = await s.as('hana', 'POST', '/v1/offboardings', { person: s.leaver.person.id, reason: 'left the company' });
    expect(await res.json()).toMatchObject({ joined: false, approvalRequired: true });
    await expect
      .poll(async () => (await handle.query(offboardingStateQuery)).timeline.map((t) => t.event), { timeout: 15_000 })
      .toContain('waiting for a second person to approve (neither the requester nor the subject)');
  });

  it('is refused unsigned, forged, for another offboarding or stale; nothing is revoked at moto', async () => {
    // No signature: the approver is only what the payload says.
    expect(await refused(madeUp)).toBe('unsigned approval: approvals must come through Warden (API, CLI or Slack), which signs them');
    // Signed with a key of the attacker's own.
    expect(await refused(createDecisionSigner('a7'.repeat(32)).signOffboardingApproval(handle.workflowId, madeUp))).toMatch(/^forged approval/);
    // A genuine signature, with the approver (or their person, or the reason) swapped afterwards.
    const genuine = TEST_SIGNER.signOffboardingApproval(handle.workflowId, harry);
    expect(await refused({ ...genuine, by: madeUp.by })).toMatch(/^forged approval/);
    expect(await refused({ ...genuine, person: 'someone-else' })).toMatch(/^forged approval/);
    expect(await refused({ ...genuine, reason: 'added later' })).toMatch(/^forged approval/);
    // A genuine signature for another person's offboarding, replayed onto this one.
    expect(await refused(TEST_SIGNER.signOffboardingApproval(offboardingWorkflowId('someone-else'), harry))).toMatch(/^forged approval/);
    // A genuine signature from more than 5 minutes ago (a captured approval replayed later).
    expect(await refused(TEST_SIGNER.signOffboardingApproval(handle.workflowId, harry, Date.now() - 6 * 60_000))).toMatch(/^stale approval: signed at .*, more than 5 minutes from now$/);

    expect(await s.holdings()).toEqual(before);
    const state = await handle.query(offboardingStateQuery);
    expect(state).toMatchObject({ phase: 'scheduled', approval: { required: true }, items: [] });
    expect(state.approval?.approved).toBeUndefined();
    expect(state.timeline.some((t) => t.event.startsWith('approved'))).toBe(false);
  });

  it('a signed approval still obeys the other rules: the requester signed is refused', async () => {
    expect(await refused(TEST_SIGNER.signOffboardingApproval(handle.workflowId, { by: 'hana', person: 'hana' }))).toBe('hana may not approve an offboarding they requested: a second person approves');
    expect(await s.holdings()).toEqual(before);
  });

  it("the same approval signed by Warden's server counts: the keys are then revoked at moto", async () => {
    const approval = await handle.executeUpdate(offboardingApproveUpdate, { args: [TEST_SIGNER.signOffboardingApproval(handle.workflowId, harry)] });
    expect(approval.approved).toMatchObject({ by: 'harry' });
    await expect.poll(async () => (await s.holdings()).keys, { timeout: 30_000 }).toEqual([]);
  });
});
