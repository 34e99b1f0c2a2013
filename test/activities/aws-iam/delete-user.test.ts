import { describe, expect, it } from 'vitest';
import { seedUser, type SeedOptions } from '../../peers/moto.js';
import { describeActionCases } from './action-suite.js';
import { failureOf, runAction, snapshot, type IamWorld } from './harness.js';

const NOTHING: SeedOptions = { accessKeys: 0, loginProfile: false, mfa: false, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0 };

/** moto deletes a user that still has keys or a login profile; AWS refuses, and so does the adapter. */
function awsRule(getWorld: () => IamWorld): void {
  describe('follows the AWS rule, which moto does not enforce', () => {
    it('refuses with a non-retryable DeleteConflict naming everything left, and deletes nothing', async () => {
      const world = getWorld();
      await world.moto.reset();
      await seedUser(world.admin, 'gina', { accessKeys: 2 });
      const before = await snapshot(world.admin, 'gina');

      const failure = await failureOf(runAction(world, 'aws.deleteUser', { userName: 'gina' }));
      expect(failure.type).toBe('DeleteConflict');
      expect(failure.nonRetryable).toBe(true);
      for (const left of ['2 access keys', 'a console login profile', '1 MFA device', 'membership of 1 group', '1 managed policy', '1 inline policy', '1 SSH public key']) {
        expect(failure.message).toContain(left);
      }
      expect(await snapshot(world.admin, 'gina')).toEqual(before);

      const planned = await runAction(world, 'aws.deleteUser', { userName: 'gina' }, true);
      expect(planned.status).toBe('planned');
      expect(planned.plan[0]).toBe('delete IAM user gina');
      expect(planned.plan[1]).toMatch(/^blocked now: IAM user gina still has 2 access keys \(aws\.deleteAccessKey\), .*AWS refuses DeleteUser/);
    });

    it('succeeds once the offboarding actions removed every credential, membership and policy', async () => {
      const world = getWorld();
      await world.moto.reset();
      const seeded = await seedUser(world.admin, 'hank', { accessKeys: 2, sshKeys: 2, inlinePolicies: ['a', 'b'] });
      for (const key of seeded.accessKeys) await runAction(world, 'aws.deleteAccessKey', { userName: 'hank', accessKeyId: key.accessKeyId });
      for (const action of ['aws.deleteLoginProfile', 'aws.deactivateMfa', 'aws.removeFromGroups', 'aws.detachUserPolicies', 'aws.deleteInlinePolicies', 'aws.deleteSshKeys']) {
        expect((await runAction(world, action, { userName: 'hank' })).status).toBe('changed');
      }
      const done = await runAction(world, 'aws.deleteUser', { userName: 'hank' });
      expect(done).toMatchObject({ status: 'changed', plan: ['delete IAM user hank'] });
      expect((await snapshot(world.admin, 'hank')).exists).toBe(false);
    });

    it('refuses while only a quarantine policy is left, and says which action lifts it', async () => {
      const world = getWorld();
      await world.moto.reset();
      await seedUser(world.admin, 'ivy', NOTHING);
      await runAction(world, 'aws.quarantinePrincipal', { userName: 'ivy' });
      const failure = await failureOf(runAction(world, 'aws.deleteUser', { userName: 'ivy' }));
      expect(failure.type).toBe('DeleteConflict');
      expect(failure.message).toContain('1 managed policy (aws.detachUserPolicies, aws.releaseQuarantine)');
    });
  });
}

describeActionCases(
  'aws.deleteUser against moto',
  [
    {
      action: 'aws.deleteUser',
      promise: 'deletes a user that has nothing left',
      async arrange(admin) {
        await seedUser(admin, 'frank', NOTHING);
        return { userName: 'frank', params: { userName: 'frank' } };
      },
      effect(before, after) {
        expect(before.exists).toBe(true);
        expect(after.exists).toBe(false);
      },
    },
  ],
  awsRule,
);
