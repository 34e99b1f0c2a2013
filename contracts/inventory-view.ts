/**
 * The inventory as it is shown: each asset beside its rating and reasons, riskiest first, and the
 * filters GET /v1/inventory, `warden inventory` and the evidence pack's report share. Pure.
 */
import type { AssetAccess, AssetRating, Exposure, InventoryKind, InventorySnapshot, InventorySource, RiskLevel, SourceOutcome } from './inventory.js';

export const RISK_ORDER: readonly RiskLevel[] = ['low', 'medium', 'high', 'critical'];
export const riskRank = (r: RiskLevel): number => RISK_ORDER.indexOf(r);

/** One asset with its rating. `risk` is `unrated` when the snapshot holds no rating for it (said, never guessed). */
export interface InventoryRow {
  readonly id: string;
  readonly kind: InventoryKind;
  readonly source: InventorySource;
  readonly name: string;
  readonly location: string;
  readonly owner?: string;
  readonly assetClass?: string;
  readonly exposure?: { readonly level: Exposure; readonly evidence: string };
  /** Distinct principals that can touch the asset. */
  readonly principals: number;
  readonly access: readonly AssetAccess[];
  readonly risk: RiskLevel | 'unrated';
  readonly reasons: AssetRating['reasons'];
  /** The riskiest reason, as one line (`rule: reason`); absent when there is none. */
  readonly topReason?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly facts: Readonly<Record<string, string | number | boolean>>;
}

/** Filters: `risk` keeps assets rated at that level or above. */
export interface InventoryFilter {
  readonly kind?: InventoryKind;
  readonly source?: InventorySource;
  readonly risk?: RiskLevel;
}

/** Which scan a view or report is of. */
export interface InventoryScanRef {
  readonly workflowId: string;
  readonly closedAt: string;
  readonly scannedAt: string;
  readonly snapshotKey: string;
  readonly rulesDigest: string;
  readonly sources: readonly SourceOutcome[];
}

/** GET /v1/inventory's answer: a scan's rows, or the explicit state that no scan has completed. */
export type InventoryView =
  | { readonly state: 'no scan yet'; readonly detail: string }
  | { readonly state: 'scanned'; readonly scan: InventoryScanRef; readonly filters: InventoryFilter; readonly total: number; readonly count: number; readonly assets: readonly InventoryRow[] };

export const NO_SCAN_DETAIL = 'no inventory scan has completed yet: run `warden inventory scan`, or wait for the daily schedule';

const rankOf = (r: InventoryRow['risk']): number => (r === 'unrated' ? -1 : riskRank(r));

/** Every asset of the snapshot with its rating, riskiest first, then by id. */
export function inventoryRows(snapshot: InventorySnapshot): InventoryRow[] {
  const ratings = new Map(snapshot.ratings.map((r) => [r.assetId, r]));
  const rows = snapshot.assets.map((a): InventoryRow => {
    const rating = ratings.get(a.id);
    const reasons = [...(rating?.reasons ?? [])].sort((x, y) => riskRank(y.risk) - riskRank(x.risk));
    const top = reasons[0];
    return {
      id: a.id,
      kind: a.kind,
      source: a.source,
      name: a.name,
      location: a.location,
      ...(a.owner ? { owner: a.owner } : {}),
      ...(a.assetClass ? { assetClass: a.assetClass } : {}),
      ...(a.exposure ? { exposure: a.exposure } : {}),
      principals: new Set(a.access.map((x) => x.principal)).size,
      access: a.access,
      risk: rating?.risk ?? 'unrated',
      reasons,
      ...(top ? { topReason: `${top.rule}: ${top.reason}` } : {}),
      tags: a.tags,
      facts: a.facts,
    };
  });
  return rows.sort((x, y) => rankOf(y.risk) - rankOf(x.risk) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

export function filterRows(rows: readonly InventoryRow[], f: InventoryFilter): InventoryRow[] {
  return rows.filter((r) => (!f.kind || r.kind === f.kind) && (!f.source || r.source === f.source) && (!f.risk || (r.risk !== 'unrated' && riskRank(r.risk) >= riskRank(f.risk))));
}

/** The rating rule for drift from the access matrix (policy/inventory-rules.yaml `drift`): its reasons name the principal. */
export const DRIFT_RULE = 'drift';

/** A principal whose access breaks the access matrix: to be reviewed and flagged for revoke. */
export interface DriftFlag {
  readonly assetId: string;
  readonly principal: string;
  readonly reason: string;
}

/** Every principal the drift rule named, per asset, once each, in snapshot order. */
export function driftFlags(snapshot: InventorySnapshot): DriftFlag[] {
  const seen = new Set<string>();
  const out: DriftFlag[] = [];
  for (const rating of snapshot.ratings) {
    for (const r of rating.reasons) {
      if (r.rule !== DRIFT_RULE || !r.principal) continue;
      const key = `${rating.assetId}\u0000${r.principal}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ assetId: rating.assetId, principal: r.principal, reason: r.reason });
    }
  }
  return out;
}
