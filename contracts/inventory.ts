/**
 * The AI inventory: what discovery found (models, training data, endpoints, model-code
 * repositories, ML service-principal keys), who can touch each, and how risky each is, with the
 * reasons. Plain data: it crosses into workflow results, the evidence store and the API.
 */
import type { AccessLevel, AssetId } from './review-types.js';

export const INVENTORY_KINDS = ['model', 'dataset', 'endpoint', 'repository', 'key'] as const;
export type InventoryKind = (typeof INVENTORY_KINDS)[number];

/** Where discovery reads: one source per peer. */
export const INVENTORY_SOURCES = ['mlflow', 's3', 'sagemaker', 'http', 'github', 'aws-iam'] as const;
export type InventorySource = (typeof INVENTORY_SOURCES)[number];

/** public: answers without credentials; authenticated: asks for them; internal: not reachable from outside. */
export type Exposure = 'public' | 'authenticated' | 'internal';

export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** One principal's access to one asset, as the peer says it. */
export interface AssetAccess {
  /** IAM user or role name, GitHub login, MLflow user name. */
  readonly principal: string;
  readonly principalKind: 'iam-user' | 'iam-role' | 'github-user' | 'mlflow-user';
  /** The level in the access matrix's terms. */
  readonly level: AccessLevel;
  /** What the peer calls it: `s3:PutObject (policy AdminData)`, `push`, `MANAGE`… */
  readonly grant: string;
  /** ISO time of last use, when the peer says. */
  readonly lastUsed?: string;
  /** The directory person holding the principal, when known. */
  readonly personId?: string;
}

/** One asset discovery found. */
export interface InventoryAsset {
  /** Stable across scans: `<kind>:<source>:<name>` (e.g. `model:mlflow:fraud-detector`). */
  readonly id: string;
  readonly kind: InventoryKind;
  readonly source: InventorySource;
  readonly name: string;
  /** ARN, URL or `owner/repo`. Never a secret. */
  readonly location: string;
  /** The owner, from a tag or the peer's own field, when one is said. */
  readonly owner?: string;
  /** The access matrix's class of this asset, when it has one. */
  readonly assetClass?: AssetId;
  readonly tags: Readonly<Record<string, string>>;
  /** What was measured, and how (`GET / answered 200 without credentials`). Absent when not probed. */
  readonly exposure?: { readonly level: Exposure; readonly evidence: string };
  readonly access: readonly AssetAccess[];
  /** Facts shown beside it: versions, aliases, a key's age in days, its last use… */
  readonly facts: Readonly<Record<string, string | number | boolean>>;
}

/** An asset's rating: never a bare level, always with the rules that gave it. */
export interface AssetRating {
  readonly assetId: string;
  readonly risk: RiskLevel;
  readonly reasons: readonly { readonly rule: string; readonly risk: RiskLevel; readonly reason: string; readonly principal?: string }[];
}

/** What each source did in a scan: it read the peer, it is not configured, or it failed (why). */
export interface SourceOutcome {
  readonly source: InventorySource;
  readonly status: 'scanned' | 'not configured' | 'failed';
  readonly assets: number;
  readonly detail?: string;
}

/** One scan's result, as stored in the evidence store (written once, under `inventoryScanKey`) and served. */
export interface InventorySnapshot {
  readonly scannedAt: string;
  /** The rules file's digest, so a rating can be traced to the rules that made it. */
  readonly rulesDigest: string;
  readonly sources: readonly SourceOutcome[];
  readonly assets: readonly InventoryAsset[];
  readonly ratings: readonly AssetRating[];
}

/**
 * The evidence-store key of one scan's snapshot (evidence is written once, so there is no
 * "latest" object: the latest scan is the newest completed scan workflow, whose result names its key).
 */
export const inventoryScanKey = (scannedAt: string): string => `inventory/scans/${scannedAt.replace(/[:.]/g, '-')}.json`;

/** The scan workflow's type name; the Schedule's and `warden inventory scan`'s runs are this type. */
export const INVENTORY_SCAN_WORKFLOW = 'inventoryScanWorkflow';
/** The daily Schedule's id. */
export const INVENTORY_SCHEDULE_ID = 'warden-inventory-scan';

export interface InventoryScanInput {
  /** Who asked: `schedule:<id>` or the verified identity of the person. */
  readonly requestedBy: string;
}

/** What a completed scan returns: where its snapshot is, and its headline counts. */
export interface InventoryScanResult {
  readonly scannedAt: string;
  /** The evidence-store key of the snapshot (`inventoryScanKey(scannedAt)`). */
  readonly snapshotKey: string;
  /** The previous completed scan's snapshot key, when there was one (what "new" findings are new against). */
  readonly previousKey?: string;
  readonly sources: readonly SourceOutcome[];
  readonly assets: number;
  readonly byRisk: Readonly<Record<RiskLevel, number>>;
  /** What the scan fed onwards (`linkInventory`): alerts raised, review items flagged. */
  readonly links?: InventoryLinksResult;
  /** Why `linkInventory` did not complete (the snapshot is stored all the same). */
  readonly linksError?: string;
}

/** The input of the `linkInventory` activity, which the scan workflow calls last. */
export interface InventoryLinksInput {
  readonly snapshotKey: string;
  readonly previousKey?: string;
}

/** What `linkInventory` did: each alert sent to the intake (and what it answered), each principal flagged. */
export interface InventoryLinksResult {
  readonly alerts: readonly { readonly assetId: string; readonly fingerprint: string; readonly playbook?: string; readonly outcome: string }[];
  readonly flagged: readonly { readonly assetId: string; readonly principal: string; readonly reason: string }[];
}
