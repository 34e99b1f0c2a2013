import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offboardingRetryUpdate, type OffboardingState } from '../../contracts/offboarding.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';
import { userPermissions } from '../peers/mlflow-auth.js';
import {
  githubHoldings,
  iamHoldings,
  inputFor,
  MANAGER,
  offboardingDeps,
  SECURITY,
  seedDeparting,
  seedMlflowUser,
  startOffboarding,
  startWorld,
  storedReport,
  waitForState,
  type Departing,
  type OffboardingWorld,
} from './fixture.js';

let w: OffboardingWorld;
let client: Client;
beforeAll(async () => {
  [w, client] = await Promise.all([startWorld({ mlflow: true }), suiteClient()]);
}, 180_000);
afterAll(async () => {
  await w?.close();
  await client?.connection.close();
});

const inRetention = (s: OffboardingState) => s.phase === 'retention';
const revocations = (s: OffboardingState) => s.items.filter((i) => i.stage === 'revoke');

const mlflowHoldings = async (d: Departing) => {
  const held = await userPermissions(w.mlflow!, d.person.mlflowUser!);
  return { admin: held.is_admin, grants: held.permissions.map((p) => `${p.resource_type}:${p.resource_pattern}:${p.permission}`).sort() };
};

describe('offboarding a departing person on moto, the GitHub fake and MLflow with its auth app', () => {
  let d: Departing;
  let mlflowSeed: { experiments: string[]; model: string };
  let dryRun: OffboardingState;

  it('a dry run changes nothing and lists every item with its plan, before and after', async () => {
    d = await seedDeparting(w);
    d = { ...d, person: { ...d.person, mlflowUser: `${d.person.id}-ml` } };
    mlflowSeed = await seedMlflowUser(w, d.person.mlflowUser!);
    const before = { iam: await iamHoldings(w.admin, d.person.id), github: githubHoldings(w.gh, d), mlflow: await mlflowHoldings(d) };
    expect(before.mlflow.grants).toHaveLength(3);
    const taskQueue = uniqueTaskQueue('offboard-dry');
    dryRun = await withWorker(offboardingDeps(w.deps), { taskQueue }, async () => (await startOffboarding(client, taskQueue, inputFor(d, { dryRun: true }))).result());
    expect(dryRun).toMatchObject({ phase: 'done', dryRun: true, retention: { status: 'planned' } });
    expect(dryRun.items.every((i) => i.status === 'planned')).toBe(true);
    expect(await iamHoldings(w.admin, d.person.id)).toEqual(before.iam);
    expect(githubHoldings(w.gh, d)).toEqual(before.github);
    expect(await mlflowHoldings(d)).toEqual(before.mlflow);
    const mlflowItem = dryRun.items.find((i) => i.provider === 'mlflow')!;
    expect(mlflowItem).toMatchObject({ action: 'model.revokeUserPermissions', status: 'planned', before: { exists: true, grants: expect.any(Array) as unknown }, after: { grants: [] } });
    expect(mlflowItem.plan).toHaveLength(3);
    const keyItem = dryRun.items.find((i) => i.id.endsWith(`${d.iam.accessKeys[0]!.accessKeyId}/disable`))!;
    expect(keyItem).toMatchObject({ before: { status: 'Active' }, after: { status: 'Inactive' }, outcome: 'planned' });
    expect(keyItem.plan?.join()).toContain('set access key');
    // Email, the security channel, and a direct message to the manager: all planned, none sent.
    const notifications = dryRun.notifications.filter((n) => n.purpose === 'report');
    expect(notifications.map((n) => `${n.channel}:${n.status}`).sort()).toEqual(['email:planned', 'slack:planned', 'slack:planned']);
    expect(notifications.find((n) => n.detail?.startsWith(`direct message to ${MANAGER.slackUserId}`))).toBeDefined();
  }, 120_000);

  it('revokes every credential at every provider, and the report lists each with its before and after', async () => {
    const taskQueue = uniqueTaskQueue('offboard-live');
    const state = await withWorker(offboardingDeps(w.deps), { taskQueue }, async () => {
      const handle = await startOffboarding(client, taskQueue, inputFor(d));
      const reached = await waitForState(handle, inRetention);
      await handle.terminate('test done: the retention runs on the time-skipping server');
      return reached;
    });
    // The same items as the dry run, now done.
    expect(revocations(state).map((i) => i.id)).toEqual(revocations(dryRun).map((i) => i.id));
    expect(revocations(state).every((i) => i.status === 'done')).toBe(true);
    expect(state.providers).toMatchObject({ aws: { status: 'done', escalated: 0 }, github: { status: 'done', escalated: 0 }, mlflow: { status: 'done', escalated: 0 } });
    // Each provider revokes in two waves, each at once: the first wave starts in one workflow task;
    // the second (key deletions, the quarantine; GitHub's membership, outside access, invitations)
    // starts once the whole first wave is done.
    const later = new Set(['aws.deleteAccessKey', 'aws.quarantinePrincipal', 'github.removeOrgMember', 'github.removeOutsideCollaborator', 'github.cancelInvitations']);
    for (const provider of ['aws', 'github'] as const) {
      const items = revocations(state).filter((i) => i.provider === provider && i.action !== 'aws.listEntitlements');
      const [first, second] = [items.filter((i) => !later.has(i.action)), items.filter((i) => later.has(i.action))];
      expect(first.length, provider).toBeGreaterThan(1);
      expect(new Set(first.map((i) => i.startedAt)).size, provider).toBe(1);
      const firstDone = first
        .map((i) => i.finishedAt!)
        .sort()
        .at(-1)!;
      for (const i of second) expect(i.startedAt! >= firstDone, `${i.id} started ${i.startedAt}, before the first wave ended ${firstDone}`).toBe(true);
    }

    expect(await iamHoldings(w.admin, d.person.id)).toEqual({ exists: true, keys: [], loginProfile: false, mfa: [], groups: [], policies: ['WardenQuarantine'], inline: [], ssh: [] });
    expect(githubHoldings(w.gh, d)).toEqual({ member: false, teams: [], grants: [], sso: [], invitations: [] });
    expect(await mlflowHoldings(d)).toEqual({ admin: false, grants: [] });

    const { json, markdown } = storedReport(w.peers.evidenceDir, state);
    const row = (suffix: string) => json.credentials.find((c) => c.item.endsWith(suffix))!;
    for (const key of d.iam.accessKeys) {
      expect(row(`${key.accessKeyId}/disable`)).toMatchObject({ before: { status: 'Active' }, after: { status: 'Inactive' }, result: 'revoked' });
      expect(row(`${key.accessKeyId}/delete`)).toMatchObject({ before: { accessKey: { accessKeyId: key.accessKeyId } }, after: { accessKey: null } });
      expect(markdown).toContain(key.accessKeyId);
    }
    expect(row('/login-profile')).toMatchObject({ before: { loginProfile: true }, after: { loginProfile: false } });
    expect(row('/mfa')).toMatchObject({ before: { mfaDevices: d.iam.mfaSerials }, after: { mfaDevices: [] } });
    expect(row('/groups')).toMatchObject({ before: { groups: expect.arrayContaining([...d.iam.groups]) as unknown }, after: { groups: [] } });
    expect(row('/managed-policies')).toMatchObject({ before: { policyArns: d.iam.policyArns }, after: { policyArns: [] } });
    expect(row('/inline-policies')).toMatchObject({ before: { policyNames: d.iam.inlinePolicies }, after: { policyNames: [] } });
    expect(row('/ssh-keys')).toMatchObject({ before: { sshKeyIds: d.iam.sshKeyIds }, after: { sshKeyIds: [] } });
    expect(row('/quarantine')).toMatchObject({ before: { quarantined: false }, after: { quarantined: true } });
    expect(row('/pat-grants')).toMatchObject({ before: { grants: d.grantIds.map((id) => expect.objectContaining({ id }) as unknown) }, after: { grants: [] } });
    expect(row('/sso-authorizations')).toMatchObject({ before: { authorizations: [expect.objectContaining({ credentialId: d.credentialIds[0] })] }, after: { authorizations: [] } });
    expect(row('/org-membership')).toMatchObject({ before: { member: true }, after: { member: false } });
    expect(row('/invitations')).toMatchObject({ before: { invitations: [expect.objectContaining({ id: d.invitationId })] }, after: { invitations: [] } });
    const [e1, e2] = mlflowSeed.experiments;
    expect(row('/permissions')).toMatchObject({
      action: 'model.revokeUserPermissions',
      result: 'revoked',
      before: {
        user: d.person.mlflowUser,
        exists: true,
        grants: expect.arrayContaining([expect.objectContaining({ resourceType: 'registered_model', resourceId: mlflowSeed.model, permission: 'MANAGE' })]) as unknown,
      },
      after: { grants: [], roles: [], isAdmin: false },
    });
    expect(row('/permissions').plan).toEqual(expect.arrayContaining([`revoke EDIT on experiment ${e1} from ${d.person.mlflowUser}`, `revoke EDIT on experiment ${e2} from ${d.person.mlflowUser}`]));
    for (const c of json.credentials) expect(c.at, c.item).toMatch(/^\d{4}-/);
    for (const text of [...d.iam.groups, ...d.iam.sshKeyIds, d.iam.inlinePolicies[0]!, String(d.grantIds[1])]) expect(markdown).toContain(text);

    // The manager and security got the report by email, and the channel a summary.
    const mail = w.peers.smtp.messages.find((m) => m.subject?.includes(d.person.name) && m.subject.endsWith('report'));
    expect(mail?.to && (Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((a) => a.value.map((v) => v.address))).toEqual([SECURITY, MANAGER.email]);
    expect(mail?.text).toContain(d.iam.accessKeys[1]!.accessKeyId);
    expect(w.peers.slack.messages.some((m) => m.text.includes(`Offboarding of ${d.person.name}`) && m.text.includes('revoked'))).toBe(true);
    // ...and the manager a direct message, once (the app's IM with them, opened by conversations.open).
    const im = w.peers.slack.imOf(MANAGER.slackUserId!);
    const dms = w.peers.slack.messages.filter((m) => m.channel === im && m.text.includes(`Offboarding of ${d.person.name}`));
    expect(dms).toHaveLength(1);
    expect(dms[0]!.text).toContain('revoked');
    expect(state.notifications.find((n) => n.purpose === 'report' && n.detail === `direct message to ${MANAGER.slackUserId}`)?.status).toBe('sent');
  }, 120_000);
});

describe('one provider down', () => {
  it('AWS finishes; the GitHub part is escalated with the exact error, waits, and completes once GitHub is back', async () => {
    const d = await seedDeparting(w);
    const taskQueue = uniqueTaskQueue('offboard-down');
    await w.gh.stop();
    try {
      await withWorker(offboardingDeps(w.deps), { taskQueue }, async () => {
        const handle = await startOffboarding(client, taskQueue, inputFor(d, { policy: { maxAttempts: 2, initialInterval: '100ms' } }));
        // GitHub's first wave (token grants, SSO authorizations) is escalated; its second wave waits for it.
        const githubEscalated = (s: OffboardingState) => s.items.filter((i) => i.provider === 'github' && i.status === 'escalated');
        const stuck = await waitForState(handle, (s) => s.providers.aws?.status === 'done' && githubEscalated(s).length === 2);
        expect(await iamHoldings(w.admin, d.person.id)).toMatchObject({ keys: [], groups: [], policies: ['WardenQuarantine'] });
        const login = d.person.githubLogin;
        expect(
          githubEscalated(stuck)
            .map((i) => i.id)
            .sort(),
        ).toEqual([`github/${login}/pat-grants`, `github/${login}/sso-authorizations`]);
        expect(stuck.items.filter((i) => i.provider === 'github' && i.status === 'pending').map((i) => i.id.split('/').at(-1))).toEqual(['org-membership', 'outside-collaborator', 'invitations']);
        const escalated = stuck.items.find((i) => i.id === `github/${login}/pat-grants`)!;
        expect(escalated).toMatchObject({ error: { type: 'GitHubUnavailable' } });
        expect(escalated.error?.message).toMatch(/GitHub could not be reached/);
        // Security was told, with the exact error; the workflow waits rather than dropping the item.
        await expect.poll(() => w.peers.smtp.messages.find((m) => m.subject?.includes(`${escalated.id} needs an operator`))?.text ?? '').toContain(escalated.error!.message);
        expect(stuck.phase).toBe('revoking');

        await w.gh.start();
        expect((await handle.executeUpdate(offboardingRetryUpdate, { args: [{ by: 'olga' }] })).sort()).toEqual(
          githubEscalated(stuck)
            .map((i) => i.id)
            .sort(),
        );
        const done = await waitForState(handle, inRetention);
        expect(done.items.find((i) => i.id === escalated.id)).toMatchObject({ status: 'done', runs: 2, retries: [expect.objectContaining({ by: 'olga' })] });
        await handle.terminate('test done');
      });
    } finally {
      await w.gh.start().catch(() => undefined);
    }
    expect(githubHoldings(w.gh, d)).toEqual({ member: false, teams: [], grants: [], sso: [], invitations: [] });
  });
});
