import { DEFAULT_REVIEW_SETTINGS } from '../../config/reviews.js';
import type { WardenDeps } from '../deps.js';
import { failure, FailureKind } from '../../contracts/failures.js';
import type { ReviewStore } from '../ports/review-store.js';
import { createAnnounceActivities } from './announce.js';
import { createCollectActivities } from './collect.js';
import { lazyPolicy, type ReviewContext } from './context.js';
import { createEnforceActivities } from './enforce.js';
import { createReviewEvidenceActivities } from './evidence-pack.js';
import { createReviewNotifyActivities } from './notify.js';
import { createReviewerActivities } from './reviewers.js';

/** Without a review store (a worker built without reviews), every review activity fails saying so, rather than reading nothing. */
const unconfiguredStore = new Proxy({} as ReviewStore, {
  get: () => () => Promise.reject(failure(FailureKind.ReviewConfiguration, 'no review store is configured for this worker: build it with deps.reviews (worker/deps.ts does)')),
});

/** Every activity of access reviews: collection, the reviewers' items, notifications, enforcement, the evidence pack. */
export function createReviewActivities(deps: WardenDeps) {
  const settings = deps.reviews?.settings ?? DEFAULT_REVIEW_SETTINGS;
  const store = deps.reviews?.store ?? unconfiguredStore;
  const directory = deps.directory ? { directory: deps.directory } : {};
  const r: ReviewContext = { deps: deps.providers, store, settings, policy: lazyPolicy(settings.policyDir), ...directory };
  return {
    ...createCollectActivities(r),
    ...createAnnounceActivities(r),
    ...createReviewerActivities(r),
    ...createReviewNotifyActivities({ deps: r.deps, store, ...directory }),
    ...createEnforceActivities(r),
    ...createReviewEvidenceActivities({ deps: r.deps, store, settings }),
  };
}

export type ReviewActivities = ReturnType<typeof createReviewActivities>;
