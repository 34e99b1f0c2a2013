import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsIam } from '../../../activities/providers/aws-iam/aws-iam.js';
import { seedUser, type SeedOptions } from '../../peers/moto.js';
import { failureOf, runAction, snapshot, startIamWorld, type IamWorld } from './harness.js';

const NOTHING: SeedOptions = { accessKeys: 0, loginProfile: false, mfa: false, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0 };

describe('AWS IAM errors against moto say what to do', () => {
  let world: IamWorld;
  beforeAll(async () => {
    world = await startIamWorld();
  });
  afterAll(async () => world.close());
  beforeEach(async () => world.moto.reset());

  it('a missing user is a non-retryable AwsNotFound naming the user', async () => {
    const failure = await failureOf(runAction(world, 'aws.disableAccessKey', { userName: 'nobody', accessKeyId: 'AKIAAAAAAAAAAAAAAAAA' }));
    expect(failure).toMatchObject({ type: 'AwsNotFound', nonRetryable: true });
    expect(failure.message).toContain('ListAccessKeys (IAM user nobody)');
    expect(failure.message).toContain('The user with name nobody cannot be found');
  });

  it('a key the user does not have is a non-retryable AwsNotFound naming the key', async () => {
    await seedUser(world.admin, 'dana', { ...NOTHING, accessKeys: 1 });
    const failure = await failureOf(runAction(world, 'aws.disableAccessKey', { userName: 'dana', accessKeyId: 'AKIAAAAAAAAAAAAAAAAA' }));
    expect(failure).toMatchObject({ type: 'AwsNotFound', nonRetryable: true });
    expect(failure.message).toBe('access key AKIAAAAAAAAAAAAAAAAA of IAM user dana does not exist (ListAccessKeys)');
  });

  it('a key of another user is refused, never reported "already deleted"', async () => {
    await seedUser(world.admin, 'dana', { ...NOTHING, accessKeys: 1 });
    const erin = await seedUser(world.admin, 'erin', { ...NOTHING, accessKeys: 1 });
    const params = { userName: 'dana', accessKeyId: erin.accessKeys[0]?.accessKeyId };
    for (const action of ['aws.deleteAccessKey', 'aws.disableAccessKey']) {
      const failure = await failureOf(runAction(world, action, params));
      expect(failure).toMatchObject({ type: 'AwsNotFound', nonRetryable: true });
      expect(failure.message).toBe(`access key ${params.accessKeyId} belongs to IAM user erin, not IAM user dana; check the user name`);
    }
    expect((await snapshot(world.admin, 'erin')).keys).toEqual({ [params.accessKeyId ?? '']: 'Active' });
  });

  it('a denied call is a non-retryable AwsAccessDenied naming the permission to grant', async () => {
    const seeded = await seedUser(world.admin, 'limited', { ...NOTHING, accessKeys: 1 });
    const key = seeded.accessKeys[0];
    const limited = createAwsIam({ endpoint: world.moto.endpoint, credentials: { accessKeyId: key?.accessKeyId ?? '', secretAccessKey: key?.secretAccessKey ?? '' } });
    const bogus = createAwsIam({ endpoint: world.moto.endpoint, credentials: { accessKeyId: 'AKIABOGUSBOGUSBOGUS0', secretAccessKey: 'bogus-secret-that-must-never-be-shown-0' } });
    await world.moto.setAuth(true);
    try {
      const denied = await failureOf(limited.setAccessKeyStatus({ userName: 'limited', accessKeyId: key?.accessKeyId ?? '', status: 'Inactive', dryRun: false }));
      expect(denied).toMatchObject({ type: 'AwsAccessDenied', nonRetryable: true });
      expect(denied.message).toContain('grant iam:ListAccessKeys');

      const rejected = await failureOf(bogus.listEntitlements());
      expect(rejected).toMatchObject({ type: 'AwsAccessDenied', nonRetryable: true });
      expect(rejected.message).toMatch(/rejected the credentials \(InvalidClientTokenId\)/);
      for (const failure of [denied, rejected]) {
        for (const secret of [key?.secretAccessKey ?? '', 'bogus-secret-that-must-never-be-shown-0', 'AKIABOGUSBOGUSBOGUS0']) expect(failure.message).not.toContain(secret);
      }
    } finally {
      await world.moto.setAuth(false);
    }
  });
});

describe('AWS IAM error answers moto cannot give (a loopback peer speaking the IAM error format)', () => {
  let server: Server;
  let answer: { status: number; code?: string; headers?: Record<string, string> } = { status: 500 };
  let endpoint = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      const { status, code, headers = {} } = answer;
      const body = code
        ? `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${code} says no</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`
        : '<html><body>Service Unavailable</body></html>';
      res.writeHead(status, { 'content-type': code ? 'text/xml' : 'text/html', ...headers }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  const call = () => createAwsIam({ endpoint, credentials: { accessKeyId: 'AKIATESTTESTTESTTEST', secretAccessKey: 'x'.repeat(40) } }).deleteLoginProfile({ userName: 'dana', dryRun: false });

  it('throttling is a retryable AwsUnavailable that honours Retry-After', async () => {
    answer = { status: 400, code: 'Throttling', headers: { 'retry-after': '7' } };
    const failure = await failureOf(call());
    expect(failure).toMatchObject({ type: 'AwsUnavailable', nonRetryable: false, nextRetryDelay: 7000 });
    expect(failure.message).toMatch(/throttled/);
  });

  it('a 5xx, with or without an AWS error body, is a retryable AwsUnavailable', async () => {
    for (const next of [{ status: 503 }, { status: 500, code: 'ServiceFailure' }]) {
      answer = next;
      expect(await failureOf(call())).toMatchObject({ type: 'AwsUnavailable', nonRetryable: false });
    }
  });

  it('refusals are non-retryable and typed with the AWS code', async () => {
    for (const code of ['DeleteConflict', 'ValidationError', 'LimitExceeded', 'InvalidInput']) {
      answer = { status: 409, code };
      const failure = await failureOf(call());
      expect(failure).toMatchObject({ type: code, nonRetryable: true });
      expect(failure.message).toContain(`GetUser (IAM user dana) was refused (${code})`);
    }
  });
});
