import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListAccessKeysCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAuditStore } from '../../activities/providers/audit-store/local-audit-store.js';
import { createAwsIam } from '../../activities/providers/aws-iam/aws-iam.js';
import { verifyStore } from '../../cli/commands/audit.js';
import { loadAuditKey } from '../../config/audit-key.js';
import { auditPublicKey, type AuditRecord } from '../../contracts/audit.js';
import { createServerAudit } from '../../server/audit.js';
import { assertBuilt, cleanEnv, spawnCli } from '../helpers/cli.js';
import { startPeers, type Peers } from '../helpers/incident.js';
import { postAlert, startIntake, tokens, type IntakeServer } from '../helpers/intake.js';
import { suiteClient, withWorker } from '../harness.js';
import { MOTO_CREDENTIALS, motoClient, seedUser, startMoto, type MotoPeer } from '../peers/moto.js';

let client: Client;
let peers: Peers;
let moto: MotoPeer;
let iam: IAMClient;
let intake: IntakeServer;
const stateDir = join(mkdtempSync(join(tmpdir(), 'warden-audit-e2e-')), 'state');
const store = createLocalAuditStore(join(stateDir, 'audit'));
const secretKey = loadAuditKey(join(stateDir, 'audit-signing-key'));

beforeAll(async () => {
  client = await suiteClient();
  peers = await startPeers();
  moto = await startMoto();
  iam = motoClient(moto.endpoint);
  intake = await startIntake(client, { audit: (taskQueue) => createServerAudit(client, taskQueue, (m) => expect.fail(m)) });
}, 120_000);
afterAll(async () => {
  intake.close();
  await moto.stop();
  await peers.close();
  await client.connection.close();
});

/** The verified records so far (the trail must verify at every point). */
async function records(): Promise<AuditRecord[]> {
  const v = await verifyStore(store, auditPublicKey(secretKey));
  if (!v.ok && v.problem?.message.includes('no audit trail')) return [];
  expect(v.problem).toBeUndefined();
  return v.records;
}

