import { CreateRoleCommand, GetRolePolicyCommand, ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf, renderUndo, runAction, startIamWorld, type IamWorld } from './harness.js';

let world: IamWorld;
beforeAll(async () => {
  world = await startIamWorld();
}, 120_000);
afterAll(() => world?.close());

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const createRole = (name: string) => world.admin.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST }));
const policiesOf = async (role: string) => (await world.admin.send(new ListRolePoliciesCommand({ RoleName: role }))).PolicyNames ?? [];
async function cutoffOf(role: string): Promise<string> {
  const { PolicyDocument } = await world.admin.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: 'WardenRevokeOlderSessions' }));
  const doc = JSON.parse(decodeURIComponent(PolicyDocument ?? '')) as { Statement: { Effect: string; Action: string; Condition: { DateLessThan: Record<string, string> } }[] };
  expect(doc.Statement[0]).toMatchObject({ Effect: 'Deny', Action: '*' });
  return doc.Statement[0]!.Condition.DateLessThan['aws:TokenIssueTime']!;
}

describe("aws.revokeRoleSessions against moto: a role's leaked temporary keys end", () => {
  it('plans without changing in a dry run, revokes and reads back, reports the second run as already so, and the undo lifts it', async () => {
    await createRole('inference-node-role');
    const params = { roleName: 'inference-node-role', issuedBefore: '2026-12-06T10:00:00Z' };

    const planned = await runAction(world, 'aws.revokeRoleSessions', params, true);
    expect(planned.observed).toEqual({ before: { revokedBefore: null } });
    expect(planned).toMatchObject({
      status: 'planned',
      plan: ['deny every action to sessions of IAM role inference-node-role issued before 2026-12-06T10:00:00Z (inline policy WardenRevokeOlderSessions)'],
    });
    expect(await policiesOf('inference-node-role')).toEqual([]);

    const done = await runAction(world, 'aws.revokeRoleSessions', params);
    expect(done.status).toBe('changed');
    expect(done.output).toMatchObject({ before: { revokedBefore: null }, after: { revokedBefore: '2026-12-06T10:00:00Z' } });
    // Observed: no revocation policy before; the policy IAM holds after, read back.
    expect(done.observed).toEqual({ before: { revokedBefore: null }, after: { revokedBefore: await cutoffOf('inference-node-role') } });
    expect(await cutoffOf('inference-node-role')).toBe('2026-12-06T10:00:00Z');

    // Again (a retry after a crash): already so, nothing written.
    const again = await runAction(world, 'aws.revokeRoleSessions', { ...params, issuedBefore: '2026-12-06T09:00:00Z' });
    expect(again).toMatchObject({ status: 'already', plan: ['sessions of IAM role inference-node-role issued before 2026-12-06T10:00:00Z are already revoked'] });
    expect(again.observed).toEqual({ before: { revokedBefore: '2026-12-06T10:00:00Z' }, after: { revokedBefore: '2026-12-06T10:00:00Z' } });

    const undo = renderUndo('aws.revokeRoleSessions', params, done.output);
    expect(undo).toEqual({ action: 'aws.restoreRoleSessions', params: { roleName: 'inference-node-role' } });
    expect((await runAction(world, undo.action, undo.params)).status).toBe('changed');
    expect(await policiesOf('inference-node-role')).toEqual([]);
  });

  it('without a time, revokes what was issued up to when the step ran', async () => {
    await createRole('batch-role');
    const before = Date.now();
    expect((await runAction(world, 'aws.revokeRoleSessions', { roleName: 'batch-role' })).status).toBe('changed');
    const cutoff = Date.parse(await cutoffOf('batch-role'));
    expect(cutoff).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(cutoff).toBeLessThanOrEqual(Date.now());
  });

  it('fails without retry on a role that does not exist, and refuses a malformed role name before calling AWS', async () => {
    const missing = await failureOf(runAction(world, 'aws.revokeRoleSessions', { roleName: 'no-such-role' }));
    expect(missing).toMatchObject({ type: 'AwsNotFound', nonRetryable: true });
    const bad = await failureOf(runAction(world, 'aws.revokeRoleSessions', { roleName: 'role/../admin' }));
    expect(bad.message).toContain('roleName');
  });
});
