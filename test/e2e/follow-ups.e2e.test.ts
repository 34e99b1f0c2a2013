import { randomUUID } from 'node:crypto';
import { CreateRoleCommand, GetRolePolicyCommand, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { renderIncident } from '../../cli/commands/incidents.js';
import { incidentStateQuery, type Alert, type IncidentState } from '../../contracts/incident.js';
import { postAlert, tokens } from '../helpers/intake.js';
import { useLiveWorld } from '../helpers/live-world.js';
import { withWorker } from '../harness.js';
import { seedUser } from '../peers/moto.js';

/**
 * Follow-ups of a live incident, through the intake, at moto: a further key (or role) a follow-up
 * names is contained like the first, whether the incident waits for an approval or has contained
 * already; the same key again runs nothing; a firing follow-on reopens a resolved incident, a
 * resolved notification does not; after closing, the next alert opens an incident linked to it.
 */
const world = useLiveWorld();

type Answer = { incidentId: string; workflowId: string; deduplicated: boolean; linkedIncidentId?: string };

/** A leaked key of `user`; alerts without a fingerprint correlate by type and user, so every key of one user joins one incident. */
const leak = (user: string, over: Partial<Alert['principal']> & { severity?: Alert['severity']; status?: Alert['status'] } = {}): Alert => {
  const { severity = 'high', status, ...principal } = over;
  return {
    type: 'credential.leaked',
    severity,
    title: `AWS key of ${user} committed to a public repository`,
    source: 'github-secret-scanning',
    principal: { aws_user: user, ...principal },
    ...(status ? { status } : {}),
  };
};

async function send(alert: Alert): Promise<Answer> {
  const res = await postAlert(world().intake.url, alert, {}, '?dry_run=false');
  expect(res.status).toBe(202);
  return (await res.json()) as Answer;
}

/** A person's call on an incident endpoint; answers its status and body. */
async function call(incidentId: string, path: string, token: string, body: object): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${world().intake.url}/v1/incidents/${incidentId}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** A destructive step an alert asked for: two on-call people approve, each with a reason. */
async function approve(incidentId: string, stepId: string): Promise<void> {
  for (const token of [tokens.oncall, tokens.oncall2]) {
    expect((await call(incidentId, `approvals/${stepId}`, token, { decision: 'approve', reason: 'confirmed leaked' })).status).toBe(200);
  }
}

const statusesOf = async (user: string) =>
  Object.fromEntries(((await world().admin.send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata ?? []).map((k) => [k.AccessKeyId!, k.Status!]));

/** A user of this run (the dev server outlives runs: an earlier run's incident must not be joined) with two keys. */
async function userWithTwoKeys(): Promise<{ user: string; key1: string; key2: string }> {
  const user = `fu-${randomUUID().slice(0, 8)}`;
  const seeded = await seedUser(world().admin, user, { accessKeys: 2, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0, mfa: false, loginProfile: false });
  return { user, key1: seeded.accessKeys[0]!.accessKeyId, key2: seeded.accessKeys[1]!.accessKeyId };
}

type Query = (workflowId: string) => Promise<IncidentState>;

/** The first key's alert: its incident once the key is disabled and the deletion waits for its approval. */
async function leakedAndContained(query: Query, user: string, key1: string): Promise<Answer> {
  const first = await send(leak(user, { aws_access_key_id: key1 }));
  await expect.poll(async () => (await query(first.workflowId)).steps.delete_key?.status, { timeout: 30_000 }).toBe('awaiting-approval');
  return first;
}

function live<T>(test: (query: Query) => Promise<T>): Promise<T> {
  const { client, iam, intake, peers } = world();
  return withWorker({ providers: { ...peers.deps, iam } }, { taskQueue: intake.taskQueue }, () => test((id) => client.workflow.getHandle(id).query(incidentStateQuery)));
}

describe('a follow-up that names a further target is contained like the first', () => {
  it('a second key of the same user, sent while the incident waits for an approval, is disabled at moto; the same key again runs nothing', () =>
    live(async (query) => {
      const { user, key1, key2 } = await userWithTwoKeys();
      const first = await leakedAndContained(query, user, key1);
      expect(await statusesOf(user)).toEqual({ [key1]: 'Inactive', [key2]: 'Active' });
      const containedFirst = (await query(first.workflowId)).times.containedAt;
      expect(containedFirst).toBeDefined();

      const second = await send(leak(user, { aws_access_key_id: key2 }));
      expect(second).toMatchObject({ incidentId: first.incidentId, deduplicated: true });
      // Disabled while the first key's deletion still waits for its approval.
      await expect.poll(() => statusesOf(user), { timeout: 30_000 }).toEqual({ [key1]: 'Inactive', [key2]: 'Inactive' });
      await expect.poll(async () => (await query(first.workflowId)).times.containedAt, { timeout: 30_000 }).not.toBe(containedFirst);
      const s = await query(first.workflowId);
      expect(s.steps['disable_key@2']).toMatchObject({ status: 'applied', outcome: 'changed', target: { of: 'disable_key', n: 2 } });
      // Each record says what it did: the instance the second key, the playbook step the first only.
      expect(JSON.stringify(s.steps['disable_key@2']!.plan)).toContain(key2);
      expect(s.steps.disable_key).toMatchObject({ status: 'applied' });
      expect(JSON.stringify(s.steps.disable_key!.plan)).toContain(key1);
      expect(JSON.stringify(s.steps.disable_key!.plan)).not.toContain(key2);
      expect(s.targets).toEqual([expect.objectContaining({ n: 2, steps: ['disable_key@2'], names: `aws_access_key_id ${key2}, aws_user ${user}`, containedAtBefore: containedFirst })]);
      // Contained again only once the second key was: when it was disabled.
      expect(s.times.containedAt).toBe(s.steps['disable_key@2']!.finishedAt);
      expect(s.steps.delete_key!.status).toBe('awaiting-approval');
      expect(s.status).toBe('awaiting-approval');
      // `warden incidents show` names the target and its step.
      const shown = renderIncident(s);
      expect(shown).toMatch(new RegExp(`target 2 +aws_access_key_id ${key2}, aws_user ${user}, named at .*: disable_key@2`));
      expect(shown).toMatch(/disable_key@2 .*applied/);

      // The same key again: an event of the incident, nothing runs again.
      expect(await send(leak(user, { aws_access_key_id: key2 }))).toMatchObject({ incidentId: first.incidentId, deduplicated: true });
      await expect.poll(async () => (await query(first.workflowId)).alerts.count, { timeout: 30_000 }).toBe(3);
      const again = await query(first.workflowId);
      expect(Object.keys(again.steps).filter((id) => id.includes('@'))).toEqual(['disable_key@2']);
      expect(again.steps['disable_key@2']!.startedAt).toBe(s.steps['disable_key@2']!.startedAt);
      expect(again.targets).toHaveLength(1);

      // The first key's deletion, approved, runs for the first key only.
      await approve(first.incidentId, 'delete_key');
      await expect.poll(() => statusesOf(user), { timeout: 30_000 }).toEqual({ [key2]: 'Inactive' });
      await world().client.workflow.getHandle(first.workflowId).terminate('test over');
    }));

  it('a second key sent after containment completed is disabled at moto, and the incident is contained again', () =>
    live(async (query) => {
      const { user, key1, key2 } = await userWithTwoKeys();
      const first = await leakedAndContained(query, user, key1);
      await approve(first.incidentId, 'delete_key');
      await expect.poll(async () => (await query(first.workflowId)).awaiting, { timeout: 30_000 }).toBe('resolution');
      expect((await query(first.workflowId)).status).toBe('recovered');

      await send(leak(user, { aws_access_key_id: key2 }));
      await expect.poll(() => statusesOf(user), { timeout: 30_000 }).toEqual({ [key2]: 'Inactive' });
      await expect.poll(async () => (await query(first.workflowId)).status, { timeout: 30_000 }).toBe('recovered');
      const s = await query(first.workflowId);
      expect(s.steps['disable_key@2']).toMatchObject({ status: 'applied', target: { of: 'disable_key', n: 2 } });
      expect(s.times.containedAt).toBe(s.steps['disable_key@2']!.finishedAt);
      expect(s.timeline.some((t) => t.event.includes(`names a further target (aws_access_key_id ${key2}`))).toBe(true);
      await world().client.workflow.getHandle(first.workflowId).terminate('test over');
    }));

  it("a false positive cancelled with rollback re-enables each target's key through its own undo", () =>
    live(async (query) => {
      const { user, key1, key2 } = await userWithTwoKeys();
      const first = await leakedAndContained(query, user, key1);
      await send(leak(user, { aws_access_key_id: key2 }));
      await expect.poll(() => statusesOf(user), { timeout: 30_000 }).toEqual({ [key1]: 'Inactive', [key2]: 'Inactive' });
      await expect.poll(async () => (await query(first.workflowId)).steps['disable_key@2']?.status, { timeout: 30_000 }).toBe('applied');

      expect((await call(first.incidentId, 'cancel', tokens.oncall, { reason: 'test keys, a false positive', rollback: true })).status).toBe(202);
      // Each undo waits for its own approval, by someone other than olga who asked for the rollback.
      for (const id of ['undo_disable_key', 'undo_disable_key@2']) {
        await expect.poll(async () => (await query(first.workflowId)).steps[id]?.status, { timeout: 30_000 }).toBe('awaiting-approval');
      }
      expect((await query(first.workflowId)).steps['undo_disable_key@2']!.plan?.join('\n')).toContain(key2);
      expect(await statusesOf(user)).toEqual({ [key1]: 'Inactive', [key2]: 'Inactive' });
      for (const id of ['undo_disable_key', 'undo_disable_key@2']) {
        expect((await call(first.incidentId, `approvals/${id}`, tokens.oncall2, { decision: 'approve', reason: 'test keys, confirmed with the owner' })).status).toBe(200);
      }
      const ended = (await world().client.workflow.getHandle(first.workflowId).result()) as IncidentState;
      expect(ended.status).toBe('cancelled');
      expect(ended.steps.disable_key!.undo).toMatchObject({ action: 'aws.enableAccessKey', status: 'succeeded' });
      expect(ended.steps['disable_key@2']!.undo).toMatchObject({ action: 'aws.enableAccessKey', status: 'succeeded' });
      expect(await statusesOf(user)).toEqual({ [key1]: 'Active', [key2]: 'Active' });
    }));

  it('a further key the user does not have is not applied (target missing): the incident waits, cannot be resolved, until a person skips it', () =>
    live(async (query) => {
      const { user, key1 } = await userWithTwoKeys();
      const first = await leakedAndContained(query, user, key1);
      await approve(first.incidentId, 'delete_key');
      await expect.poll(async () => (await query(first.workflowId)).awaiting, { timeout: 30_000 }).toBe('resolution');

      await send(leak(user, { aws_access_key_id: 'AKIAFOLLOWUPMISSING1' }));
      await expect.poll(async () => (await query(first.workflowId)).steps['disable_key@2']?.status, { timeout: 30_000 }).toBe('not_applied');
      await expect.poll(async () => (await query(first.workflowId)).status, { timeout: 30_000 }).toBe('waiting');
      expect((await query(first.workflowId)).times.containedAt).toBeUndefined();
      const refused = await call(first.incidentId, 'resolve', tokens.oncall, { summary: 'done' });
      expect(refused.status).toBe(409);
      expect(JSON.stringify(refused.body)).toContain('disable_key@2 not_applied');

      expect((await call(first.incidentId, 'steps/disable_key@2', tokens.oncall, { action: 'skip', reason: 'not a key of ours' })).status).toBe(200);
      await expect.poll(async () => (await query(first.workflowId)).status, { timeout: 30_000 }).toBe('recovered');
      const s = await query(first.workflowId);
      expect(s.steps['disable_key@2']).toMatchObject({ status: 'skipped', resolution: { action: 'skip', by: 'olga' } });
      // Skipped moves no KPI time: contained when the first key was.
      expect(s.times.containedAt).toBe(s.steps.disable_key!.finishedAt);
      expect((await call(first.incidentId, 'resolve', tokens.oncall, { summary: 'done' })).status).toBe(200);
      await world().client.workflow.getHandle(first.workflowId).terminate('test over');
    }));

  it("a follow-up naming a role has the role's sessions revoked after the same approval, its plan naming that role", () =>
    live(async (query) => {
      const { user, key1 } = await userWithTwoKeys();
      const role = `${user}-role`;
      await world().admin.send(
        new CreateRoleCommand({
          RoleName: role,
          AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
        }),
      );
      const first = await leakedAndContained(query, user, key1);
      expect((await query(first.workflowId)).steps.revoke_role_sessions!.status).toBe('skipped');

      await send(leak(user, { aws_access_key_id: key1, aws_role: role }));
      await expect.poll(async () => (await query(first.workflowId)).steps['revoke_role_sessions@2']?.status, { timeout: 30_000 }).toBe('awaiting-approval');
      const waiting = (await query(first.workflowId)).steps['revoke_role_sessions@2']!;
      expect(waiting.plan?.[0]).toContain(`IAM role ${role}`);
      expect(waiting.approval).toMatchObject({ groups: ['security-oncall'], votes: [] });
      // Nothing at the role before the approval.
      await expect(world().admin.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: 'WardenRevokeOlderSessions' }))).rejects.toThrow();

      await approve(first.incidentId, 'revoke_role_sessions@2');
      await expect.poll(async () => (await query(first.workflowId)).steps['revoke_role_sessions@2']?.status, { timeout: 30_000 }).toBe('applied');
      const { PolicyDocument } = await world().admin.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: 'WardenRevokeOlderSessions' }));
      expect(decodeURIComponent(PolicyDocument ?? '')).toContain('aws:TokenIssueTime');
      // The first key was named again: it is not a further target of disable_key.
      expect((await query(first.workflowId)).steps['disable_key@2']).toBeUndefined();
      await world().client.workflow.getHandle(first.workflowId).terminate('test over');
    }));
});

