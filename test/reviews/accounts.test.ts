import { join } from 'node:path';
import { ListGroupsForUserCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsIam } from '../../activities/providers/aws-iam/aws-iam.js';
import { createLocalEvidenceStore } from '../../activities/providers/evidence/local-evidence-store.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';
import { MOTO_CREDENTIALS, motoClient, motoClientAs, seedUser, startMoto, type MotoPeer } from '../peers/moto.js';
import { directoryOf, reviewSettings, startCampaign, tempStore } from './fixture.js';

/**
 * A campaign over two AWS accounts on moto: the default one and another reached through its
 * role. People name the other account as aws.accounts does; an orphaned user there is revoked
 * there on silence, and the same-named user of the default account is reviewed on its own.
 */
const OTHER = '222222222222';
const ROLE = `arn:aws:iam::${OTHER}:role/WardenReviewer`;
const bare = { accessKeys: 0, loginProfile: false, mfa: false, managedPolicies: [], inlinePolicies: [], sshKeys: 0 };
let moto: MotoPeer;
let client: Client;
let other: IAMClient;
const groupsOf = async (iam: IAMClient, user: string) => ((await iam.send(new ListGroupsForUserCommand({ UserName: user }))).Groups ?? []).map((g) => g.GroupName).sort();

beforeAll(async () => {
  [moto, client] = await Promise.all([startMoto(), suiteClient()]);
  other = motoClientAs(moto.endpoint, ROLE);
}, 120_000);
afterAll(async () => {
  await moto?.stop();
  await client?.connection.close();
});

describe('an access review over two AWS accounts', () => {
  it('collects both, names the other account as configured, and revokes there through its role', async () => {
    const admin = motoClient(moto.endpoint);
    await seedUser(admin, 'kim', { ...bare, groups: ['data-scientists'] });
    await seedUser(other, 'kim', { ...bare, groups: ['data-scientists'] });
    await seedUser(other, 'stray', { ...bare, groups: ['data-scientists'] });
    const people = [
      { id: 'lead', name: 'Lee Lead', email: 'lead@example.com' },
      {
        id: 'kim',
        name: 'Kim Scientist',
        email: 'kim@example.com',
        manager: 'lead',
        aws: [
          { account: '123456789012', user_name: 'kim' },
          { account: OTHER, user_name: 'kim' },
        ],
        roles: ['data-scientist'],
      },
    ];
    const setup = {
      providers: {
        evidence: createLocalEvidenceStore(join(tempStore().dir, 'evidence')),
        iam: createAwsIam({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }),
        iamAccounts: { [OTHER]: createAwsIam({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS, assumeRole: { roleArn: ROLE, stsEndpoint: moto.endpoint } }) },
      },
      directory: directoryOf(people),
      reviews: { settings: reviewSettings({ on_silence: 'revoke-flagged' }), store: tempStore().store },
    };
    const taskQueue = uniqueTaskQueue('review-accounts');
    const state = await withWorker(setup, { taskQueue }, async () =>
      (await startCampaign(client, taskQueue, 'accounts-1', { scope: ['aws'], timing: { deadlineMs: 2_000, graceMs: 0, remindersMs: [] } })).result(),
    );
    // One batch per account; three entitlements; only the stray user is orphaned (flagged).
    expect(state.sources.aws).toMatchObject({ done: true, batches: 2 });
    expect(state.counts).toMatchObject({ entitlements: 3, flagged: 1, revokedOnSilence: 1, keptOnSilence: 2, enforced: 1, enforcementFailed: 0 });
    expect(state.counts.findings.orphaned).toBe(1);
    expect(await groupsOf(other, 'stray')).toEqual([]);
    expect(await groupsOf(other, 'kim')).toEqual(['data-scientists']);
    expect(await groupsOf(admin, 'kim')).toEqual(['data-scientists']);
  }, 120_000);
});
