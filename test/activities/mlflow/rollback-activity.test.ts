import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMlflowRegistry } from '../../../activities/providers/mlflow/mlflow-registry.js';
import { INCIDENT_WORKFLOW_PREFIX } from '../../../contracts/incident.js';
import { alert, HEADER, playbook, startIncident, resolveAndClose } from '../../helpers/incident.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../../harness.js';
import { aliasTarget, seedModel, startMlflow, versionTags, type MlflowPeer } from '../../peers/mlflow.js';

let peer: MlflowPeer;
let client: Client;
beforeAll(async () => {
  [peer, client] = await Promise.all([startMlflow(), suiteClient()]);
}, 120_000);
afterAll(async () => {
  await Promise.all([peer?.close(), client?.connection.close()]);
});

describe('model.rollback as a Temporal activity', () => {
  it('rides out an MLflow outage on retries and completes once the server is back', async () => {
    const name = `fraud-detector-${randomUUID().slice(0, 8)}`;
    await seedModel(peer.trackingUri, name, { versions: 3, champion: 3, validated: [1] });
    const pb = playbook(`${HEADER}
phases:
  recover:
    - id: rollback_model
      action: model.rollback
      retry: { initialInterval: 1s, backoff: 1, maxAttempts: 60 }
      with: { model: ${name}, reason: "tampered version 3" }
`);
    const models = createMlflowRegistry({ trackingUri: peer.trackingUri, timeoutMs: 2_000 });
    const taskQueue = uniqueTaskQueue('mlflow-rollback');
    await peer.stop();
    await withWorker({ providers: { models } }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, pb, alert());
      await new Promise((r) => setTimeout(r, 3_000));
      await peer.restart();
      const final = await resolveAndClose(handle);
      expect(final.status).toBe('closed');
      expect(final.steps.rollback_model).toMatchObject({ status: 'applied', outcome: 'changed', output: { before: { version: '3' }, after: { version: '1' } } });

      const attempts = (await handle.fetchHistory()).events?.flatMap((e) => e.activityTaskStartedEventAttributes?.attempt ?? []) ?? [];
      expect(Math.max(...attempts)).toBeGreaterThan(1);
      const incidentId = handle.workflowId.slice(INCIDENT_WORKFLOW_PREFIX.length);
      expect(await versionTags(peer.trackingUri, name, '3')).toMatchObject({ 'warden.quarantined': 'true', 'warden.incident': incidentId });
    });
    expect(await aliasTarget(peer.trackingUri, name, 'champion')).toBe('1');
  }, 120_000);
});
