/**
 * The latest inventory scan is the newest COMPLETED workflow of type INVENTORY_SCAN_WORKFLOW on
 * the queue; its result's snapshotKey names the snapshot in the evidence store (no "latest" object).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalEvidenceStore } from '../../activities/providers/evidence/local-evidence-store.js';
import { inventoryScanKey } from '../../contracts/inventory.js';
import { completedScansQuery, loadLatestInventory } from '../../contracts/inventory-latest.js';
import { suiteClient, uniqueTaskQueue } from '../harness.js';
import { completeScan, fixtureSnapshot, withRisk } from '../helpers/inventory.js';

let client: Client;
beforeAll(async () => {
  client = await suiteClient();
});
afterAll(async () => {
  await client.connection.close();
});

describe('the latest inventory scan', () => {
  it('is undefined on a queue where no scan completed, then the newest completed scan with its snapshot', async () => {
    const taskQueue = uniqueTaskQueue('inv-latest');
    const evidence = createLocalEvidenceStore(mkdtempSync(join(tmpdir(), 'inv-evidence-')));
    expect(await loadLatestInventory(client, taskQueue, evidence)).toBeUndefined();

    const first = fixtureSnapshot('2026-12-01T06:00:00.000Z');
    await completeScan(client, taskQueue, evidence, first);
    const second = withRisk(fixtureSnapshot('2026-12-02T06:00:00.000Z'), 'model:mlflow:fraud-detector', 'critical');
    await completeScan(client, taskQueue, evidence, second, inventoryScanKey(first.scannedAt));

    const latest = await loadLatestInventory(client, taskQueue, evidence);
    expect(latest?.scan.snapshotKey).toBe(inventoryScanKey(second.scannedAt));
    expect(latest?.scan.scannedAt).toBe(second.scannedAt);
    expect(latest?.snapshot.ratings.find((r) => r.assetId === 'model:mlflow:fraud-detector')?.risk).toBe('critical');
    // Another queue's scans are not this queue's.
    expect(await loadLatestInventory(client, uniqueTaskQueue('inv-other'), evidence)).toBeUndefined();
  });

  it('says so when the scan names a snapshot the evidence store does not hold, and refuses a quoted queue name', async () => {
    const taskQueue = uniqueTaskQueue('inv-missing');
    const written = createLocalEvidenceStore(mkdtempSync(join(tmpdir(), 'inv-evidence-')));
    await completeScan(client, taskQueue, written, fixtureSnapshot('2026-12-03T06:00:00.000Z'));
    const empty = createLocalEvidenceStore(mkdtempSync(join(tmpdir(), 'inv-empty-')));
    await expect(loadLatestInventory(client, taskQueue, empty)).rejects.toThrow(/not in the evidence store/);
    expect(() => completedScansQuery("q' OR 1=1")).toThrow(/quote/);
  });
});
