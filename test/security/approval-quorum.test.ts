/**
 * Quorum and four-eyes count distinct people (issue #14, point 8). The attacks, each through the
 * HTTP API against the dev server: one person in two groups tries to meet an AND of two groups
 * alone; the shared local-admin token tries to be the second person; one person votes twice; a
 * destructive step is approved, or any step denied, without a reason. Each is refused and the
 * peer is unchanged until two real people have approved.
 */
import { ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { incidentStateQuery } from '../../contracts/incident.js';
import { alert, HEADER, playbook, startIncident } from '../helpers/incident.js';
import { tokens } from '../helpers/intake.js';
import { useLiveWorld } from '../helpers/live-world.js';
import { withWorker } from '../harness.js';
import { seedUser } from '../peers/moto.js';

const world = useLiveWorld();

async function vote(incidentId: string, stepId: string, token: string, body: object): Promise<{ status: number; error?: string }> {
  const res = await fetch(`${world().intake.url}/v1/incidents/${incidentId}/approvals/${stepId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { error?: string };
  return { status: res.status, ...(json.error ? { error: json.error } : {}) };
}

const andOfTwoGroups = (url: string) =>
  playbook(`${HEADER}
phases:
  contain:
    - id: isolate
      action: http.request
      with: { url: "${url}/isolate" }
      approval: { groups: [security-oncall], allOf: [security-oncall, mlops], timeout: 10m }
`);

const deleteKey = (user: string, key: string) =>
  playbook(`${HEADER}
phases:
  eradicate:
    - id: delete_key
      action: aws.deleteAccessKey
      with: { userName: ${user}, accessKeyId: ${key} }
      approval: { groups: [security-oncall], timeout: 10m }
`);

describe('approvals count distinct people', () => {
  it('an AND of two groups needs two people: one person in both, or the local admin, is not enough', async () => {
    const { client, intake, peers } = world();
    const isolated = () => peers.http.requests.filter((r) => r.path === '/isolate').length;
    const before = isolated();
    await withWorker({ providers: peers.deps }, { taskQueue: intake.taskQueue }, async () => {
      const handle = await startIncident(client, intake.taskQueue, andOfTwoGroups(peers.http.url), alert());
      const id = handle.workflowId.replace(/^incident-/, '');
      await expect.poll(async () => (await handle.query(incidentStateQuery)).steps.isolate?.status, { timeout: 30_000 }).toBe('awaiting-approval');

      expect(await vote(id, 'isolate', tokens.both, { decision: 'approve' })).toEqual({ status: 200 });
      expect(await vote(id, 'isolate', tokens.both, { decision: 'approve' })).toEqual({ status: 409, error: expect.stringContaining('already decided by you (bea)') as unknown });
      const admin = await vote(id, 'isolate', tokens.admin, { decision: 'approve' });
      expect(admin.status).toBe(403);
      expect(admin.error).toContain('the local admin token never counts as one of several');
      const waiting = await handle.query(incidentStateQuery);
      expect(waiting.steps.isolate).toMatchObject({ status: 'awaiting-approval', approval: { allOf: ['security-oncall', 'mlops'] } });
      expect(waiting.steps.isolate!.approval!.votes.map((v) => v.approver)).toEqual(['bea']);
      expect(isolated()).toBe(before);

      expect(await vote(id, 'isolate', tokens.mlops, { decision: 'approve' })).toEqual({ status: 200 });
      await expect.poll(async () => (await handle.query(incidentStateQuery)).steps.isolate?.status, { timeout: 30_000 }).toBe('applied');
      expect(isolated()).toBe(before + 1);
      await handle.terminate('test over');
    });
  });

  it('four-eyes on an alert-opened incident: a destructive step needs two named people, each with a reason; a denial needs one too', async () => {
    const { admin, client, intake, iam, peers } = world();
    const user = await seedUser(admin, 'quorum-dana', { accessKeys: 1, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0, mfa: false, loginProfile: false });
    const keys = async () => ((await admin.send(new ListAccessKeysCommand({ UserName: 'quorum-dana' }))).AccessKeyMetadata ?? []).length;
    await withWorker({ providers: { ...peers.deps, iam } }, { taskQueue: intake.taskQueue }, async () => {
      const handle = await startIncident(client, intake.taskQueue, deleteKey('quorum-dana', user.accessKeys[0]!.accessKeyId), alert());
      const id = handle.workflowId.replace(/^incident-/, '');
      await expect.poll(async () => (await handle.query(incidentStateQuery)).steps.delete_key?.status, { timeout: 30_000 }).toBe('awaiting-approval');
      expect((await handle.query(incidentStateQuery)).steps.delete_key!.approval).toMatchObject({ fourEyes: true, minPeople: 2, destructive: true, requester: 'alert:vitest' });

      const bare = await vote(id, 'delete_key', tokens.oncall, { decision: 'approve' });
      expect(bare.status).toBe(400);
      expect(bare.error).toMatch(/reason/);
      expect((await vote(id, 'delete_key', tokens.oncall2, { decision: 'reject' })).status).toBe(400);
      expect(await vote(id, 'delete_key', tokens.oncall, { decision: 'approve', reason: 'key confirmed public' })).toEqual({ status: 200 });
      expect((await vote(id, 'delete_key', tokens.admin, { decision: 'approve', reason: 'me too' })).status).toBe(403);
      expect((await handle.query(incidentStateQuery)).steps.delete_key!.approval!.votes.map((v) => v.approver)).toEqual(['olga']);
      expect(await keys()).toBe(1);

      expect(await vote(id, 'delete_key', tokens.oncall2, { decision: 'approve', reason: 'seen in the gist too' })).toEqual({ status: 200 });
      await expect.poll(keys, { timeout: 30_000 }).toBe(0);
      await handle.terminate('test over');
    });
  });
});
