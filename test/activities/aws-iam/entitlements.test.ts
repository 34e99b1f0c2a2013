import { AttachUserPolicyCommand, CreatePolicyCommand, ListUsersCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsIam } from '../../../activities/providers/aws-iam/aws-iam.js';
import { MOTO_CREDENTIALS, motoClient, seedUser, type SeedOptions } from '../../peers/moto.js';
import { failureOf, runAction, snapshot, startIamWorld, type IamWorld } from './harness.js';

const NOTHING: SeedOptions = { accessKeys: 0, loginProfile: false, mfa: false, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0 };
const READ = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

describe('aws.listEntitlements against moto', () => {
  let world: IamWorld;
  beforeAll(async () => {
    world = await startIamWorld();
  });
  afterAll(async () => world.close());
  beforeEach(async () => world.moto.reset());

  it('reports every user with groups, policies, keys (status, age, last use), console access, MFA and SSH keys', async () => {
    const dana = await seedUser(world.admin, 'dana', { accessKeys: 2 });
    await seedUser(world.admin, 'erin', NOTHING);
    const [used, disabled] = dana.accessKeys;
    await world.admin.send(new UpdateAccessKeyCommand({ UserName: 'dana', AccessKeyId: disabled?.accessKeyId, Status: 'Inactive' }));
    const asDana = motoClient(world.moto.endpoint, { accessKeyId: used?.accessKeyId ?? '', secretAccessKey: used?.secretAccessKey ?? '' });
    await asDana.send(new ListUsersCommand({}));
    asDana.destroy();

    const { users } = await world.iam.listEntitlements();
    expect(users.map((u) => u.userName).sort()).toEqual(['dana', 'erin']);
    const d = users.find((u) => u.userName === 'dana');
    expect(d).toMatchObject({
      arn: 'arn:aws:iam::123456789012:user/dana',
      groups: ['dana-team'],
      attachedPolicies: [{ name: 'dana-read', arn: 'arn:aws:iam::123456789012:policy/dana-read' }],
      inlinePolicies: ['dana-inline'],
      loginProfile: { passwordResetRequired: false },
      mfaDevices: [{ serialNumber: 'arn:aws:iam::123456789012:mfa/dana-mfa' }],
      sshKeys: [{ sshPublicKeyId: dana.sshKeyIds[0], status: 'Active' }],
      signingCertificates: [],
    });
    const keys = Object.fromEntries(d?.accessKeys.map((k) => [k.accessKeyId, k]) ?? []);
    expect(keys[used?.accessKeyId ?? '']).toMatchObject({ status: 'Active', lastUsed: { service: 'iam', region: 'us-east-1' } });
    expect(keys[disabled?.accessKeyId ?? '']).toMatchObject({ status: 'Inactive' });
    expect(keys[disabled?.accessKeyId ?? '']?.lastUsed).toBeUndefined();
    expect(Date.parse(keys[used?.accessKeyId ?? '']?.createDate ?? '')).toBeGreaterThan(0);
    expect(users.find((u) => u.userName === 'erin')).toMatchObject({ groups: [], accessKeys: [], loginProfile: null, mfaDevices: [], sshKeys: [] });
  });

  it('reports service-specific credentials as unavailable on moto, with the reason, instead of failing the listing', async () => {
    await seedUser(world.admin, 'dana', NOTHING);
    const { users } = await world.iam.listEntitlements();
    expect(users[0]?.serviceSpecificCredentials).toBe('unavailable');
    expect(users[0]?.unavailable.serviceSpecificCredentials).toMatch(/HTTP 500 and no AWS error.*does not implement/);
  });

  it('follows every page of the list calls', async () => {
    const paged = createAwsIam({ endpoint: world.moto.endpoint, credentials: MOTO_CREDENTIALS, pageSize: 2 });
    await seedUser(world.admin, 'dana', NOTHING);
    const arns: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { Policy } = await world.admin.send(new CreatePolicyCommand({ PolicyName: `read-${i}`, PolicyDocument: READ }));
      await world.admin.send(new AttachUserPolicyCommand({ UserName: 'dana', PolicyArn: Policy?.Arn }));
      arns.push(Policy?.Arn ?? '');
    }
    for (let i = 0; i < 5; i++) await seedUser(world.admin, `user-${i}`, NOTHING);

    // moto pages ListAttachedUserPolicies by MaxItems (2 here); it answers ListUsers in one page.
    const { users } = await paged.listEntitlements();
    expect(users).toHaveLength(6);
    expect(
      users
        .find((u) => u.userName === 'dana')
        ?.attachedPolicies.map((p) => p.arn)
        .sort(),
    ).toEqual(arns.sort());
  });

  it('reads only the named users, and fails with a non-retryable AwsNotFound for one that does not exist', async () => {
    await seedUser(world.admin, 'dana', NOTHING);
    await seedUser(world.admin, 'erin', NOTHING);
    expect((await world.iam.listEntitlements({ userNames: ['erin'] })).users.map((u) => u.userName)).toEqual(['erin']);
    const failure = await failureOf(world.iam.listEntitlements({ userNames: ['erin', 'nobody'] }));
    expect(failure).toMatchObject({ type: 'AwsNotFound', nonRetryable: true });
    expect(failure.message).toContain('IAM user nobody');
  });

  it('runs as the read-only catalog action, also in dry run, changing nothing', async () => {
    await seedUser(world.admin, 'dana');
    const before = await snapshot(world.admin, 'dana');
    const read = await runAction(world, 'aws.listEntitlements', {});
    expect(read).toMatchObject({ status: 'already', plan: ['read the IAM entitlements of 1 user'], output: { userCount: 1 } });
    const planned = await runAction(world, 'aws.listEntitlements', { userNames: ['dana'] }, true);
    expect(planned.status).toBe('planned');
    expect(planned.output.users).toEqual(read.output.users);
    expect(await snapshot(world.admin, 'dana')).toEqual(before);
  });

  it('fails with a retryable AwsUnavailable while moto is down, and reads once it is back', async () => {
    await world.moto.stop();
    const failure = await failureOf(runAction(world, 'aws.listEntitlements', {}));
    expect(failure).toMatchObject({ type: 'AwsUnavailable', nonRetryable: false });
    await world.moto.restart(async (endpoint) => {
      const admin = motoClient(endpoint);
      await seedUser(admin, 'dana', NOTHING);
      admin.destroy();
    });
    expect((await runAction(world, 'aws.listEntitlements', {})).output.userCount).toBe(1);
  });
});