describe('the audit trail of a live incident, end to end', () => {
  it('records the alert accepted, the refused one, the key disabled at the peer with before and after, the approvals of its deletion; verify and export pass', async () => {
    const user = await seedUser(iam, 'audit-e2e', { accessKeys: 1, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0, mfa: false, loginProfile: false });
    const accessKeyId = user.accessKeys[0]!.accessKeyId;
    const deps = { ...peers.deps, iam: createAwsIam({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }) };
    await withWorker({ providers: deps, audit: { store, secretKey } }, { taskQueue: intake.taskQueue }, async () => {
      const alert = {
        type: 'credential.leaked',
        severity: 'high',
        title: 'AWS key committed to a public repository',
        source: 'github-secret-scanning',
        fingerprint: `audit-e2e-${accessKeyId}`,
        principal: { aws_user: 'audit-e2e', aws_access_key_id: accessKeyId },
      };
      const res = await postAlert(intake.url, alert, {}, '?dry_run=false');
      expect(res.status).toBe(202);
      const { incidentId, workflowId } = (await res.json()) as { incidentId: string; workflowId: string };
      const forged = await postAlert(intake.url, alert, { 'x-warden-signature': 'v1=00' });
      expect(forged.status).toBe(401);

      await expect.poll(async () => (await records()).some((r) => r.kind === 'step.applied' && r.subject === `${incidentId}/disable_key`), { timeout: 60_000, interval: 500 }).toBe(true);
      const all = await records();
      expect(all.find((r) => r.kind === 'alert.accepted')).toMatchObject({
        actor: 'credential:WARDEN_WEBHOOK_SECRET',
        subject: incidentId,
        details: { sender: 'webhook', fingerprint: alert.fingerprint, playbook: 'leaked-credential', dryRun: false },
      });
      expect(all.find((r) => r.kind === 'alert.refused')).toMatchObject({ actor: 'unauthenticated (route of webhook)', subject: '/v1/alerts', details: { status: 401 } });
      expect(all.find((r) => r.kind === 'step.applied' && r.subject === `${incidentId}/disable_key`)).toMatchObject({
        actor: `workflow:${workflowId}`,
        details: { action: 'aws.disableAccessKey', status: 'applied', observed: { before: { status: 'Active' }, after: { status: 'Inactive' } } },
      });
      expect((await iam.send(new ListAccessKeysCommand({ UserName: 'audit-e2e' }))).AccessKeyMetadata?.map((k) => k.Status)).toEqual(['Inactive']);
      // The delete waits for people: the request and the incident's state change are recorded too.
      await expect
        .poll(async () => (await records()).find((r) => r.kind === 'approval.requested'), { timeout: 30_000, interval: 500 })
        .toMatchObject({ subject: `${incidentId}/delete_key`, details: { requester: expect.any(String) as string } });
      const states = (await records()).filter((r) => r.kind === 'incident.state' && r.subject === incidentId).map((r) => r.details.to);
      expect(states).toEqual(expect.arrayContaining(['contained', 'awaiting-approval']));
      // Two people approve the delete through the API: each vote by its verified identity, then the decision and the change.
      for (const [token, reason] of [
        [tokens.oncall, 'key confirmed leaked'],
        [tokens.oncall2, 'confirmed with the owner'],
      ] as const) {
        const voted = await fetch(`${intake.url}/v1/incidents/${incidentId}/approvals/delete_key`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ decision: 'approve', reason }),
        });
        expect(voted.status).toBe(200);
      }
      await expect.poll(async () => (await records()).some((r) => r.kind === 'step.applied' && r.subject === `${incidentId}/delete_key`), { timeout: 30_000, interval: 500 }).toBe(true);
      const approvals = (await records()).filter((r) => r.kind.startsWith('approval.') && r.subject === `${incidentId}/delete_key`);
      expect(approvals.map((r) => [r.kind, r.actor])).toEqual([
        ['approval.requested', `workflow:${workflowId}`],
        ['approval.vote', 'olga'],
        ['approval.vote', 'otto'],
        ['approval.decided', `workflow:${workflowId}`],
      ]);
      expect(approvals[1]!.details).toMatchObject({ decision: 'approve', via: 'api', signed: true, reason: 'key confirmed leaked' });
      expect(approvals[3]!.details).toMatchObject({ outcome: 'approved' });
      // One record per key; the chain is one sequence.
      const now = await records();
      expect(new Set(now.map((r) => r.key)).size).toBe(now.length);
      expect(now.map((r) => r.seq)).toEqual(now.map((_, i) => i + 1));
      // The incident's records are in the order it appended them (its key ends with that ordinal).
      const ordinals = now.filter((r) => r.key.startsWith(`${workflowId}/`)).map((r) => Number(r.key.split('/').pop()));
      expect(ordinals.length).toBeGreaterThan(5);
      expect(ordinals).toEqual([...ordinals].sort((a, b) => a - b));
      await client.workflow.getHandle(workflowId).terminate('test over');
    });

    assertBuilt();
    const env = cleanEnv({ WARDEN_STATE_DIR: stateDir });
    const verified = await spawnCli(['audit', 'verify'], env).done;
    expect(verified.stdout).toMatch(/^audit trail verified: \d+ records in \d+ sealed batches/);
    expect(verified.code).toBe(0);
    const exported = await spawnCli(['audit', 'export', '--format', 'ocsf', '--since', '2020-01-01'], env).done;
    expect(exported.code).toBe(0);
    const events = exported.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { class_uid: number; metadata: { event_code: string } });
    expect(events.find((e) => e.metadata.event_code === 'alert.accepted')).toMatchObject({ class_uid: 2004 });
    expect(events.find((e) => e.metadata.event_code === 'step.applied')).toMatchObject({ class_uid: 6003, activity_id: 3 });
    const none = await spawnCli(['audit', 'export', '--until', '2020-01-01'], env).done;
    expect(none).toMatchObject({ code: 0, stdout: '' });
  });
});
