import { readFileSync } from 'node:fs';
import { CreateRoleCommand, GetRolePolicyCommand, ListAttachedUserPoliciesCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { incidentStateQuery } from '../../contracts/incident.js';
import { CREDENTIALS, tokens } from '../helpers/intake.js';
import { useLiveWorld } from '../helpers/live-world.js';
import { withWorker } from '../harness.js';
import { seedUser } from '../peers/moto.js';

/**
 * GuardDuty credential findings that carry no access key id to disable still contain the
 * principal they name: a role's leaked session keys (ASIA…) end by revoking its sessions, a
 * user with no key named is quarantined. Live incidents, through the GuardDuty route, at moto.
 */
const world = useLiveWorld();

const finding = JSON.parse(readFileSync(new URL('../fixtures/alerts/guardduty-credential-exfiltration.json', import.meta.url), 'utf8')) as { detail: Record<string, unknown> };
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

async function postFinding(detail: Record<string, unknown>): Promise<{ incidentId: string; workflowId: string; playbook: string }> {
  const res = await fetch(`${world().intake.url}/v1/alerts/guardduty?dry_run=false`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${CREDENTIALS.guardduty}` },
    body: JSON.stringify({ ...finding, detail: { ...finding.detail, ...detail } }),
  });
  expect(res.status).toBe(202);
  const { accepted } = (await res.json()) as { accepted: { incidentId: string; workflowId: string; playbook: string }[] };
  return accepted[0]!;
}

/** Four-eyes on a destructive step of an alert-opened incident: two on-call people approve, each with a reason. */
async function approve(incidentId: string, stepId: string): Promise<void> {
  for (const token of [tokens.oncall, tokens.oncall2]) {
    const res = await fetch(`${world().intake.url}/v1/incidents/${incidentId}/approvals/${stepId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ decision: 'approve', reason: 'finding confirmed: credentials used from outside AWS' }),
    });
    expect(res.status).toBe(200);
  }
}

describe('GuardDuty credential findings with no access key id to disable', () => {
  it("revokes the role's sessions (after an approval) when the finding names a role and its temporary key", async () => {
    const { admin, client, intake, iam, peers } = world();
    await admin.send(new CreateRoleCommand({ RoleName: 'inference-node-role', AssumeRolePolicyDocument: TRUST }));
    await withWorker({ providers: { ...peers.deps, iam } }, { taskQueue: intake.taskQueue }, async () => {
      const { incidentId, workflowId, playbook } = await postFinding({ id: `role-${Date.now()}` });
      expect(playbook).toBe('leaked-credential');
      const handle = client.workflow.getHandle(workflowId);
      await expect.poll(async () => (await handle.query(incidentStateQuery)).steps.revoke_role_sessions?.status, { timeout: 30_000 }).toBe('awaiting-approval');
      const waiting = await handle.query(incidentStateQuery);
      // The key named is a role's session key: there is no user key to disable, and the step says so.
      expect(waiting.steps.disable_key?.status).toBe('skipped');
      expect(waiting.steps.revoke_role_sessions?.plan?.[0]).toMatch(/^deny every action to sessions of IAM role inference-node-role issued before /);

      await approve(incidentId, 'revoke_role_sessions');
      await expect.poll(async () => (await handle.query(incidentStateQuery)).steps.revoke_role_sessions?.outcome, { timeout: 30_000 }).toBe('changed');
      const { PolicyDocument } = await admin.send(new GetRolePolicyCommand({ RoleName: 'inference-node-role', PolicyName: 'WardenRevokeOlderSessions' }));
      expect(decodeURIComponent(PolicyDocument ?? '')).toContain('aws:TokenIssueTime');
      await handle.terminate('test done');
    });
  });

  it('quarantines the user (after an approval) when the finding names an IAM user but no key', async () => {
    const { admin, client, intake, iam, peers } = world();
    await seedUser(admin, 'mallory-ml', { accessKeys: 1, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0, mfa: false, loginProfile: false });
    await withWorker({ providers: { ...peers.deps, iam } }, { taskQueue: intake.taskQueue }, async () => {
      const { incidentId, workflowId } = await postFinding({
        id: `user-${Date.now()}`,
        type: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom',
        resource: { resourceType: 'AccessKey', accessKeyDetails: { userName: 'mallory-ml', userType: 'IAMUser', principalId: 'AIDAEXAMPLEUSER00001' } },
      });
      const handle = client.workflow.getHandle(workflowId);
      await expect.poll(async () => (await handle.query(incidentStateQuery)).steps.quarantine_user?.status, { timeout: 30_000 }).toBe('awaiting-approval');
      await approve(incidentId, 'quarantine_user');
      await expect
        .poll(async () => ((await admin.send(new ListAttachedUserPoliciesCommand({ UserName: 'mallory-ml' }))).AttachedPolicies ?? []).map((p) => p.PolicyName), { timeout: 30_000 })
        .toEqual(['WardenQuarantine']);
      await handle.terminate('test done');
    });
  });
});
