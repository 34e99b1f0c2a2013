import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { failure, FailureKind } from '../../contracts/failures.js';
import {
  INVENTORY_SCAN_WORKFLOW,
  inventoryScanKey,
  type InventoryAsset,
  type InventoryScanResult,
  type InventorySnapshot,
  type InventorySource,
  type RiskLevel,
  type SourceOutcome,
} from '../../contracts/inventory.js';
import type { WardenDeps } from '../deps.js';
import { readSource } from './discover.js';
import { rateAsset } from './evaluate.js';
import { InventoryRulesError, loadAccessMatrix, loadInventoryRules, RISK_ORDER } from './rules.js';

/** One source's read as the scan workflow receives it. */
export interface SourceScan {
  readonly outcome: SourceOutcome;
  readonly assets: readonly InventoryAsset[];
}

export interface InventoryStoreInput {
  readonly scannedAt: string;
  readonly scans: readonly SourceScan[];
}

export interface InventoryStored {
  readonly snapshotKey: string;
  readonly rulesDigest: string;
  readonly assets: number;
  readonly byRisk: Readonly<Record<RiskLevel, number>>;
}

const withRules = <T>(fn: () => T): T => {
  try {
    return fn();
  } catch (err) {
    if (err instanceof InventoryRulesError) throw failure(FailureKind.InventoryRulesInvalid, err.message);
    throw err;
  }
};

/** The error's message, without any URL's credentials. */
const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err)).replace(/\/\/[^/\s:@]+:[^/\s@]+@/g, '//');

/**
 * The inventory's activities (issue #19): read one source, rate and store a scan, and find the
 * previous completed scan. Reads only, but for the one snapshot written to the evidence store.
 */
export function createInventoryActivities(deps: WardenDeps) {
  const rulesFile = deps.inventory?.rulesFile ?? join('policy', 'inventory-rules.yaml');
  const matrixFile = deps.inventory?.matrixFile ?? join('policy', 'access-matrix.yaml');
  const readers = deps.inventory?.readers ?? {};
  return {
    /**
     * Reads one source. An unconfigured source is 'not configured'; a peer that fails is 'failed'
     * with the reason (its error message, credentials stripped). Only bad rules fail the activity.
     */
    async inventoryReadSource(input: { source: InventorySource; scannedAt: string }): Promise<SourceScan> {
      const { rules } = withRules(() => loadInventoryRules(rulesFile));
      try {
        const read = await readSource(input.source, readers, rules, new Date(input.scannedAt));
        if ('notConfigured' in read) return { outcome: { source: input.source, status: 'not configured', assets: 0, detail: read.notConfigured }, assets: [] };
        return { outcome: { source: input.source, status: 'scanned', assets: read.assets.length }, assets: read.assets };
      } catch (err) {
        return { outcome: { source: input.source, status: 'failed', assets: 0, detail: reasonOf(err) }, assets: [] };
      }
    },

    /** Rates every asset by the rules and writes the snapshot once under inventoryScanKey(scannedAt). */
    async inventoryRateAndStore(input: InventoryStoreInput): Promise<InventoryStored> {
      const evidence = deps.providers.evidence;
      if (!evidence) throw failure(FailureKind.EvidenceNotConfigured, 'the evidence store is not configured: set WARDEN_EVIDENCE_DIR');
      const { rules, digest } = withRules(() => loadInventoryRules(rulesFile));
      const matrix = withRules(() => loadAccessMatrix(matrixFile));
      const people = deps.directory ? await deps.directory.listPeople() : [];
      const assets = input.scans.flatMap((s) => s.assets);
      const ratings = assets.map((a) => rateAsset(a, { rules, matrix, people, now: new Date(input.scannedAt) }));
      const snapshot: InventorySnapshot = { scannedAt: input.scannedAt, rulesDigest: digest, sources: input.scans.map((s) => s.outcome), assets, ratings };
      const snapshotKey = inventoryScanKey(input.scannedAt);
      await evidence.put(snapshotKey, JSON.stringify(snapshot, null, 2), 'application/json');
      const byRisk = Object.fromEntries(RISK_ORDER.map((r) => [r, ratings.filter((x) => x.risk === r).length])) as Record<RiskLevel, number>;
      return { snapshotKey, rulesDigest: digest, assets: assets.length, byRisk };
    },

    /**
     * The snapshot key of the newest completed scan other than this one on this task queue (Temporal
     * visibility), if any: another queue is another deployment, with its own estate and evidence store.
     */
    async inventoryPreviousScan(input: { workflowId: string }): Promise<string | undefined> {
      const { client, info } = Context.current();
      const query = `WorkflowType = '${INVENTORY_SCAN_WORKFLOW}' AND ExecutionStatus = 'Completed' AND TaskQueue = '${info.taskQueue}' AND WorkflowId != '${input.workflowId}'`;
      let newest: { start: number; id: string; runId: string } | undefined;
      for await (const w of client.workflow.list({ query })) {
        if (!newest || w.startTime.getTime() > newest.start) newest = { start: w.startTime.getTime(), id: w.workflowId, runId: w.runId };
      }
      if (!newest) return undefined;
      const result = (await client.workflow.getHandle(newest.id, newest.runId).result()) as InventoryScanResult;
      return result.snapshotKey;
    },
  };
}

export type InventoryActivities = ReturnType<typeof createInventoryActivities>;
