/**
 * `linkInventory`, which the scan workflow calls last (issue #19, point 3): each asset that became
 * high or critical risk since the previous scan is sent as an alert through Warden's own intake
 * (the same route, checks, routing and audit as any sender; a publicly exposed endpoint is typed
 * `endpoint.unauthenticated`, which the exposed-ml-endpoint playbook takes), and each principal
 * the drift rule names is returned in `flagged` (the next review campaign flags it for revoke).
 *
 * Idempotent, for a worker that dies anywhere: snapshots are read, never written; each alert's
 * fingerprint is `inventory:<asset hash>:<risk>` and its delivery key the snapshot's plus that
 * fingerprint, so a resent alert is the delivery the intake already took (or joins the incident
 * the first one opened), never a second incident.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { Alert } from '../../contracts/incident.js';
import type { AssetRating, InventoryAsset, InventoryLinksInput, InventoryLinksResult, InventorySnapshot, RiskLevel } from '../../contracts/inventory.js';
import { driftFlags, riskRank } from '../../contracts/inventory-view.js';
import { failure, FailureKind } from '../../contracts/failures.js';
import type { WardenDeps } from '../deps.js';
import type { EvidenceStore } from '../ports/evidence.js';

export const INVENTORY_ALERT_SOURCE = 'warden-inventory';
export const EXPOSED_ENDPOINT_TYPE = 'endpoint.unauthenticated';
export const HIGH_RISK_TYPE = 'inventory.high_risk';

/** Peer text made fit for an alert field: no control characters, markup or template markers, at most `max` characters. */
function fit(s: string, max: number): string {
  let clean = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    clean += c < 0x20 || c === 0x7f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ? ' ' : ch;
  }
  clean = clean.replace(/</g, '‹').replace(/\{\{/g, '{ {').replace(/\}\}/g, '} }');
  if (clean.length <= max) return clean;
  const end = /[\ud800-\udbff]/.test(clean.charAt(max - 2)) ? max - 2 : max - 1; // never half a surrogate pair
  return `${clean.slice(0, end)}…`;
}

async function readSnapshot(evidence: EvidenceStore, key: string): Promise<InventorySnapshot> {
  const bytes = await evidence.get(key);
  // The scan writes its snapshot before it calls this: absent means not visible yet (retry) or another store.
  if (!bytes) throw new Error(`inventory snapshot ${key} is not in the evidence store`);
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as InventorySnapshot;
}

const atLeastHigh = (r: RiskLevel): boolean => riskRank(r) >= riskRank('high');

/** The assets rated high or critical now whose risk rose since the previous snapshot (all of them on a first scan). */
export function newlyRisky(current: InventorySnapshot, previous?: InventorySnapshot): { asset: InventoryAsset; rating: AssetRating }[] {
  const before = new Map((previous?.ratings ?? []).map((r) => [r.assetId, r.risk]));
  const assets = new Map(current.assets.map((a) => [a.id, a]));
  return current.ratings.flatMap((rating) => {
    const asset = assets.get(rating.assetId);
    const was = before.get(rating.assetId);
    if (!asset || !atLeastHigh(rating.risk) || (was !== undefined && riskRank(was) >= riskRank(rating.risk))) return [];
    return [{ asset, rating }];
  });
}

export const inventoryFingerprint = (assetId: string, risk: RiskLevel): string => `inventory:${createHash('sha256').update(assetId).digest('hex').slice(0, 24)}:${risk}`;

/** The alert for one finding: an exposed endpoint as `endpoint.unauthenticated`, anything else as `inventory.high_risk`. */
export function findingAlert(asset: InventoryAsset, rating: AssetRating, snapshot: InventorySnapshot, snapshotKey: string): Alert {
  const exposed = asset.kind === 'endpoint' && asset.exposure?.level === 'public';
  const reasons = rating.reasons.filter((r) => atLeastHigh(r.risk)).map((r) => fit(`${r.rule}: ${r.reason}`, 500));
  return {
    type: exposed ? EXPOSED_ENDPOINT_TYPE : HIGH_RISK_TYPE,
    severity: rating.risk,
    title: fit(exposed ? `AI inventory: endpoint ${asset.name} answers without credentials` : `AI inventory: ${asset.kind} ${asset.name} is now ${rating.risk} risk`, 500),
    source: INVENTORY_ALERT_SOURCE,
    observed_at: snapshot.scannedAt,
    fingerprint: inventoryFingerprint(asset.id, rating.risk),
    resource: { kind: asset.kind, name: fit(asset.name, 256), uri: fit(asset.location, 2048) },
    labels: { inventory_source: asset.source, inventory_kind: asset.kind, risk: rating.risk, ...(asset.owner ? { owner: fit(asset.owner, 256) } : {}) },
    details: {
      assetId: fit(asset.id, 1024),
      snapshotKey,
      scannedAt: snapshot.scannedAt,
      rulesDigest: snapshot.rulesDigest,
      reasons,
      ...(asset.exposure ? { exposure: { level: asset.exposure.level, evidence: fit(asset.exposure.evidence, 500) } } : {}),
    },
  };
}

function heartbeat(details: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    /* a direct call (a test) has no activity context */
  }
}

export function createInventoryLinkActivities(deps: WardenDeps) {
  return {
    /** The inventory's links for one scan: alerts for new high-risk findings, and the principals that break the matrix. */
    async linkInventory(input: InventoryLinksInput): Promise<InventoryLinksResult> {
      const evidence = deps.providers.evidence;
      if (!evidence) throw failure(FailureKind.EvidenceNotConfigured, 'the evidence store is not configured: set WARDEN_EVIDENCE_DIR');
      const current = await readSnapshot(evidence, input.snapshotKey);
      const previous = input.previousKey ? await readSnapshot(evidence, input.previousKey) : undefined;
      const alerts: InventoryLinksResult['alerts'][number][] = [];
      for (const { asset, rating } of newlyRisky(current, previous)) {
        const alert = findingAlert(asset, rating, current, input.snapshotKey);
        const fingerprint = alert.fingerprint!;
        if (!deps.providers.intake) {
          alerts.push({ assetId: asset.id, fingerprint, outcome: 'not sent: no alert intake is configured for this worker' });
          continue;
        }
        let answer;
        try {
          answer = await deps.providers.intake.send(alert, `${input.snapshotKey}|${fingerprint}`);
        } catch (err) {
          // Unreachable, 429 or 5xx: the activity is retried; what was already sent is a duplicate delivery then.
          throw failure(FailureKind.HttpUnavailable, `sending the inventory alert for ${asset.id}: ${(err as Error).message}`);
        }
        alerts.push({ assetId: asset.id, fingerprint, ...(answer.playbook ? { playbook: answer.playbook } : {}), outcome: answer.outcome });
        heartbeat({ alerts: alerts.length });
      }
      return { alerts, flagged: driftFlags(current) };
    },
  };
}

export type InventoryLinkActivities = ReturnType<typeof createInventoryLinkActivities>;
