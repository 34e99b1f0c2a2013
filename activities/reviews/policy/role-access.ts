import type { Person } from '../../../contracts/directory.js';
import { maxLevels } from './levels.js';
import type { AccessPolicy } from './load-policy.js';
import type { AccessLevel, AssetId } from '../../../contracts/review-types.js';

type Role = AccessPolicy['roles'][number];

/** What a person's matrix roles allow: per asset, the maximal levels of those roles. */
export interface RoleAccess {
  /** The person's roles found in the matrix; other entries of `person.roles` are ignored. */
  readonly roles: readonly Role[];
  readonly allowed: Readonly<Record<AssetId, readonly AccessLevel[]>>;
}

const roleIndexes = new WeakMap<AccessPolicy, ReadonlyMap<string, Role>>();
const accessCache = new WeakMap<AccessPolicy, WeakMap<Person, RoleAccess>>();

/** Role id, and lower-cased display name, → role: warden.yaml may name a role either way. */
function roleIndex(policy: AccessPolicy): ReadonlyMap<string, Role> {
  let index = roleIndexes.get(policy);
  if (!index) {
    const built = new Map<string, Role>();
    for (const r of policy.roles) built.set(r.name.toLowerCase(), r);
    for (const r of policy.roles) built.set(r.id, r);
    index = built;
    roleIndexes.set(policy, index);
  }
  return index;
}

/**
 * What the person may hold per the matrix. `person.roles` names matrix roles by id (e.g.
 * `data-scientist`) or display name (`Data Scientist`, case-insensitive). With no matrix role,
 * every asset allows None only.
 */
export function roleAccess(person: Person, policy: AccessPolicy): RoleAccess {
  let cache = accessCache.get(policy);
  if (!cache) {
    cache = new WeakMap();
    accessCache.set(policy, cache);
  }
  let access = cache.get(person);
  if (!access) {
    const index = roleIndex(policy);
    const roles = [...new Set(person.roles.map((r) => index.get(r) ?? index.get(r.toLowerCase())).filter((r): r is Role => r !== undefined))];
    const allowed = Object.fromEntries(policy.assets.map((a) => [a.id, maxLevels(roles.map((r) => r.access[a.id]))])) as Record<AssetId, AccessLevel[]>;
    access = { roles, allowed };
    cache.set(person, access);
  }
  return access;
}
