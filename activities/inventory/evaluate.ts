import type { AssetAccess, AssetRating, InventoryAsset, RiskLevel } from '../../contracts/inventory.js';
import type { Person } from '../../contracts/directory.js';
import type { AccessLevel } from '../../contracts/review-types.js';
import { RISK_ORDER, type AccessMatrix, type InventoryRules } from './rules.js';

/** What the evaluator reads besides the asset: the rules, the matrix's roles, the directory, the scan's time. */
export interface RatingContext {
  readonly rules: InventoryRules;
  readonly matrix: AccessMatrix;
  readonly people: readonly Person[];
  readonly now: Date;
}

type Reason = AssetRating['reasons'][number];

const DAY_MS = 86_400_000;
const CHANGING: readonly AccessLevel[] = ['Read/Write', 'Admin'];

/** Whether a role allowing `allowed` may hold `held` (the matrix's partial order: Admin covers all, Read/Write covers Read). */
function allows(allowed: AccessLevel | undefined, held: AccessLevel): boolean {
  if (held === 'None' || allowed === 'Admin' || allowed === held) return true;
  return allowed === 'Read/Write' && held === 'Read';
}

/** The directory person holding this principal: by IAM user name, GitHub login or MLflow user. */
export function personOf(a: Pick<AssetAccess, 'principal' | 'principalKind'>, people: readonly Person[]): Person | undefined {
  const same = (x: string | undefined) => x !== undefined && x.toLowerCase() === a.principal.toLowerCase();
  return people.find((p) =>
    a.principalKind === 'iam-user' ? p.aws.some((u) => same(u.userName)) : a.principalKind === 'github-user' ? same(p.githubLogin) : a.principalKind === 'mlflow-user' ? same(p.mlflowUser) : false,
  );
}

const daysSince = (iso: string, now: Date) => Math.floor((now.getTime() - Date.parse(iso)) / DAY_MS);

function exposureRule(asset: InventoryAsset, rules: InventoryRules): Reason[] {
  if (!asset.exposure) return [];
  const risk = rules.risk.exposure[asset.exposure.level];
  return [{ rule: 'exposure', risk, reason: `exposure ${asset.exposure.level}: ${asset.exposure.evidence}` }];
}

function sensitivityRule(asset: InventoryAsset, rules: InventoryRules): Reason[] {
  const { tag, levels } = rules.risk.sensitivity;
  const value = asset.tags[tag];
  if (value === undefined) return [];
  const risk = levels[value];
  return risk ? [{ rule: 'sensitivity', risk, reason: `tagged ${tag}=${value}` }] : [{ rule: 'sensitivity', risk: 'medium', reason: `tagged ${tag}=${value}, a value the rules do not rate` }];
}

function breadthRule(asset: InventoryAsset, rules: InventoryRules): Reason[] {
  const changers = [...new Set(asset.access.filter((a) => CHANGING.includes(a.level)).map((a) => a.principal))];
  const { max_changers, risk } = rules.risk.breadth;
  if (changers.length <= max_changers) return [];
  return [{ rule: 'breadth', risk, reason: `${changers.length} principals can change it (more than ${max_changers}): ${changers.sort().join(', ')}` }];
}

function unusedRule(asset: InventoryAsset, ctx: RatingContext): Reason[] {
  const { days, risk } = ctx.rules.risk.unused;
  const out: Reason[] = [];
  for (const a of asset.access) {
    if (!a.lastUsed) continue;
    const idle = daysSince(a.lastUsed, ctx.now);
    if (idle >= days) out.push({ rule: 'unused', risk, principal: a.principal, reason: `${a.principal}'s access (${a.grant}) last used ${idle} days ago (${days} or more)` });
  }
  if (asset.kind === 'key' && asset.facts.status === 'Active') {
    const age = Number(asset.facts.ageDays);
    const used = typeof asset.facts.lastUsed === 'string' ? asset.facts.lastUsed : undefined;
    if (used && daysSince(used, ctx.now) >= days) out.push({ rule: 'unused', risk, reason: `active key last used ${daysSince(used, ctx.now)} days ago (${days} or more)` });
    if (!used && age >= days) out.push({ rule: 'unused', risk, reason: `active key never used in its ${age} days` });
  }
  return out;
}

function keyAgeRule(asset: InventoryAsset, rules: InventoryRules): Reason[] {
  if (asset.kind !== 'key' || asset.facts.status !== 'Active') return [];
  const age = Number(asset.facts.ageDays);
  const { days, risk } = rules.risk.key_age;
  return age >= days ? [{ rule: 'key-age', risk, reason: `active key ${age} days old (${days} or more)` }] : [];
}

function driftRule(asset: InventoryAsset, ctx: RatingContext): Reason[] {
  const assetClass = asset.assetClass;
  if (!assetClass) return [];
  const out: Reason[] = [];
  for (const a of asset.access) {
    if (a.level === 'None') continue;
    const person = personOf(a, ctx.people);
    const roles = ctx.matrix.roles.filter((r) => person?.roles.some((n) => n === r.id || n.toLowerCase() === r.name.toLowerCase()));
    if (roles.some((r) => allows(r.access[assetClass], a.level))) continue;
    const who = person ? `${person.id} (roles ${roles.map((r) => r.id).join(', ') || 'none in the matrix'})` : 'no directory person';
    out.push({
      rule: 'drift',
      risk: ctx.rules.risk.drift.risk,
      principal: a.principal,
      reason: `${a.principal} holds ${a.level} on ${assetClass} (${a.grant}); held by ${who}, whose roles do not allow it`,
    });
  }
  return out;
}

const highest = (risks: readonly RiskLevel[]): RiskLevel => risks.reduce<RiskLevel>((m, r) => (RISK_ORDER.indexOf(r) > RISK_ORDER.indexOf(m) ? r : m), 'low');

/**
 * Rates one asset by the rules: each rule that fires gives a reason with its own risk, and the
 * asset's risk is the highest of them. With no rule fired the risk is low, and the one reason says
 * so. Pure: the same asset, rules, directory and time give the same rating.
 */
export function rateAsset(asset: InventoryAsset, ctx: RatingContext): AssetRating {
  const reasons = [
    ...exposureRule(asset, ctx.rules),
    ...sensitivityRule(asset, ctx.rules),
    ...breadthRule(asset, ctx.rules),
    ...unusedRule(asset, ctx),
    ...keyAgeRule(asset, ctx.rules),
    ...driftRule(asset, ctx),
  ];
  if (reasons.length === 0)
    return {
      assetId: asset.id,
      risk: 'low',
      reasons: [{ rule: 'none', risk: 'low', reason: 'no rule fired: not exposed, no sensitive tag, few principals can change it, no unused access, no drift' }],
    };
  return { assetId: asset.id, risk: highest(reasons.map((r) => r.risk)), reasons };
}
