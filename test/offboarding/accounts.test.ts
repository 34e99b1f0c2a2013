import type { IAMClient } from '@aws-sdk/client-iam';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsIam } from '../../activities/providers/aws-iam/aws-iam.js';
import type { ActionDeps } from '../../catalog/types.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';
import { MOTO_CREDENTIALS, motoClientAs, seedUser } from '../peers/moto.js';
import { iamHoldings, inputFor, offboardingDeps, seedDeparting, startOffboarding, startWorld, waitForState, type OffboardingWorld } from './fixture.js';

/**
 * A person whose IAM user lives in another AWS account: the offboarding acts there through the
 * account's role (STS AssumeRole on moto, which switches accounts by the role's ARN), and a
 * same-named user in the default account is left alone.
 */
const OTHER = '111111111111';
const ROLE = `arn:aws:iam::${OTHER}:role/WardenOffboarding`;
let w: OffboardingWorld;
let client: Client;
let other: IAMClient;

beforeAll(async () => {
  [w, client] = await Promise.all([startWorld(), suiteClient()]);
  other = motoClientAs(w.moto.endpoint, ROLE);
}, 120_000);
afterAll(async () => {
  await w?.close();
  await client?.connection.close();
});

describe('offboarding across AWS accounts', () => {
  it('revokes the IAM user in the account the directory names, through its role, and leaves the default account alone', async () => {
    const d = await seedDeparting(w);
    const userName = d.person.id;
    await seedUser(other, userName, { accessKeys: 1, groups: [`${userName}-other`] });
    const person = { ...d.person, aws: [{ account: OTHER, userName }] };
    const deps: ActionDeps = {
      ...w.deps,
      iamAccounts: { [OTHER]: createAwsIam({ endpoint: w.moto.endpoint, credentials: MOTO_CREDENTIALS, assumeRole: { roleArn: ROLE, stsEndpoint: w.moto.endpoint } }) },
    };
    const before = await iamHoldings(w.admin, userName);
    const taskQueue = uniqueTaskQueue('offboard-accounts');
    const state = await withWorker(offboardingDeps(deps), { taskQueue }, async () => {
      const handle = await startOffboarding(client, taskQueue, inputFor({ ...d, person }));
      const reached = await waitForState(handle, (s) => s.phase === 'retention');
      await handle.terminate('test done');
      return reached;
    });
    expect(state.providers.aws).toMatchObject({ status: 'done', escalated: 0 });
    expect(await iamHoldings(other, userName)).toEqual({ exists: true, keys: [], loginProfile: false, mfa: [], groups: [], policies: ['WardenQuarantine'], inline: [], ssh: [] });
    expect(await iamHoldings(w.admin, userName)).toEqual(before);
    expect(before.keys?.length).toBe(2);
  });

  it('refuses to act in an account that is neither listed nor the default one: escalated with the reason, the same-named default user untouched', async () => {
    const d = await seedDeparting(w);
    const person = { ...d.person, aws: [{ account: 'staging', userName: d.person.id }] };
    const before = await iamHoldings(w.admin, d.person.id);
    const taskQueue = uniqueTaskQueue('offboard-unlisted');
    const state = await withWorker(offboardingDeps(w.deps), { taskQueue }, async () => {
      const handle = await startOffboarding(client, taskQueue, inputFor({ ...d, person }));
      const reached = await waitForState(handle, (s) => (s.providers.aws?.escalated ?? 0) > 0 && s.providers.github?.status === 'done');
      await handle.terminate('test done');
      return reached;
    });
    const escalated = state.items.filter((i) => i.provider === 'aws' && i.status === 'escalated');
    expect(escalated.length).toBeGreaterThan(0);
    expect(escalated[0]?.error).toMatchObject({ type: 'AwsAccountNotConfigured', message: expect.stringContaining('AWS account staging is not the account of Warden') as unknown });
    expect(escalated[0]?.error?.message).toContain('123456789012');
    expect(await iamHoldings(w.admin, d.person.id)).toEqual(before);
  });
});
