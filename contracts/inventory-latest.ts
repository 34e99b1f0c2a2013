/**
 * Which inventory scan is the latest: the newest COMPLETED workflow of type
 * INVENTORY_SCAN_WORKFLOW on the task queue, by close time, whose result names its snapshot.
 * Written once, over a structural view of the Temporal client, so the server (GET /v1/inventory)
 * and the activities (the evidence pack, the review campaign, through the activity context's
 * client) find the same scan. No Node import: safe below both.
 */
import { INVENTORY_SCAN_WORKFLOW, type InventoryScanResult, type InventorySnapshot } from './inventory.js';
import type { InventoryScanRef } from './inventory-view.js';

/** The parts of `@temporalio/client`'s Client this needs. */
export interface ScanLister {
  readonly workflow: {
    list(options: { query: string; pageSize?: number }): AsyncIterable<{ readonly workflowId: string; readonly runId: string; readonly closeTime?: Date }>;
    getHandle(workflowId: string, runId?: string): { result(): Promise<unknown> };
  };
}

/** The latest scan: its workflow, when it closed, and its result (`snapshotKey` names the snapshot). */
export interface LatestInventoryScan {
  readonly workflowId: string;
  readonly runId: string;
  readonly closedAt: string;
  readonly result: InventoryScanResult;
}

/** The visibility query of completed scans on one task queue (a queue name holds no quote: Warden's names are constants). */
export function completedScansQuery(taskQueue: string): string {
  if (/['\\]/.test(taskQueue)) throw new Error(`a task queue name with a quote cannot be queried: ${taskQueue}`);
  return `WorkflowType = '${INVENTORY_SCAN_WORKFLOW}' AND ExecutionStatus = 'Completed' AND TaskQueue = '${taskQueue}'`;
}

/**
 * The newest completed scan that closed at or before `asOf` (default: any), or undefined when
 * none has. The dev server's visibility does not promise an order, so every completed scan is
 * listed and the newest close time wins (ties: the larger run id, so the answer is stable).
 * A newest scan whose result names no snapshot is an error, never skipped for an older one.
 */
export async function latestInventoryScan(client: ScanLister, taskQueue: string, asOf?: string): Promise<LatestInventoryScan | undefined> {
  const limit = asOf === undefined ? Infinity : Date.parse(asOf);
  let best: { workflowId: string; runId: string; closedMs: number } | undefined;
  for await (const wf of client.workflow.list({ query: completedScansQuery(taskQueue), pageSize: 500 })) {
    const closedMs = wf.closeTime?.getTime();
    if (closedMs === undefined || closedMs > limit) continue;
    if (!best || closedMs > best.closedMs || (closedMs === best.closedMs && wf.runId > best.runId)) best = { workflowId: wf.workflowId, runId: wf.runId, closedMs };
  }
  if (!best) return undefined;
  const result = (await client.workflow.getHandle(best.workflowId, best.runId).result()) as Partial<InventoryScanResult> | undefined;
  if (!result || typeof result.snapshotKey !== 'string' || typeof result.scannedAt !== 'string') {
    throw new Error(`inventory scan ${best.workflowId} (run ${best.runId}) completed without a snapshotKey in its result`);
  }
  return { workflowId: best.workflowId, runId: best.runId, closedAt: new Date(best.closedMs).toISOString(), result: result as InventoryScanResult };
}

/** What reads a snapshot: the evidence store's `get` (the workers' store, or the server's reader of it). */
export interface SnapshotReader {
  get(key: string): Promise<Uint8Array | undefined>;
}

/** The latest scan (as of `asOf`) with its snapshot read from the evidence store, or undefined when no scan has completed. */
export async function loadLatestInventory(
  client: ScanLister,
  taskQueue: string,
  evidence: SnapshotReader,
  asOf?: string,
): Promise<{ readonly scan: InventoryScanRef; readonly snapshot: InventorySnapshot } | undefined> {
  const latest = await latestInventoryScan(client, taskQueue, asOf);
  if (!latest) return undefined;
  const key = latest.result.snapshotKey;
  const bytes = await evidence.get(key);
  if (!bytes) throw new Error(`inventory scan ${latest.workflowId} names snapshot ${key}, which is not in the evidence store`);
  const snapshot = JSON.parse(new TextDecoder().decode(bytes)) as InventorySnapshot;
  if (!Array.isArray(snapshot.assets) || !Array.isArray(snapshot.ratings)) throw new Error(`${key} is not an inventory snapshot (no assets or ratings)`);
  return {
    scan: { workflowId: latest.workflowId, closedAt: latest.closedAt, scannedAt: snapshot.scannedAt, snapshotKey: key, rulesDigest: snapshot.rulesDigest, sources: snapshot.sources ?? [] },
    snapshot,
  };
}