describe('a resolved incident and its follow-ons', () => {
  it('a firing follow-on reopens it (a resolved notification does not); resolved again it closes, and the next alert opens an incident linked to it', () =>
    live(async (query) => {
      const { user, key1 } = await userWithTwoKeys();
      const { incidentId, workflowId } = await leakedAndContained(query, user, key1);
      await approve(incidentId, 'delete_key');
      await expect.poll(async () => (await query(workflowId)).awaiting, { timeout: 30_000 }).toBe('resolution');
      expect((await call(incidentId, 'resolve', tokens.oncall, { summary: 'key deleted' })).status).toBe(200);
      // Resolved; its lessons steps run, then it waits for the lessons.
      await expect.poll(async () => (await query(workflowId)).awaiting, { timeout: 30_000 }).toBe('lessons');
      const resolvedAt = (await query(workflowId)).times.resolvedAt;

      // The sender's resolved notification is recorded; it reopens nothing.
      await send(leak(user, { aws_access_key_id: key1, status: 'resolved' }));
      await expect.poll(async () => (await query(workflowId)).alerts.count, { timeout: 30_000 }).toBe(2);
      expect(await query(workflowId)).toMatchObject({ status: 'resolved', awaiting: 'lessons', times: { resolvedAt } });
      expect((await query(workflowId)).reopenings).toBeUndefined();

      // A firing follow-on: open again, the resolution kept aside, and it waits for a person's resolution.
      await send(leak(user, { aws_access_key_id: key1 }));
      await expect.poll(async () => (await query(workflowId)).status, { timeout: 30_000 }).toBe('open');
      const reopened = await query(workflowId);
      expect(reopened.awaiting).toBe('resolution');
      expect(reopened.resolution).toBeUndefined();
      expect(reopened.times.resolvedAt).toBeUndefined();
      expect(reopened.reopenings).toHaveLength(1);
      expect(reopened.reopenings![0]).toMatchObject({ title: leak(user).title, previousResolution: { by: 'olga', summary: 'key deleted', at: resolvedAt } });
      expect(reopened.timeline.some((t) => t.event.startsWith(`reopened by alert "${leak(user).title}"`))).toBe(true);
      expect(renderIncident(reopened)).toContain(`by alert "${leak(user).title}" (the resolution by olga set aside)`);
      const early = await call(incidentId, 'lessons', tokens.oncall, { cause: 'c', impact: 'i', followUps: [] });
      expect(early.status).toBe(409);

      expect((await call(incidentId, 'resolve', tokens.oncall2, { summary: 'checked again: no further use' })).status).toBe(200);
      await expect.poll(async () => (await query(workflowId)).status, { timeout: 30_000 }).toBe('resolved');
      expect((await call(incidentId, 'lessons', tokens.oncall, { cause: 'a key in a notebook', impact: 'none seen', followUps: ['scan notebooks'] })).status).toBe(200);
      const closed = (await world().client.workflow.getHandle(workflowId).result()) as IncidentState;
      expect(closed).toMatchObject({ status: 'closed', resolution: { by: 'otto' } });
      expect(closed.times.resolvedAt).toBe(closed.resolution!.at);

      // After closing, the next alert opens a new incident linked to this one.
      const next = await send(leak(user, { aws_access_key_id: key1 }));
      expect(next).toMatchObject({ incidentId: `${incidentId}-2`, deduplicated: false, linkedIncidentId: incidentId });
      await expect.poll(async () => (await query(next.workflowId)).linkedIncidentId, { timeout: 30_000 }).toBe(incidentId);
      await world().client.workflow.getHandle(next.workflowId).terminate('test over');
    }));
});
