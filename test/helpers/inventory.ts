/**
 * Inventory fixtures: a realistic snapshot (MLflow model, S3 training data, an exposed SageMaker
 * endpoint, a GitHub repo, an ML key) and `completeScan`, which does what a scan does at its end:
 * writes the snapshot once under `inventoryScanKey` and completes a workflow of type
 * INVENTORY_SCAN_WORKFLOW whose result names it (a real worker running the stand-in workflow).
 */
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { EvidenceStore } from '../../activities/ports/evidence.js';
import { INVENTORY_SCAN_WORKFLOW, inventoryScanKey, type InventoryScanResult, type InventorySnapshot, type RiskLevel } from '../../contracts/inventory.js';
import { latestInventoryScan } from '../../contracts/inventory-latest.js';
import { wardenDataConverter } from '../../codec/data-converter.js';
import { quietWorkerLogs, suiteKeyring } from '../harness.js';
import { suiteValue } from './suite-env.js';

const standIn = fileURLToPath(new URL('../fixtures/inventory/scan-stand-in.ts', import.meta.url));

/** A scan of the seeded estate; `overrides` changes ratings or assets for a later scan. */
export function fixtureSnapshot(scannedAt: string, overrides: Partial<InventorySnapshot> = {}): InventorySnapshot {
  return {
    scannedAt,
    rulesDigest: 'a3f1c2d4e5b6a7980112233445566778899aabbccddeeff00112233445566778',
    sources: [
      { source: 'mlflow', status: 'scanned', assets: 1 },
      { source: 's3', status: 'scanned', assets: 1 },
      { source: 'sagemaker', status: 'scanned', assets: 1 },
      { source: 'github', status: 'scanned', assets: 1 },
      { source: 'aws-iam', status: 'scanned', assets: 1 },
      { source: 'http', status: 'not configured', assets: 0, detail: 'no inventory.http_endpoints in warden.yaml' },
    ],
    assets: [
      {
        id: 'model:mlflow:fraud-detector',
        kind: 'model',
        source: 'mlflow',
        name: 'fraud-detector',
        location: 'http://127.0.0.1:5000/#/models/fraud-detector',
        owner: 'ml-platform',
        assetClass: 'production_models',
        tags: { owner: 'ml-platform' },
        access: [
          { principal: 'mo', principalKind: 'mlflow-user', level: 'Admin', grant: 'MANAGE', personId: 'mo' },
          { principal: 'dana', principalKind: 'mlflow-user', level: 'Read/Write', grant: 'EDIT', personId: 'dana' },
        ],
        facts: { versions: 3, aliases: 'champion->3' },
      },
      {
        id: 'dataset:s3:training-cards',
        kind: 'dataset',
        source: 's3',
        name: 'training-cards',
        location: 'arn:aws:s3:::training-cards',
        owner: 'data-eng',
        assetClass: 'training_data',
        tags: { 'warden:training-data': 'true', sensitivity: 'pii' },
        access: [
          { principal: 'etl-role', principalKind: 'iam-role', level: 'Read/Write', grant: 's3:PutObject (policy EtlWrite)' },
          { principal: 'sam', principalKind: 'iam-user', level: 'Read/Write', grant: 's3:PutObject (policy AdminData)', lastUsed: '2026-06-01T00:00:00Z', personId: 'sam' },
        ],
        facts: { prefixes: 2 },
      },
      {
        id: 'endpoint:sagemaker:fraud-live',
        kind: 'endpoint',
        source: 'sagemaker',
        name: 'fraud-live',
        location: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/fraud-live',
        tags: {},
        exposure: { level: 'public', evidence: 'POST /invocations answered 200 without credentials' },
        access: [],
        facts: { instances: 1 },
      },
      {
        id: 'repository:github:acme/fraud-model',
        kind: 'repository',
        source: 'github',
        name: 'acme/fraud-model',
        location: 'acme/fraud-model',
        owner: 'ml-platform',
        assetClass: 'model_code',
        tags: { topic: 'ml-model' },
        access: [{ principal: 'dana-gh', principalKind: 'github-user', level: 'Read/Write', grant: 'push', personId: 'dana' }],
        facts: {},
      },
    ],
    ratings: [
      { assetId: 'model:mlflow:fraud-detector', risk: 'medium', reasons: [{ rule: 'breadth', risk: 'medium', reason: '2 principals can change it' }] },
      {
        assetId: 'dataset:s3:training-cards',
        risk: 'high',
        reasons: [
          { rule: 'sensitivity', risk: 'medium', reason: 'tagged sensitivity=pii' },
          { rule: 'drift', risk: 'high', reason: "role 'analyst' may not write training-data", principal: 'sam' },
        ],
      },
      { assetId: 'endpoint:sagemaker:fraud-live', risk: 'critical', reasons: [{ rule: 'exposure', risk: 'critical', reason: 'answers without credentials' }] },
      { assetId: 'repository:github:acme/fraud-model', risk: 'low', reasons: [] },
    ],
    ...overrides,
  };
}

/** The same snapshot with one asset's rating changed. */
export function withRisk(s: InventorySnapshot, assetId: string, risk: RiskLevel, reason = `now ${risk}`): InventorySnapshot {
  return { ...s, ratings: s.ratings.map((r) => (r.assetId === assetId ? { assetId, risk, reasons: [{ rule: 'exposure', risk, reason }] } : r)) };
}

/**
 * Does what a scan does at its end: the snapshot written once under its key, then a completed
 * INVENTORY_SCAN_WORKFLOW on `taskQueue` whose result names it. Waits until visibility lists it.
 */
export async function completeScan(client: Client, taskQueue: string, evidence: EvidenceStore, snapshot: InventorySnapshot, previousKey?: string): Promise<InventoryScanResult> {
  const snapshotKey = inventoryScanKey(snapshot.scannedAt);
  await evidence.put(snapshotKey, JSON.stringify(snapshot), 'application/json');
  const byRisk = { low: 0, medium: 0, high: 0, critical: 0 };
  for (const r of snapshot.ratings) byRisk[r.risk]++;
  const result: InventoryScanResult = { scannedAt: snapshot.scannedAt, snapshotKey, ...(previousKey ? { previousKey } : {}), sources: snapshot.sources, assets: snapshot.assets.length, byRisk };
  quietWorkerLogs();
  const connection = await NativeConnection.connect({ address: suiteValue('address') });
  try {
    const worker = await Worker.create({ connection, namespace: suiteValue('namespace'), taskQueue, workflowsPath: standIn, dataConverter: wardenDataConverter(suiteKeyring()) });
    // `stand-in-`: its history is the stand-in's, not the real scan's; the replay test leaves it out.
    const workflowId = `stand-in-inventory-scan-${snapshot.scannedAt.replace(/[:.]/g, '-')}-${taskQueue}`;
    await worker.runUntil(client.workflow.execute(INVENTORY_SCAN_WORKFLOW, { workflowId, taskQueue, args: [result] }));
  } finally {
    await connection.close();
  }
  const deadline = Date.now() + 15_000;
  while ((await latestInventoryScan(client, taskQueue))?.result.snapshotKey !== snapshotKey) {
    if (Date.now() > deadline) throw new Error(`visibility never listed the scan of ${snapshot.scannedAt} as the latest on ${taskQueue}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return result;
}
