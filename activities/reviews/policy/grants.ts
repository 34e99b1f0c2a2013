import { resourceMatches } from './glob.js';
import { joinLevels } from './levels.js';
import type { AccessPolicy, MappingRule } from './load-policy.js';
import type { AccessLevel, AssetId, Entitlement } from '../../../contracts/review-types.js';

/** Every level the matching rules grant, per asset, each level once. */
export type GrantedLevels = ReadonlyMap<AssetId, readonly AccessLevel[]>;

const rulesByKind = new WeakMap<AccessPolicy, ReadonlyMap<string, readonly MappingRule[]>>();

function candidateRules(policy: AccessPolicy, e: Pick<Entitlement, 'system' | 'kind'>): readonly MappingRule[] {
  let byKind = rulesByKind.get(policy);
  if (!byKind) {
    const built = new Map<string, MappingRule[]>();
    for (const rule of policy.rules) {
      const key = `${rule.system}:${rule.kind}`;
      built.set(key, [...(built.get(key) ?? []), rule]);
    }
    byKind = built;
    rulesByKind.set(policy, byKind);
  }
  return byKind.get(`${e.system}:${e.kind}`) ?? [];
}

function ruleMatches(rule: MappingRule, e: Entitlement): boolean {
  if (rule.permissions && !rule.permissions.some((p) => p.toLowerCase() === e.permission.toLowerCase())) return false;
  return resourceMatches(rule.resource, e);
}

/** What the mapping says an entitlement grants: every matching rule applies. */
export function grantedLevels(e: Entitlement, policy: AccessPolicy): GrantedLevels {
  const granted = new Map<AssetId, AccessLevel[]>();
  for (const rule of candidateRules(policy, e)) {
    if (!ruleMatches(rule, e)) continue;
    for (const [asset, level] of Object.entries(rule.grants) as [AssetId, AccessLevel][]) {
      const levels = granted.get(asset) ?? [];
      if (!levels.includes(level)) levels.push(level);
      granted.set(asset, levels);
    }
  }
  return granted;
}

/**
 * The grants recorded on a review item: per asset the least level covering everything granted
 * (the highest, or Admin for Read with Execute). The evaluation checks each granted level on its
 * own, so a person allowed Read and Execute is not flagged for holding both.
 */
export function grantsRecord(granted: GrantedLevels): Partial<Record<AssetId, AccessLevel>> {
  const out: Partial<Record<AssetId, AccessLevel>> = {};
  for (const [asset, levels] of granted) out[asset] = levels.reduce(joinLevels, 'None');
  return out;
}
