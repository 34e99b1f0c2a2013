import type { Entitlement } from '../../../contracts/review-types.js';

/**
 * The stable id of an entitlement: `<system>:<account>:<subject>:<kind>:<resource>`. The same
 * entitlement gets the same id in every campaign, so decisions and evidence can be compared
 * across quarters. Unique as long as one subject holds one kind of a resource once.
 */
export function entitlementId(e: Pick<Entitlement, 'system' | 'account' | 'subject' | 'kind' | 'resource'>): string {
  return `${e.system}:${e.account}:${e.subject}:${e.kind}:${e.resource}`;
}
