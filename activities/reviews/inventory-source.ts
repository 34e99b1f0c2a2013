/**
 * The AI inventory as a source of review items (issue #19, point 3): the access lists of the
 * latest scan (as of the campaign's start) become entitlements of the system their principal
 * belongs to, deduplicated with the configured ones, and each principal the drift rule names is
 * flagged (an exceeds_role finding), so revoke-flagged revokes it on silence.
 *
 * - a GitHub user on a GitHub repository is that repository's `github-repo` entitlement (same id
 *   as the configured collection's, so it is reviewed once; a revoke removes the collaborator);
 * - an IAM user's grant on any asset is an `inventory-access` entitlement (resource = the asset
 *   id), recorded on revoke: the grant comes through a policy that is its own entitlement.
 * IAM roles and MLflow users hold no person's account in the review's systems: not included.
 */
import { Context } from '@temporalio/activity';
import type { AssetAccess, InventoryAsset, InventorySnapshot } from '../../contracts/inventory.js';
import { loadLatestInventory, type ScanLister } from '../../contracts/inventory-latest.js';
import { driftFlags } from '../../contracts/inventory-view.js';
import type { Entitlement, ReviewItem, ReviewSystem } from '../../contracts/review-types.js';
import type { EvidenceStore } from '../ports/evidence.js';
import { entitlementId } from './policy/entitlement-id.js';

const accountOfArn = (arn: string): string | undefined => /^arn:aws[\w-]*:[\w-]+:[\w-]*:(\d{12}):/.exec(arn)?.[1];

/** The latest snapshot as of `asOf`, through the activity's client; undefined with no scan, or outside a worker. */
export async function inventoryForReview(evidence: EvidenceStore | undefined, asOf: string): Promise<InventorySnapshot | undefined> {
  let ctx: Context | undefined;
  let client: ScanLister | undefined;
  try {
    ctx = Context.current();
    client = ctx.client;
  } catch {
    return undefined; // a direct call, or a context without a client: campaigns as before
  }
  if (!evidence || !client) return undefined;
  return (await loadLatestInventory(client, ctx.info.taskQueue, evidence, asOf))?.snapshot;
}

function entitlementOf(system: ReviewSystem, asset: InventoryAsset, a: AssetAccess, awsAccountOf: (user: string) => string | undefined): Entitlement | undefined {
  if (system === 'github' && a.principalKind === 'github-user' && asset.kind === 'repository' && asset.source === 'github') {
    const account = asset.location.split('/')[0] ?? asset.location;
    const base = { system, account, subject: a.principal, kind: 'github-repo' as const, resource: asset.location };
    return { id: entitlementId(base), ...base, permission: a.grant, grantedVia: 'inventory', ...(a.lastUsed ? { lastUsed: a.lastUsed } : {}) };
  }
  if (system === 'aws' && a.principalKind === 'iam-user') {
    const account = awsAccountOf(a.principal) ?? accountOfArn(asset.location) ?? 'aws';
    const base = { system, account, subject: a.principal, kind: 'inventory-access' as const, resource: asset.id };
    return { id: entitlementId(base), ...base, permission: `${a.level} via ${a.grant}`, grantedVia: `inventory:${asset.source}`, ...(a.lastUsed ? { lastUsed: a.lastUsed } : {}) };
  }
  return undefined;
}

/**
 * The inventory's entitlements of one system not already among `known` (the configured ones
 * collected so far, by id), once each. `configured` gives an IAM user's account as the configured
 * collection names it, so the directory finds the person the same way.
 */
export function inventoryEntitlements(snapshot: InventorySnapshot, system: ReviewSystem, configured: readonly Entitlement[]): Entitlement[] {
  const known = new Set(configured.map((e) => e.id));
  const accounts = new Map(configured.filter((e) => e.system === 'aws').map((e) => [e.subject, e.account]));
  const out: Entitlement[] = [];
  for (const asset of snapshot.assets) {
    for (const a of asset.access) {
      if (a.level === 'None') continue;
      const e = entitlementOf(system, asset, a, (user) => accounts.get(user));
      if (!e || known.has(e.id)) continue;
      known.add(e.id);
      out.push(e);
    }
  }
  return out;
}

/** Each item whose principal the drift rule names on its asset, configured or discovered, flagged exceeds_role with the rule's reason. */
export function flagDrift(items: readonly ReviewItem[], snapshot: InventorySnapshot): ReviewItem[] {
  const flags = driftFlags(snapshot);
  const repoOf = new Map(snapshot.assets.map((a) => [a.id, a.location]));
  return items.map((item) => {
    const flag = flags.find((f) => f.principal === item.subject && (f.assetId === item.resource || repoOf.get(f.assetId) === item.resource));
    if (!flag) return item;
    const detail = `breaks the access matrix (inventory drift on ${flag.assetId}): ${flag.reason}`;
    // The policy's own exceeds_role (when it found one) keeps its words, and says the inventory's beside them.
    if (item.findings.some((f) => f.kind === 'exceeds_role')) return { ...item, findings: item.findings.map((f) => (f.kind === 'exceeds_role' ? { ...f, detail: `${f.detail}; ${detail}` } : f)) };
    return { ...item, findings: [{ kind: 'exceeds_role' as const, detail }, ...item.findings] };
  });
}
