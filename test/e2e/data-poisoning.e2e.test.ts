import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMlflowRegistry } from '../../activities/providers/mlflow/mlflow-registry.js';
import { incidentStateQuery } from '../../contracts/incident.js';
import { startPeers, type Peers, resolveAndClose } from '../helpers/incident.js';
import { postAlert, startIntake, tokens, type IntakeServer } from '../helpers/intake.js';
import { suiteClient, withWorker } from '../harness.js';
import { aliasTarget, seedModel, startMlflow, versionTags, type MlflowPeer } from '../peers/mlflow.js';

let client: Client;
let peers: Peers;
let mlflow: MlflowPeer;
let intake: IntakeServer;
beforeAll(async () => {
  client = await suiteClient();
  peers = await startPeers();
  mlflow = await startMlflow();
  intake = await startIntake(client);
}, 120_000);
afterAll(async () => {
  intake.close();
  await mlflow.close();
  await peers.close();
  await client.connection.close();
});

describe('data-poisoning, end to end through the API against MLflow', () => {
  it('after two MLOps approvals through the API, champion serves the prior version, the poisoned one is quarantined, the owners got an email', async () => {
    await seedModel(mlflow.trackingUri, 'spam-filter', { versions: 3, champion: 3 });
    const deps = { ...peers.deps, models: createMlflowRegistry({ trackingUri: mlflow.trackingUri }) };

    await withWorker({ providers: deps }, { taskQueue: intake.taskQueue }, async () => {
      const res = await postAlert(
        intake.url,
        {
          type: 'data.label_flip',
          severity: 'high',
          title: 'spam labels flipped in bulk',
          source: 'data-quality',
          fingerprint: 'e2e-poison-spam-filter',
          resource: { kind: 'dataset', name: 'spam-reports' },
          labels: { model: 'spam-filter', model_version: '3' },
        },
        {},
        '?dry_run=false',
      );
      expect(res.status).toBe(202);
      const { incidentId, workflowId, playbook } = (await res.json()) as { incidentId: string; workflowId: string; playbook: string };
      expect(playbook).toBe('data-poisoning');
      const handle = client.workflow.getHandle(workflowId);

      await expect.poll(async () => (await handle.query(incidentStateQuery)).steps.rollback_model?.status, { timeout: 30_000 }).toBe('awaiting-approval');
      expect(await aliasTarget(mlflow.trackingUri, 'spam-filter', 'champion')).toBe('3');
      const plan = (await handle.query(incidentStateQuery)).steps.rollback_model!.plan;
      expect(plan).toContain('move alias champion of spam-filter from version 3 to version 2');

      // The security on-call may not approve a model rollback: it needs MLOps. A rollback is
      // destructive and an alert opened the incident: two MLOps people, each saying why.
      const approve = (token: string, reason: string) =>
        fetch(`${intake.url}/v1/incidents/${incidentId}/approvals/rollback_model`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ decision: 'approve', reason }),
        });
      expect((await approve(tokens.oncall, 'looks poisoned')).status).toBe(403);
      expect((await approve(tokens.mlops, 'poisoned rows confirmed in v3')).status).toBe(200);
      expect((await handle.query(incidentStateQuery)).steps.rollback_model?.status).toBe('awaiting-approval');
      expect((await approve(tokens.mlops2, 'v2 metrics verified')).status).toBe(200);

      const final = await resolveAndClose(handle);
      expect(final.status).toBe('closed');
      expect(final.steps.rollback_model).toMatchObject({ status: 'applied', outcome: 'changed' });
      expect(await aliasTarget(mlflow.trackingUri, 'spam-filter', 'champion')).toBe('2');
      const tags = await versionTags(mlflow.trackingUri, 'spam-filter', '3');
      expect(tags['warden.quarantined']).toBe('true');
      expect(tags['warden.incident']).toBe(incidentId);

      await expect
        .poll(() =>
          peers.smtp.messages.some(
            (m) => JSON.stringify(m.to).includes('mlops@example.com') && (m.subject ?? '').includes('spam-filter rolled back') && (m.text ?? '').includes('now serves version 2'),
          ),
        )
        .toBe(true);
    });
  });
});
