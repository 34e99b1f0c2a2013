/**
 * Discovery to incident with nothing stood in (issue #19, point 3): the real inventoryScanWorkflow
 * probes an inference endpoint that answers without credentials, rates it critical, stores the
 * snapshot, and its real linkInventory sends the finding through Warden's own intake, signed as a
 * webhook sender; the intake opens an incident with the exposed-ml-endpoint playbook. A second
 * scan finds nothing new (the endpoint was already critical) and opens nothing.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalEvidenceStore } from '../../activities/providers/evidence/local-evidence-store.js';
import { createEndpointProber } from '../../activities/providers/http/probe.js';
import { createWardenIntake } from '../../activities/providers/warden-intake/warden-intake.js';
import { INVENTORY_SCAN_WORKFLOW, type InventoryScanResult } from '../../contracts/inventory.js';
import { listen } from '../../server/app.js';
import { startWorker, suiteClient, uniqueTaskQueue, type TestWorker } from '../harness.js';
import { SECRET, startIntake, type IntakeServer } from '../helpers/intake.js';
import { completeScan, fixtureSnapshot } from '../helpers/inventory.js';
import { terminateAllOn, workflowsOn } from '../helpers/warden-server.js';

const dir = mkdtempSync(join(tmpdir(), 'warden-scan-incident-'));
const model = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"predictions":[]}'));
let client: Client;
let intake: IntakeServer;
let worker: TestWorker;

beforeAll(async () => {
  client = await suiteClient();
  intake = await startIntake(client);
  const endpointUrl = `http://127.0.0.1:${await listen(model, '127.0.0.1', 0)}/invocations`;
  const rulesFile = join(dir, 'inventory-rules.yaml');
  writeFileSync(rulesFile, readFileSync('policy/inventory-rules.yaml', 'utf8').replace('http_endpoints: []', `http_endpoints:\n    - { name: scoring-api, url: '${endpointUrl}' }`));
  // A scan of another deployment (another task queue, another evidence store) completes first: never this one's previous.
  await completeScan(client, uniqueTaskQueue('other-estate'), createLocalEvidenceStore(join(dir, 'other-evidence')), fixtureSnapshot(new Date().toISOString()));
  worker = await startWorker({
    providers: { evidence: createLocalEvidenceStore(join(dir, 'evidence')), intake: createWardenIntake({ baseUrl: intake.url, secret: () => SECRET }) },
    inventory: { rulesFile, matrixFile: 'policy/access-matrix.yaml', readers: { prober: createEndpointProber({ timeoutMs: 2_000 }) } },
  });
}, 60_000);
afterAll(async () => {
  await terminateAllOn(client, intake.taskQueue);
  await worker?.shutdown();
  intake?.close();
  model.close();
  await client?.connection.close();
});

const scan = async (): Promise<InventoryScanResult> => {
  const workflowId = `inventory-scan-${randomUUID()}`;
  const result = (await worker.client.workflow.execute(INVENTORY_SCAN_WORKFLOW, { taskQueue: worker.taskQueue, workflowId, args: [{ requestedBy: 'test' }] })) as InventoryScanResult;
  // The next scan finds this one as its previous through visibility: wait until it is listed.
  await expect.poll(async () => (await worker.client.workflow.count(`WorkflowId = '${workflowId}' AND ExecutionStatus = 'Completed'`)).count, { timeout: 15_000 }).toBe(1);
  return result;
};

describe('an exposed endpoint found by a scan', () => {
  it('opens one incident with the exposed-ml-endpoint playbook; the next scan opens none', async () => {
    const first = await scan();
    expect(first.previousKey).toBeUndefined();
    expect(first.sources.find((s) => s.source === 'http')).toMatchObject({ status: 'scanned', assets: 1 });
    expect(first.byRisk.critical).toBe(1);
    expect(first.links?.alerts).toEqual([
      expect.objectContaining({ assetId: 'endpoint:http:scoring-api', playbook: 'exposed-ml-endpoint', outcome: expect.stringMatching(/^opened dry-/) as unknown }),
    ]);
    await expect.poll(async () => (await workflowsOn(client, intake.taskQueue)).length, { timeout: 15_000 }).toBe(1);

    const second = await scan();
    expect(second.previousKey).toBe(first.snapshotKey);
    expect(second.links?.alerts).toEqual([]);
    expect((await workflowsOn(client, intake.taskQueue)).length).toBe(1);
  }, 90_000);
});
