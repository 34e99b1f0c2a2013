import type { Entitlement } from '../../../contracts/review-types.js';

const compiled = new Map<string, RegExp>();

/**
 * Whether `value` matches `pattern`, where `*` stands for any run of characters (including `/`
 * and none) and everything else is literal. GitHub names (logins, `owner/repo`, team slugs) are
 * case-insensitive at GitHub, so `caseInsensitive` is set for them; AWS names are not.
 */
export function globMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const key = `${caseInsensitive ? 'i' : 's'}${pattern}`;
  let re = compiled.get(key);
  if (!re) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    re = new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's');
    compiled.set(key, re);
  }
  return re.test(value);
}

/**
 * The names a resource glob may match for an entitlement: the resource itself and, for a managed
 * policy (whose resource is its ARN), also the policy's name, so `AdministratorAccess` and
 * `arn:aws:iam::aws:policy/AdministratorAccess` both match it.
 */
export function resourceNames(e: Pick<Entitlement, 'kind' | 'resource'>): readonly string[] {
  if (e.kind === 'iam-managed-policy') {
    const name = e.resource.slice(e.resource.lastIndexOf('/') + 1);
    if (name && name !== e.resource) return [e.resource, name];
  }
  return [e.resource];
}

/** Whether a resource glob matches the entitlement (by any of its resource names). */
export function resourceMatches(pattern: string, e: Pick<Entitlement, 'system' | 'kind' | 'resource'>): boolean {
  const ci = e.system === 'github';
  return resourceNames(e).some((name) => globMatch(pattern, name, ci));
}
