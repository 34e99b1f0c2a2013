import type { Person } from '../../../contracts/directory.js';
import { assignReviewer } from './assign-reviewer.js';
import { exceedsRole, externalCollaborator, orphaned, staleKey, unused } from './findings.js';
import { globMatch, resourceMatches } from './glob.js';
import { grantedLevels, grantsRecord } from './grants.js';
import type { AccessPolicy } from './load-policy.js';
import { resolvePerson } from './resolve-person.js';
import { roleAccess } from './role-access.js';
import type { Entitlement, Finding, ReviewItem, ReviewSettings } from '../../../contracts/review-types.js';

export interface EvaluationContext {
  readonly policy: AccessPolicy;
  readonly people: readonly Person[];
  readonly settings: ReviewSettings;
  /** The campaign's start: ages (unused, stale key) are measured from it. */
  readonly now: Date;
  /**
   * GitHub organization → its members' logins, when the batch being evaluated may not hold the
   * organization's memberships. Members are also taken from the batch's own
   * `github-org-membership` items (invitations excluded). Direct repository access by a
   * non-member is flagged only for an organization whose members are known one way or the other.
   */
  readonly orgMembers?: Readonly<Record<string, readonly string[]>>;
  /** AWS account id or alias → the other names of that account, so the directory may use either. */
  readonly awsAccountAliases?: Readonly<Record<string, readonly string[]>>;
}

function orgMembership(items: readonly Entitlement[], given: EvaluationContext['orgMembers']): Map<string, Set<string>> {
  const members = new Map<string, Set<string>>();
  const add = (org: string, login: string) => {
    const set = members.get(org) ?? new Set<string>();
    set.add(login.toLowerCase());
    members.set(org, set);
  };
  for (const [org, logins] of Object.entries(given ?? {})) {
    members.set(org, members.get(org) ?? new Set());
    for (const login of logins) add(org, login);
  }
  for (const e of items) if (e.kind === 'github-org-membership' && e.grantedVia !== 'invitation') add(e.account, e.subject);
  return members;
}

function exceptionFor(e: Entitlement, settings: ReviewSettings): string | undefined {
  const ci = e.system === 'github';
  return settings.exceptions.find((x) => (!x.system || x.system === e.system) && (!x.subject || globMatch(x.subject, e.subject, ci)) && (!x.resource || resourceMatches(x.resource, e)))?.reason;
}

/**
 * Evaluates entitlements against the access policy: finds the person holding each (none:
 * orphaned), what the mapping says it grants, its findings (exceeds_role, unused, stale_key,
 * orphaned, external_collaborator, in that order), its reviewer and any exception. Pure and
 * deterministic for a given `now`; safe to call batch by batch. Throws NoReviewerError when an
 * item has nobody left to review it.
 */
export function evaluateEntitlements(items: readonly Entitlement[], ctx: EvaluationContext): ReviewItem[] {
  const { policy, people, settings, now } = ctx;
  const members = orgMembership(items, ctx.orgMembers);
  return items.map((e): ReviewItem => {
    const person = resolvePerson(e, people, ctx.awsAccountAliases);
    const granted = grantedLevels(e, policy);
    const findings = [
      person ? exceedsRole(person, roleAccess(person, policy), granted, policy) : undefined,
      unused(e, policy.thresholds.unusedDays, now),
      staleKey(e, policy.thresholds.keyAgeDays, now),
      person ? undefined : orphaned(e),
      e.system === 'github' ? externalCollaborator(e, members.get(e.account)) : undefined,
    ].filter((f): f is Finding => f !== undefined);
    const exception = exceptionFor(e, settings);
    return {
      ...e,
      ...(person ? { personId: person.id } : {}),
      findings,
      grants: grantsRecord(granted),
      ...assignReviewer(e, person, settings),
      ...(exception !== undefined ? { exception } : {}),
    };
  });
}
