import { DEFAULT_REVIEW_SETTINGS } from '../../config/reviews.js';
import type { WardenDeps } from '../deps.js';
import { createLocalReviewStore } from '../providers/review-store/local-review-store.js';
import { createAnnounceActivities } from './announce.js';
import { createCollectActivities } from './collect.js';
import { lazyPolicy, type ReviewContext } from './context.js';
import { createEnforceActivities } from './enforce.js';
import { createReviewEvidenceActivities } from './evidence-pack.js';
import { createReviewNotifyActivities } from './notify.js';
import { createReviewerActivities } from './reviewers.js';

/** Every activity of access reviews: collection, the reviewers' items, notifications, enforcement, the evidence pack. */
export function createReviewActivities(deps: WardenDeps) {
  const settings = deps.reviews?.settings ?? DEFAULT_REVIEW_SETTINGS;
  const store = deps.reviews?.store ?? createLocalReviewStore('.warden/reviews');
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
