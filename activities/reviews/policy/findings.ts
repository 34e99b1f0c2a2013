import type { Person } from '../../../contracts/directory.js';
import type { GrantedLevels } from './grants.js';
import { coveredByAny } from './levels.js';
import type { AccessPolicy } from './load-policy.js';
import type { RoleAccess } from './role-access.js';
import type { Entitlement, Finding } from '../../../contracts/review-types.js';

const DAY_MS = 86_400_000;

/** Whole days from an ISO time to now, or undefined when the time does not parse. */
function daysSince(iso: string | undefined, now: Date): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : (now.getTime() - ms) / DAY_MS;
}

const day = (iso: string): string => iso.slice(0, 10);

/** Some granted level on some asset is not covered by what the person's matrix roles allow. */
export function exceedsRole(person: Person, access: RoleAccess, granted: GrantedLevels, policy: AccessPolicy): Finding | undefined {
  const over: { asset: string; granted: string; allowed: string }[] = [];
  for (const asset of policy.assets) {
    const allowed = access.allowed[asset.id];
    for (const level of granted.get(asset.id) ?? []) {
      if (!coveredByAny(allowed, level)) over.push({ asset: asset.name, granted: level, allowed: allowed.join(' or ') });
    }
  }
  if (over.length === 0) return undefined;
  const grants = over.map((o) => `${o.granted} on ${o.asset}`).join(', ');
  if (access.roles.length === 0) return { kind: 'exceeds_role', detail: `grants ${grants}; ${person.id} holds no role of the access matrix, which allows None` };
  const roles = access.roles.map((r) => r.id).join(' + ');
  const allows = over.map((o) => `${o.allowed} on ${o.asset}`).join(', ');
  return { kind: 'exceeds_role', detail: `grants ${grants}; ${roles} ${access.roles.length === 1 ? 'allows' : 'allow'} ${allows}` };
}

/** Last used longer ago than the threshold, or never used and created longer ago. */
export function unused(e: Entitlement, unusedDays: number, now: Date): Finding | undefined {
  const used = daysSince(e.lastUsed, now);
  if (used !== undefined) {
    return used > unusedDays && e.lastUsed ? { kind: 'unused', detail: `last used ${day(e.lastUsed)}, ${Math.floor(used)} days ago (more than ${unusedDays})` } : undefined;
  }
  const age = daysSince(e.createdAt, now);
  if (age === undefined || age <= unusedDays || !e.createdAt) return undefined;
  return { kind: 'unused', detail: `no recorded use since it was created ${day(e.createdAt)}, ${Math.floor(age)} days ago (more than ${unusedDays})` };
}

/** An active access key created longer ago than the threshold. */
export function staleKey(e: Entitlement, keyAgeDays: number, now: Date): Finding | undefined {
  if (e.kind !== 'iam-access-key' || e.permission !== 'Active') return undefined;
  const age = daysSince(e.createdAt, now);
  if (age === undefined || age <= keyAgeDays || !e.createdAt) return undefined;
  return { kind: 'stale_key', detail: `active access key created ${day(e.createdAt)}, ${Math.floor(age)} days ago; rotate keys within ${keyAgeDays} days` };
}

export function orphaned(e: Entitlement): Finding {
  const who = e.system === 'aws' ? `IAM user ${e.subject} in ${e.account}` : e.system === 'github' ? `GitHub account ${e.subject} in ${e.account}` : `subject ${e.subject} in ${e.account}`;
  return { kind: 'orphaned', detail: `no person in the directory holds ${who}` };
}

/**
 * An outside collaborator, or direct repository access held by someone who is not a member of
 * the organization. `members` is undefined when the organization's members are unknown; then
 * only the outside-collaborator entitlement itself is flagged.
 */
export function externalCollaborator(e: Entitlement, members: ReadonlySet<string> | undefined): Finding | undefined {
  if (e.kind === 'github-outside-collaborator') return { kind: 'external_collaborator', detail: `${e.subject} is an outside collaborator of ${e.account}` };
  if (e.kind === 'github-repo' && members && !members.has(e.subject.toLowerCase())) {
    return { kind: 'external_collaborator', detail: `${e.subject} holds ${e.permission} on ${e.resource} without being a member of ${e.account}` };
  }
  return undefined;
}
