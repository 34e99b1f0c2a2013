import { AttachUserPolicyCommand, CreateGroupCommand, CreatePolicyCommand } from '@aws-sdk/client-iam';
import { expect } from 'vitest';
import { seedUser, type SeedOptions } from '../../peers/moto.js';
import { describeActionCases } from './action-suite.js';

const NOTHING: SeedOptions = { accessKeys: 0, loginProfile: false, mfa: false, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0 };
const USER = 'erin';
const QUARANTINE = 'arn:aws:iam::123456789012:policy/WardenQuarantine';
const DENY_ALL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] });
const READ_ONLY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:Get*', Resource: '*' }] });

describeActionCases('AWS group and policy actions against moto', [
  {
    action: 'aws.removeFromGroups',
    promise: 'removes the user from every group and records them for the undo',
    async arrange(admin) {
      await seedUser(admin, USER, { ...NOTHING, groups: ['engineering', 'oncall'] });
      return { userName: USER, params: { userName: USER } };
    },
    effect(before, after, output) {
      expect(before.groups).toEqual(['engineering', 'oncall']);
      expect(after.groups).toEqual([]);
      expect(output.groups).toEqual(['engineering', 'oncall']);
    },
  },
  {
    action: 'aws.addToGroups',
    promise: 'adds the user to the groups',
    async arrange(admin) {
      await seedUser(admin, USER, { ...NOTHING, groups: ['engineering'] });
      await admin.send(new CreateGroupCommand({ GroupName: 'auditors' }));
      return { userName: USER, params: { userName: USER, groups: ['auditors', 'engineering'] } };
    },
    effect(before, after, output) {
      expect(after.groups).toEqual(['auditors', 'engineering']);
      expect(output.groups).toEqual(['auditors']);
    },
  },
  {
    action: 'aws.detachUserPolicies',
    promise: 'detaches every managed policy but WardenQuarantine and records them for the undo',
    async arrange(admin) {
      await seedUser(admin, USER, { ...NOTHING, managedPolicies: ['s3-read', 'ec2-read'] });
      const { Policy } = await admin.send(new CreatePolicyCommand({ PolicyName: 'WardenQuarantine', PolicyDocument: DENY_ALL }));
      await admin.send(new AttachUserPolicyCommand({ UserName: USER, PolicyArn: Policy?.Arn }));
      return { userName: USER, params: { userName: USER } };
    },
    effect(before, after, output) {
      expect(before.policies).toHaveLength(3);
      expect(after.policies).toEqual([QUARANTINE]);
      expect([...(output.policyArns as string[])].sort()).toEqual(before.policies.filter((p) => p !== QUARANTINE));
    },
  },
  {
    action: 'aws.attachUserPolicies',
    promise: 'attaches the managed policies',
    async arrange(admin) {
      await seedUser(admin, USER, NOTHING);
      const { Policy } = await admin.send(new CreatePolicyCommand({ PolicyName: 'iam-read', PolicyDocument: READ_ONLY }));
      return { userName: USER, params: { userName: USER, policyArns: [Policy?.Arn] } };
    },
    effect(before, after) {
      expect(before.policies).toEqual([]);
      expect(after.policies).toEqual(['arn:aws:iam::123456789012:policy/iam-read']);
    },
  },
  {
    action: 'aws.deleteInlinePolicies',
    promise: 'deletes every inline policy and keeps their documents in the record',
    async arrange(admin) {
      await seedUser(admin, USER, { ...NOTHING, inlinePolicies: ['adhoc-s3', 'adhoc-logs'] });
      return { userName: USER, params: { userName: USER } };
    },
    effect(before, after, output) {
      expect(before.inline).toEqual(['adhoc-logs', 'adhoc-s3']);
      expect(after.inline).toEqual([]);
      const policies = output.policies as { name: string; document: unknown }[];
      expect(policies.map((p) => p.name).sort()).toEqual(before.inline);
      expect(policies[0]?.document).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });
    },
  },
  {
    action: 'aws.quarantinePrincipal',
    promise: 'creates the deny-all WardenQuarantine policy and attaches it',
    async arrange(admin) {
      await seedUser(admin, USER, { ...NOTHING, accessKeys: 1, managedPolicies: ['s3-read'] });
      return { userName: USER, params: { userName: USER } };
    },
    effect(before, after) {
      expect(after).toEqual({ ...before, policies: [...before.policies, QUARANTINE].sort() });
    },
  },
  {
    action: 'aws.releaseQuarantine',
    promise: 'detaches WardenQuarantine and nothing else',
    async arrange(admin) {
      await seedUser(admin, USER, { ...NOTHING, managedPolicies: ['s3-read'] });
      const { Policy } = await admin.send(new CreatePolicyCommand({ PolicyName: 'WardenQuarantine', PolicyDocument: DENY_ALL }));
      await admin.send(new AttachUserPolicyCommand({ UserName: USER, PolicyArn: Policy?.Arn }));
      return { userName: USER, params: { userName: USER } };
    },
    effect(before, after) {
      expect(after.policies).toEqual(before.policies.filter((p) => p !== QUARANTINE));
      expect(after.policies).toHaveLength(1);
    },
  },
]);
