/**
 * A cancel with rollback is not one responder's call (issue #14, point 9). Undoing a containment
 * step needs the approval that step needed (its playbook's owners when it needed none), and the
 * person who cancelled never approves their own rollback. The attack: a responder cancels a
 * leaked-key incident with rollback to re-enable the key. Real stack: the HTTP API, the dev
 * server, the leaked-credential playbook, moto.
 */
import { ListAccessKeysCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { incidentStateQuery, type IncidentState } from '../../contracts/incident.js';
import { postAlert, tokens } from '../helpers/intake.js';
import { useLiveWorld } from '../helpers/live-world.js';
import { withWorker } from '../harness.js';
import { seedUser } from '../peers/moto.js';

const world = useLiveWorld();

const keyStatuses = async (userName: string) => ((await world().admin.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? []).map((k) => k.Status);

function call(token: string, path: string, body: object): Promise<Response> {
  return fetch(`${world().intake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
}

/** A live leaked-key incident whose key is already disabled at moto; olga (on call) has cancelled it with rollback. */
async function cancelledWithRollback(name: string, run: (id: string, state: () => Promise<IncidentState>) => Promise<void>): Promise<void> {
  const { admin, client, intake, iam, peers } = world();
  const user = await seedUser(admin, name, { accessKeys: 1, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0, mfa: false, loginProfile: false });
  const key = user.accessKeys[0]!.accessKeyId;
  await withWorker({ providers: { ...peers.deps, iam } }, { taskQueue: intake.taskQueue }, async () => {
    const alert = {
      type: 'credential.leaked',
      severity: 'high',
      title: 'AWS key in a public gist',
      source: 'scanner',
      fingerprint: `rollback-${key}`,
      principal: { aws_user: name, aws_access_key_id: key },
    };
    const res = await postAlert(intake.url, alert, {}, '?dry_run=false');
    expect(res.status).toBe(202);
    const { incidentId, workflowId } = (await res.json()) as { incidentId: string; workflowId: string };
    const handle = client.workflow.getHandle(workflowId);
    const state = () => handle.query(incidentStateQuery);
    await expect.poll(async () => (await state()).steps.delete_key?.status, { timeout: 30_000 }).toBe('awaiting-approval');
    expect(await keyStatuses(name)).toEqual(['Inactive']);

    expect((await call(tokens.oncall, `/v1/incidents/${incidentId}/cancel`, { reason: 'looks like a false positive', rollback: true })).status).toBe(202);
    await expect.poll(async () => (await state()).steps.undo_disable_key?.status, { timeout: 30_000 }).toBe('awaiting-approval');
    const waiting = await state();
    expect(waiting.status).toBe('awaiting-approval');
    expect(waiting.steps.undo_disable_key!.plan?.join('\n')).toContain(key);
    expect(waiting.steps.undo_disable_key!.approval).toMatchObject({ requester: 'olga', fourEyes: true, groups: ['security-oncall'], votes: [] });
    // Nothing is undone while the rollback waits for its approval.
    expect(await keyStatuses(name)).toEqual(['Inactive']);
    await run(incidentId, state);
    await handle.terminate('test over').catch(() => undefined);
  });
}

describe('a cancel with rollback', () => {
  it('never undoes what Warden did not change: a key disabled before the incident stays disabled', async () => {
    const { admin, client, intake, iam, peers } = world();
    const user = await seedUser(admin, 'rb-found', { accessKeys: 1, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0, mfa: false, loginProfile: false });
    const key = user.accessKeys[0]!.accessKeyId;
    await admin.send(new UpdateAccessKeyCommand({ UserName: 'rb-found', AccessKeyId: key, Status: 'Inactive' }));
    await withWorker({ providers: { ...peers.deps, iam } }, { taskQueue: intake.taskQueue }, async () => {
      const alert = {
        type: 'credential.leaked',
        severity: 'high',
        title: 'An old key in a public gist',
        source: 'scanner',
        fingerprint: `rollback-${key}`,
        principal: { aws_user: 'rb-found', aws_access_key_id: key },
      };
      const res = await postAlert(intake.url, alert, {}, '?dry_run=false');
      expect(res.status).toBe(202);
      const { incidentId, workflowId } = (await res.json()) as { incidentId: string; workflowId: string };
      const handle = client.workflow.getHandle(workflowId);
      await expect.poll(async () => (await handle.query(incidentStateQuery)).steps.delete_key?.status, { timeout: 30_000 }).toBe('awaiting-approval');
      expect((await handle.query(incidentStateQuery)).steps.disable_key).toMatchObject({ status: 'already_so' });

      expect((await call(tokens.oncall, `/v1/incidents/${incidentId}/cancel`, { reason: 'an old test key', rollback: true })).status).toBe(202);
      await expect.poll(async () => (await handle.query(incidentStateQuery)).status, { timeout: 30_000 }).toBe('cancelled');
      const final = await handle.query(incidentStateQuery);
      expect(final.steps.undo_disable_key).toBeUndefined();
      expect(final.steps.disable_key!.undo).toBeUndefined();
      expect(await keyStatuses('rb-found')).toEqual(['Inactive']);
    });
  });

  it('re-enables a disabled key only after a second person approves, with a reason; the canceller cannot approve it', async () => {
    await cancelledWithRollback('rb-approved', async (id, state) => {
      const own = await call(tokens.oncall, `/v1/incidents/${id}/approvals/undo_disable_key`, { decision: 'approve', reason: 'my call' });
      expect(own.status).toBe(403);
      expect(((await own.json()) as { error: string }).error).toContain('cannot approve own request');
      const bare = await call(tokens.oncall2, `/v1/incidents/${id}/approvals/undo_disable_key`, { decision: 'approve' });
      expect(bare.status).toBe(400);
      expect((await state()).steps.undo_disable_key!.approval!.votes).toEqual([]);
      expect(await keyStatuses('rb-approved')).toEqual(['Inactive']);

      const ok = await call(tokens.oncall2, `/v1/incidents/${id}/approvals/undo_disable_key`, { decision: 'approve', reason: 'the key belongs to a test fixture, not a leak' });
      expect(ok.status).toBe(200);
      await expect.poll(async () => (await state()).status, { timeout: 30_000 }).toBe('cancelled');
      const final = await state();
      expect(final.steps.undo_disable_key).toMatchObject({
        status: 'applied',
        approval: { outcome: 'approved', votes: [{ approver: 'otto', reason: 'the key belongs to a test fixture, not a leak' }] },
      });
      // What the undo read at moto: the key Inactive before, Active read back after.
      expect(final.steps.disable_key!.undo).toMatchObject({ status: 'succeeded', observed: { before: { status: 'Inactive' }, after: { status: 'Active' } } });
      expect(final.steps.undo_disable_key!.observed).toEqual(final.steps.disable_key!.undo!.observed);
      expect(await keyStatuses('rb-approved')).toEqual(['Active']);
    });
  });

  it('leaves the key disabled when the rollback is denied, and records who denied it and why', async () => {
    await cancelledWithRollback('rb-denied', async (id, state) => {
      const no = await call(tokens.oncall2, `/v1/incidents/${id}/approvals/undo_disable_key`, { decision: 'reject', reason: 'the key was used from an unknown network' });
      expect(no.status).toBe(200);
      await expect.poll(async () => (await state()).status, { timeout: 30_000 }).toBe('cancelled');
      const final = await state();
      expect(final.steps.undo_disable_key).toMatchObject({ status: 'denied', approval: { outcome: 'rejected', votes: [{ approver: 'otto', decision: 'reject' }] } });
      expect(final.steps.disable_key).toMatchObject({ status: 'applied', undo: { status: 'denied' } });
      expect(final.timeline.map((e) => e.event)).toContain('rollback of disable_key rejected: its undo (aws.enableAccessKey) did not run, and the step stays as it was applied');
      expect(await keyStatuses('rb-denied')).toEqual(['Inactive']);
    });
  });
});
