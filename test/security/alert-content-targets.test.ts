/**
 * Attacks through alert content (issue #14, point 11): the alert's sender names a protected
 * principal as the target, or picks a destructive playbook by an Alertmanager label. Each runs
 * against the real stack (dev server, HTTP intake, moto) and checks nothing changed at moto.
 */
import { ListAccessKeysCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsIam } from '../../activities/providers/aws-iam/aws-iam.js';
import type { ActionDeps } from '../../catalog/types.js';
import { incidentStateQuery } from '../../contracts/incident.js';
import { loadPlaybooks } from '../../playbook/load.js';
import { alert, startIncident, startPeers, type Peers } from '../helpers/incident.js';
import { CREDENTIALS, startIntake, type IntakeServer } from '../helpers/intake.js';
import { suiteClient, withWorker } from '../harness.js';
import { MOTO_CREDENTIALS, motoClient, seedUser, startMoto, type MotoPeer } from '../peers/moto.js';

let client: Client;
let peers: Peers;
let moto: MotoPeer;
let iam: IAMClient;
let intake: IntakeServer;
let deps: ActionDeps;
const shipped = loadPlaybooks(['playbooks']).playbooks;
const leaked = shipped.find((p) => p.playbook.id === 'leaked-credential')!;

beforeAll(async () => {
  client = await suiteClient();
  peers = await startPeers();
  moto = await startMoto();
  iam = motoClient(moto.endpoint);
  intake = await startIntake(client);
  deps = { ...peers.deps, iam: createAwsIam({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }) };
}, 120_000);
afterAll(async () => {
  intake.close();
  await moto.stop();
  await peers.close();
  await client.connection.close();
});

const keyStatuses = async (userName: string) => ((await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? []).map((k) => k.Status);
const seed = (name: string) => seedUser(iam, name, { accessKeys: 1, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0, mfa: false, loginProfile: false });

describe('an alert that names a protected principal', () => {
  it('leaves a configured break-glass user untouched: the step is refused by policy, the key stays Active at moto', async () => {
    const user = await seed('break-glass');
    const key = user.accessKeys[0]!.accessKeyId;
    await withWorker({ providers: deps, protectedPrincipals: { aws_users: ['break-glass'] } }, { name: 'protected' }, async (w) => {
      const handle = await startIncident(w.client, w.taskQueue, leaked, alert({ type: 'credential.leaked', principal: { aws_user: 'break-glass', aws_access_key_id: key } }));
      await expect.poll(async () => (await handle.query(incidentStateQuery)).steps.disable_key?.status, { timeout: 30_000 }).toBe('not_applied');
      const st = (await handle.query(incidentStateQuery)).steps.disable_key!;
      expect(st.notApplied?.reason).toBe('refused-by-policy');
      expect(st.notApplied?.message).toMatch(/^refused by policy: /);
      expect(st.notApplied!.message).toContain('protected.aws_users: break-glass');
      await handle.terminate('test over');
    });
    expect(await keyStatuses('break-glass')).toEqual(['Active']);
  });

  it("protects Warden's own user whatever warden.yaml says", async () => {
    const user = await seed('warden-automation');
    const key = user.accessKeys[0]!.accessKeyId;
    await withWorker({ providers: deps }, { name: 'protected-self' }, async (w) => {
      const handle = await startIncident(w.client, w.taskQueue, leaked, alert({ type: 'credential.leaked', principal: { aws_user: 'warden-automation', aws_access_key_id: key } }));
      await expect.poll(async () => (await handle.query(incidentStateQuery)).steps.disable_key?.notApplied?.reason, { timeout: 30_000 }).toBe('refused-by-policy');
      await handle.terminate('test over');
    });
    expect(await keyStatuses('warden-automation')).toEqual(['Active']);
  });
});

describe('an Alertmanager label that tries to pick a destructive playbook', () => {
  it('warden_type=credential.leaked routes to a prometheus.* type, so leaked-credential is not chosen and the key stays Active', async () => {
    const user = await seed('label-victim');
    const key = user.accessKeys[0]!.accessKeyId;
    await withWorker({ providers: deps }, { taskQueue: intake.taskQueue }, async () => {
      const body = {
        version: '4',
        status: 'firing',
        receiver: 'warden',
        groupKey: '{}:{alertname="x"}',
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'x', severity: 'critical', warden_type: 'credential.leaked', aws_user: 'label-victim', aws_access_key_id: key },
            annotations: { summary: 'label attack' },
            startsAt: new Date().toISOString(),
            fingerprint: `label-attack-${key}`,
          },
        ],
      };
      const res = await fetch(`${intake.url}/v1/alerts/alertmanager?dry_run=false`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${CREDENTIALS.alertmanager}` },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(202);
      const { accepted } = (await res.json()) as { accepted: { workflowId: string; playbook: string }[] };
      expect(accepted.map((a) => a.playbook)).toEqual(['triage']);
      const handle = client.workflow.getHandle(accepted[0]!.workflowId);
      const st = await handle.query(incidentStateQuery);
      expect(Object.values(st.steps).filter((s) => s.action.startsWith('aws.'))).toEqual([]);
      await handle.terminate('test over');
    });
    expect(await keyStatuses('label-victim')).toEqual(['Active']);
  });
});
