import { ActivityFailure, ApplicationFailure, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { InventoryActivities, SourceScan } from '../../activities/inventory/index.js';
import { INVENTORY_SOURCES, type InventoryLinksInput, type InventoryLinksResult, type InventoryScanInput, type InventoryScanResult } from '../../contracts/inventory.js';

/** Each source's read: the activity reports a peer's failure as the source's outcome; a timeout is retried a few times. */
const { inventoryReadSource } = proxyActivities<InventoryActivities>({
  startToCloseTimeout: '10m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumAttempts: 3 },
});

/** Rating and the one write to the evidence store, and the look-up of the previous scan: retried until done or failed for good. */
const { inventoryRateAndStore, inventoryPreviousScan } = proxyActivities<InventoryActivities>({
  startToCloseTimeout: '5m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
});

/** `linkInventory` (the inventory's links: intake alerts, review flags) is registered by the inventory surfaces. */
const { linkInventory } = proxyActivities<{ linkInventory(input: InventoryLinksInput): Promise<InventoryLinksResult> }>({
  startToCloseTimeout: '10m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5 },
});

const messageOf = (err: unknown): string => {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
};

/**
 * One inventory scan (issue #19): reads every source as its own activity (a source that fails or
 * is not configured is said in its outcome and the others go on), rates the assets and writes the
 * snapshot once to the evidence store, finds the previous completed scan, then calls
 * `linkInventory` last. A scan whose rules are invalid or whose snapshot cannot be written fails.
 */
export async function inventoryScanWorkflow(input: InventoryScanInput): Promise<InventoryScanResult> {
  const scannedAt = new Date().toISOString();
  log.info('inventory scan', { requestedBy: input.requestedBy, scannedAt });
  const scans: SourceScan[] = await Promise.all(
    INVENTORY_SOURCES.map((source) =>
      inventoryReadSource({ source, scannedAt }).catch((err: unknown): SourceScan => {
        const cause = err instanceof ActivityFailure ? err.cause : undefined;
        // Bad rules fail every source alike: the scan fails with the field named, not six 'failed' sources.
        if (cause instanceof ApplicationFailure && cause.type === 'InventoryRulesInvalid') throw cause;
        return { outcome: { source, status: 'failed', assets: 0, detail: messageOf(err) }, assets: [] };
      }),
    ),
  );
  const stored = await inventoryRateAndStore({ scannedAt, scans });
  const previousKey = await inventoryPreviousScan({ workflowId: workflowInfo().workflowId });
  const base = {
    scannedAt,
    snapshotKey: stored.snapshotKey,
    ...(previousKey ? { previousKey } : {}),
    sources: scans.map((s) => s.outcome),
    assets: stored.assets,
    byRisk: stored.byRisk,
  };
  try {
    const links = await linkInventory({ snapshotKey: stored.snapshotKey, ...(previousKey ? { previousKey } : {}) });
    return { ...base, links };
  } catch (err) {
    return { ...base, linksError: messageOf(err) };
  }
}
