import type { Person } from '../../../contracts/directory.js';
import { resourceMatches } from './glob.js';
import type { Entitlement, ReviewSettings, ReviewerBasis } from '../../../contracts/review-types.js';

/** No reviewer is left for an item: a configuration problem (add fallback_reviewers). Not worth retrying. */
export class NoReviewerError extends Error {
  override name = 'NoReviewerError';
  constructor(
    readonly itemId: string,
    why: string,
  ) {
    super(`no reviewer for ${itemId}: ${why}; list someone else in reviews.fallback_reviewers of warden.yaml`);
  }
}

/**
 * Who reviews an entitlement, never the subject's own person:
 * - `owner` setting: the first owners rule matching the item (system, resource glob) that names
 *   someone other than the subject's person; else as `manager`;
 * - `manager` setting: the subject's manager;
 * - else the first of `fallbackReviewers` who is not the subject's person.
 * Throws NoReviewerError when nobody is left.
 */
export function assignReviewer(e: Entitlement, person: Person | undefined, settings: ReviewSettings): { reviewer: string; reviewerBasis: ReviewerBasis } {
  const self = person?.id;
  if (settings.reviewer === 'owner') {
    const owner = settings.owners.find((o) => (!o.system || o.system === e.system) && o.person !== self && resourceMatches(o.resource, e));
    if (owner) return { reviewer: owner.person, reviewerBasis: 'owner' };
  }
  if (person?.manager && person.manager !== self) return { reviewer: person.manager, reviewerBasis: 'manager' };
  const fallback = settings.fallbackReviewers.find((r) => r !== self);
  if (fallback) return { reviewer: fallback, reviewerBasis: 'fallback' };
  const why =
    settings.fallbackReviewers.length > 0
      ? `its holder ${self ?? ''} is the only fallback reviewer and may not review their own access`
      : person
        ? `${person.id} has no manager and no fallback reviewer is configured`
        : 'nobody in the directory holds it and no fallback reviewer is configured';
  throw new NoReviewerError(e.id, why);
}
