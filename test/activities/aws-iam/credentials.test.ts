import { UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { expect } from 'vitest';
import { seedUser, type SeedOptions } from '../../peers/moto.js';
import { describeActionCases } from './action-suite.js';

const NOTHING: SeedOptions = { accessKeys: 0, loginProfile: false, mfa: false, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0 };
const USER = 'dana';

describeActionCases('AWS credential actions against moto', [
  {
    action: 'aws.disableAccessKey',
    promise: 'sets the key Inactive and leaves the other key Active',
    async arrange(admin) {
      const seeded = await seedUser(admin, USER, { ...NOTHING, accessKeys: 2 });
      return { userName: USER, params: { userName: USER, accessKeyId: seeded.accessKeys[0]?.accessKeyId } };
    },
    effect(before, after) {
      const [disabled, other] = Object.keys(before.keys);
      expect(after.keys).toEqual({ [disabled as string]: 'Inactive', [other as string]: 'Active' });
    },
    observed: (before, after) => {
      const key = Object.keys(before.keys)[0] as string;
      return { before: { status: before.keys[key] }, after: { status: after.keys[key] } };
    },
  },
  {
    action: 'aws.enableAccessKey',
    promise: 'sets an Inactive key Active again',
    async arrange(admin) {
      const seeded = await seedUser(admin, USER, { ...NOTHING, accessKeys: 1 });
      const accessKeyId = seeded.accessKeys[0]?.accessKeyId;
      await admin.send(new UpdateAccessKeyCommand({ UserName: USER, AccessKeyId: accessKeyId, Status: 'Inactive' }));
      return { userName: USER, params: { userName: USER, accessKeyId } };
    },
    effect(before, after) {
      expect(Object.values(before.keys)).toEqual(['Inactive']);
      expect(Object.values(after.keys)).toEqual(['Active']);
    },
    observed: () => ({ before: { status: 'Inactive' }, after: { status: 'Active' } }),
  },
  {
    action: 'aws.deleteAccessKey',
    promise: 'deletes that key and keeps the other',
    async arrange(admin) {
      const seeded = await seedUser(admin, USER, { ...NOTHING, accessKeys: 2 });
      return { userName: USER, params: { userName: USER, accessKeyId: seeded.accessKeys[1]?.accessKeyId } };
    },
    effect(before, after) {
      const [kept, deleted] = Object.keys(before.keys);
      expect(after.keys).toEqual({ [kept as string]: 'Active' });
      expect(after.keys).not.toHaveProperty(deleted as string);
    },
  },
  {
    action: 'aws.deleteLoginProfile',
    promise: 'removes the console password',
    async arrange(admin) {
      await seedUser(admin, USER, { ...NOTHING, loginProfile: true, accessKeys: 1 });
      return { userName: USER, params: { userName: USER } };
    },
    effect(before, after) {
      expect(before.loginProfile).toBe(true);
      expect(after).toEqual({ ...before, loginProfile: false });
    },
  },
  {
    action: 'aws.deactivateMfa',
    promise: 'deactivates every MFA device and lists their serials',
    async arrange(admin) {
      await seedUser(admin, USER, { ...NOTHING, mfa: true });
      return { userName: USER, params: { userName: USER } };
    },
    effect(before, after, output) {
      expect(before.mfa).toEqual(['arn:aws:iam::123456789012:mfa/dana-mfa']);
      expect(after.mfa).toEqual([]);
      expect(output.serials).toEqual(before.mfa);
    },
  },
  {
    action: 'aws.deleteSshKeys',
    promise: 'deletes every SSH public key and lists their ids',
    async arrange(admin) {
      await seedUser(admin, USER, { ...NOTHING, sshKeys: 2 });
      return { userName: USER, params: { userName: USER } };
    },
    effect(before, after, output) {
      expect(before.ssh).toHaveLength(2);
      expect(after.ssh).toEqual([]);
      expect([...(output.keyIds as string[])].sort()).toEqual(before.ssh);
    },
  },
]);
