/**
 * linkInventory on the real intake (HTTP app with the alert routes, on the suite's dev server):
 * each asset newly high or critical opens one incident, an exposed endpoint with the
 * exposed-ml-endpoint playbook; calling it again (a worker that died after sending, retried) opens
 * no second incident; drift principals are returned in `flagged`.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalEvidenceStore } from '../../activities/providers/evidence/local-evidence-store.js';
import { createWardenIntake } from '../../activities/providers/warden-intake/warden-intake.js';
import { createInventoryLinkActivities, EXPOSED_ENDPOINT_TYPE, findingAlert, inventoryFingerprint } from '../../activities/inventory/link.js';
import { createActivities } from '../../activities/index.js';
import { inventoryScanKey } from '../../contracts/inventory.js';
import { suiteClient } from '../harness.js';
import { fixtureSnapshot, withRisk } from '../helpers/inventory.js';
import { SECRET, startIntake, type IntakeServer } from '../helpers/intake.js';
import { terminateAllOn, workflowsOn } from '../helpers/warden-server.js';
import { listen } from '../../server/app.js';
import { buildIntake } from '../../worker/intake-deps.js';

let client: Client;
let intake: IntakeServer;
const evidence = createLocalEvidenceStore(mkdtempSync(join(tmpdir(), 'warden-inventory-link-')));

beforeAll(async () => {
  client = await suiteClient();
  intake = await startIntake(client);
});
afterAll(async () => {
  await terminateAllOn(client, intake.taskQueue);
  intake.close();
  await client.connection.close();
});

async function store(snapshot: ReturnType<typeof fixtureSnapshot>): Promise<string> {
  const key = inventoryScanKey(snapshot.scannedAt);
  await evidence.put(key, JSON.stringify(snapshot), 'application/json');
  return key;
}

describe('linkInventory', () => {
  it('opens one incident per newly high-risk asset, the exposed endpoint with its playbook; a second call opens none', async () => {
    // Before: the endpoint was already critical, the model medium. Now: the model is critical too.
    const previous = fixtureSnapshot('2026-12-01T06:00:00.000Z');
    const current = withRisk(fixtureSnapshot('2026-12-02T06:00:00.000Z'), 'model:mlflow:fraud-detector', 'critical', 'registry answers without credentials');
    const first = withRisk(fixtureSnapshot('2026-11-30T06:00:00.000Z'), 'endpoint:sagemaker:fraud-live', 'low');
    const [firstKey, previousKey, snapshotKey] = [await store(first), await store(previous), await store(current)];
    const link = createInventoryLinkActivities({ providers: { evidence, intake: createWardenIntake({ baseUrl: intake.url, secret: () => SECRET }) } });

    // A scan against one where the endpoint was low: the endpoint is new; the dataset, high in both, is not.
    const one = await link.linkInventory({ snapshotKey: previousKey, previousKey: firstKey });
    expect(one.alerts.map((a) => [a.assetId, a.playbook])).toEqual([['endpoint:sagemaker:fraud-live', 'exposed-ml-endpoint']]);
    expect(one.alerts[0]?.outcome).toMatch(/^opened dry-/);
    expect(one.flagged).toEqual([{ assetId: 'dataset:s3:training-cards', principal: 'sam', reason: "role 'analyst' may not write training-data" }]);

    // The next scan: only the model rose (to critical); the endpoint and the dataset are as before.
    const two = await link.linkInventory({ snapshotKey, previousKey });
    expect(two.alerts.map((a) => a.assetId)).toEqual(['model:mlflow:fraud-detector']);
    expect(two.alerts[0]).toMatchObject({ fingerprint: inventoryFingerprint('model:mlflow:fraud-detector', 'critical'), playbook: 'triage' });
    expect(two.alerts[0]?.outcome).toMatch(/^opened dry-/);

    // Retried (the worker died after sending): the same deliveries, no new incident.
    const again = await link.linkInventory({ snapshotKey, previousKey });
    expect(again.alerts.map((a) => [a.assetId, a.outcome])).toEqual([['model:mlflow:fraud-detector', 'duplicate delivery, ignored']]);
    const againFirst = await link.linkInventory({ snapshotKey: previousKey, previousKey: firstKey });
    expect(againFirst.alerts.map((a) => a.outcome)).toEqual(['duplicate delivery, ignored']);
    await expect.poll(async () => (await workflowsOn(client, intake.taskQueue)).length).toBe(2);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await workflowsOn(client, intake.taskQueue)).length).toBe(2);
  });

  it('on a first scan (no previous) every high or critical asset is new; without an intake it says not sent', async () => {
    const snapshot = fixtureSnapshot('2026-12-03T06:00:00.000Z');
    const snapshotKey = await store(snapshot);
    const link = createInventoryLinkActivities({ providers: { evidence } });
    const result = await link.linkInventory({ snapshotKey });
    expect(result.alerts.map((a) => [a.assetId, a.outcome])).toEqual([
      ['dataset:s3:training-cards', 'not sent: no alert intake is configured for this worker'],
      ['endpoint:sagemaker:fraud-live', 'not sent: no alert intake is configured for this worker'],
    ]);
    const endpoint = snapshot.assets.find((a) => a.id === 'endpoint:sagemaker:fraud-live')!;
    const alert = findingAlert(
      endpoint,
      snapshot.ratings.find((r) => r.assetId === endpoint.id)!,
      snapshot,
      snapshotKey,
    );
    expect(alert).toMatchObject({ type: EXPOSED_ENDPOINT_TYPE, severity: 'critical', resource: { kind: 'endpoint', name: 'fraud-live' } });
    await expect(link.linkInventory({ snapshotKey: 'inventory/scans/missing.json' })).rejects.toThrow(/not in the evidence store/);
    // The worker registers it under the name the scan workflow calls.
    expect(typeof createActivities({ providers: {} }).linkInventory).toBe('function');
  });
});

describe('an alert from peer text', () => {
  it('is fitted for the intake (no markup, template markers or control characters, within the limits) and accepted', async () => {
    const base = fixtureSnapshot('2026-12-04T07:00:00.000Z');
    const name = `<script>{{ secret }}</script>\u0007${'🤖'.repeat(200)}`;
    const snapshot = { ...base, assets: base.assets.map((a) => (a.id === 'endpoint:sagemaker:fraud-live' ? { ...a, name } : a)) };
    const endpoint = snapshot.assets.find((a) => a.id === 'endpoint:sagemaker:fraud-live')!;
    const alert = findingAlert(
      endpoint,
      snapshot.ratings.find((r) => r.assetId === endpoint.id)!,
      snapshot,
      'k',
    );
    expect(alert.resource!.name.length).toBeLessThanOrEqual(256);
    expect(alert.resource!.name.includes('\u0007') || alert.resource!.name.includes('<') || alert.resource!.name.includes('{{')).toBe(false);
    expect(alert.resource!.name).not.toMatch(/[\ud800-\udbff]…$/);
    const link = createInventoryLinkActivities({ providers: { evidence, intake: createWardenIntake({ baseUrl: intake.url, secret: () => SECRET }) } });
    const result = await link.linkInventory({ snapshotKey: await store(snapshot) });
    // Accepted, not refused as invalid (after the first test it joins that test's endpoint incident: same asset and risk).
    expect(result.alerts.find((a) => a.assetId === endpoint.id)?.outcome).toMatch(/^(opened|joined) dry-/);
  });
});

describe('the worker reaches its own intake', () => {
  it('at WARDEN_URL, else its HTTP host and port (a wildcard bind reached on loopback), with the webhook secret read at each send', async () => {
    const spare = createServer();
    const free = await listen(spare, '127.0.0.1', 0);
    await new Promise((r) => spare.close(r));
    const config = { http: { host: '0.0.0.0', port: free }, stateDir: mkdtempSync(join(tmpdir(), 'warden-intake-deps-')), intake: { secrets: {} } } as unknown as Parameters<typeof buildIntake>[0];
    const sent: string[] = [];
    const server = createServer((req, res) => {
      sent.push(`${req.method} ${req.url} ${String(req.headers['x-warden-delivery'])}`);
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ incidentId: 'inc-1', playbook: 'triage', deduplicated: false }));
    });
    const port = await listen(server, '127.0.0.1', 0);
    try {
      const alert = { type: 'inventory.high_risk', severity: 'high' as const, title: 't', source: 'warden-inventory' };
      // No secret yet (the server generates it on its first start): not sent, and said why.
      await expect(buildIntake(config, { WARDEN_URL: `http://127.0.0.1:${port}` }).intake.send(alert, 'k')).rejects.toThrow(/WARDEN_WEBHOOK_SECRET is not set/);
      const withSecret = { ...config, intake: { secrets: { webhook: SECRET } } } as typeof config;
      const answer = await buildIntake(withSecret, { WARDEN_URL: `http://127.0.0.1:${port}` }).intake.send(alert, 'k');
      expect(answer).toEqual({ status: 202, outcome: 'opened inc-1', incidentId: 'inc-1', playbook: 'triage' });
      await buildIntake(withSecret, { WARDEN_URL: `http://127.0.0.1:${port}` }).intake.send(alert, 'k');
      expect(new Set(sent).size).toBe(1); // the same key, the same delivery id
      expect(sent[0]).toMatch(/^POST \/v1\/alerts warden-[0-9a-f]{40}$/);
      // Without WARDEN_URL: the configured port, on loopback for a wildcard bind.
      await expect(buildIntake(withSecret, {}).intake.send(alert, 'k')).rejects.toThrow(`the alert intake at http://127.0.0.1:${free} is not reachable`);
    } finally {
      server.close();
    }
  });
});
