/**
 * Forged approvals (issue #14, point 6): anyone who can reach Temporal can send the approval
 * Update. Only a decision that Warden's server signed (API, CLI, Slack) for this incident, this
 * step and this plan, within 5 minutes, counts. Each attack runs against the real dev server
 * and moto, and checks that the step did not run and the key is still Active.
 */
import { ListAccessKeysCommand, type IAMClient } from '@aws-sdk/client-iam';
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsIam } from '../../activities/providers/aws-iam/aws-iam.js';
import type { ActionDeps } from '../../catalog/types.js';
import { createDecisionSigner } from '../../contracts/approval-proof.js';
import { approvalUpdate, incidentStateQuery, type ApprovalDecision } from '../../contracts/incident.js';
import { TEST_SIGNER } from '../helpers/decisions.js';
import { alert, HEADER, playbook, startIncident, startPeers, type Peers } from '../helpers/incident.js';
import { suiteClient, withWorker } from '../harness.js';
import { MOTO_CREDENTIALS, motoClient, seedUser, startMoto, type MotoPeer } from '../peers/moto.js';

let client: Client;
let peers: Peers;
let moto: MotoPeer;
let iam: IAMClient;
let deps: ActionDeps;

beforeAll(async () => {
  client = await suiteClient();
  peers = await startPeers();
  moto = await startMoto();
  iam = motoClient(moto.endpoint);
  deps = { ...peers.deps, iam: createAwsIam({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }) };
}, 120_000);
afterAll(async () => {
  await moto.stop();
  await peers.close();
  await client.connection.close();
});

const gated = playbook(`${HEADER}
phases:
  contain:
    - id: disable_key
      action: aws.disableAccessKey
      with:
        userName: "{{ alert.principal.aws_user }}"
        accessKeyId: "{{ alert.principal.aws_access_key_id }}"
      approval:
        groups: [security-oncall]
        timeout: 1h
        onTimeout: reject
        fourEyes: false
`);

const keyStatuses = async (userName: string) => ((await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? []).map((k) => k.Status);
const approve: ApprovalDecision = { stepId: 'disable_key', decision: 'approve', via: 'api', approver: { id: 'made-up-approver', groups: ['security-oncall'] } };

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return String((err as WorkflowUpdateFailedError).cause?.message);
}

/** The raw Update, as an attacker holding only Temporal access sends it. */
const raw = (handle: WorkflowHandle, d: ApprovalDecision) => handle.executeUpdate(approvalUpdate, { args: [d] });

describe('a forged approval sent straight to Temporal', () => {
  it('is refused unsigned, forged, for another step, another plan or another incident, or stale; the step never runs and the key stays Active', async () => {
    const user = await seedUser(iam, 'forge-victim', { accessKeys: 1, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0, mfa: false, loginProfile: false });
    const key = user.accessKeys[0]!.accessKeyId;
    await withWorker({ providers: deps }, { name: 'forged-approval' }, async (w) => {
      const handle = await startIncident(w.client, w.taskQueue, gated, alert({ principal: { aws_user: 'forge-victim', aws_access_key_id: key } }));
      await expect.poll(async () => (await handle.query(incidentStateQuery)).steps.disable_key?.status, { timeout: 30_000 }).toBe('awaiting-approval');
      const plan = (await handle.query(incidentStateQuery)).steps.disable_key!.approval!.planDigest!;
      expect(plan).toMatch(/^sha256:[0-9a-f]{64}$/);

      // No signature: the approver's identity is only what the payload says.
      expect(await refusal(raw(handle, approve))).toMatch(/^unsigned decision/);
      // Signed with a key of the attacker's own.
      const attacker = createDecisionSigner('a7'.repeat(32));
      expect(await refusal(raw(handle, attacker.sign(handle.workflowId, approve, plan)))).toMatch(/^forged decision/);
      // A genuine signature, with the approver swapped afterwards.
      const genuine = TEST_SIGNER.sign(handle.workflowId, { ...approve, approver: { id: 'alice', groups: ['security-oncall'] } }, plan);
      expect(await refusal(raw(handle, { ...genuine, approver: approve.approver }))).toMatch(/^forged decision/);
      // A genuine signature for another step, replayed onto this one.
      const otherStep = TEST_SIGNER.sign(handle.workflowId, { ...approve, stepId: 'delete_key' }, plan);
      expect(await refusal(raw(handle, { ...otherStep, stepId: 'disable_key' }))).toMatch(/^forged decision/);
      // A genuine signature for another incident.
      expect(await refusal(raw(handle, TEST_SIGNER.sign('incident-other', approve, plan)))).toMatch(/^forged decision/);
      // A genuine signature for another plan.
      expect(await refusal(raw(handle, TEST_SIGNER.sign(handle.workflowId, approve, `sha256:${'0'.repeat(64)}`)))).toMatch(/^plan changed/);
      // A genuine signature from more than 5 minutes ago (a captured decision replayed later).
      const old = TEST_SIGNER.sign(handle.workflowId, { ...approve, approver: { id: 'alice', groups: ['security-oncall'] } }, plan, Date.now() - 6 * 60_000);
      expect(await refusal(raw(handle, old))).toMatch(/^stale decision/);

      const st = await handle.query(incidentStateQuery);
      expect(st.steps.disable_key!.status).toBe('awaiting-approval');
      expect(st.steps.disable_key!.approval!.votes).toEqual([]);
      expect(await keyStatuses('forge-victim')).toEqual(['Active']);

      // The same decision signed by Warden's server counts: the gate itself works.
      const counted = await raw(handle, TEST_SIGNER.sign(handle.workflowId, { ...approve, approver: { id: 'alice', groups: ['security-oncall'] }, reason: 'key confirmed leaked' }, plan));
      expect(counted.outcome).toBe('approved');
      await expect.poll(async () => (await handle.query(incidentStateQuery)).steps.disable_key?.status, { timeout: 30_000 }).toBe('applied');
      await handle.terminate('test over');
    });
    expect(await keyStatuses('forge-victim')).toEqual(['Inactive']);
  });
});
