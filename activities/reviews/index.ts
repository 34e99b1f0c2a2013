import { createAnnounceActivities } from './announce.js';
import { createCollectActivities } from './collect.js';
import type { ReviewContext } from './context.js';
import { createEnforceActivities } from './enforce.js';
import { createReviewEvidenceActivities } from './evidence-pack.js';
import { createReviewNotifyActivities } from './notify.js';
import { createReviewerActivities } from './reviewers.js';

/** Every activity of access reviews: collection, the reviewers' items, notifications, enforcement, the evidence pack. */
export function createReviewActivities(r: ReviewContext) {
  return {
    ...createCollectActivities(r),
    ...createAnnounceActivities(r),
    ...createReviewerActivities(r),
    ...createReviewNotifyActivities({ deps: r.deps, store: r.store, ...(r.directory ? { directory: r.directory } : {}) }),
    ...createEnforceActivities(r),
    ...createReviewEvidenceActivities({ deps: r.deps, store: r.store, settings: r.settings }),
  };
}

export type ReviewActivities = ReturnType<typeof createReviewActivities>;
