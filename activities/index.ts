import type { ActionDeps } from '../catalog/types.js';
import { createActionActivities } from './incident/run-action.js';
import { createDiagnosticsActivities } from './diagnostics.js';
import { createOffboardingActivities } from './offboarding/index.js';
import type { Directory } from '../contracts/directory.js';
import type { ReviewStore } from './ports/review-store.js';
import { lazyPolicy } from './reviews/context.js';
import { createReviewActivities } from './reviews/index.js';
import { createLocalReviewStore } from './providers/review-store/local-review-store.js';
import { DEFAULT_REVIEW_SETTINGS } from '../config/reviews.js';
import type { ReviewSettings } from '../contracts/review-types.js';
import { createApprovalChatActivities } from './incident/approval-activities.js';

/** Access reviews' settings (the `reviews:` section of warden.yaml) and their store. */
export interface ReviewSetup {
  readonly settings: ReviewSettings;
  readonly store: ReviewStore;
}

/** Every activity the worker registers, built from injected adapters (ports). */
export function createActivities(deps: ActionDeps = {}, directory?: Directory, reviews?: ReviewSetup) {
  const settings = reviews?.settings ?? DEFAULT_REVIEW_SETTINGS;
  const store = reviews?.store ?? createLocalReviewStore('.warden/reviews');
  return {
    ...createDiagnosticsActivities(),
    ...createActionActivities(deps),
    ...createApprovalChatActivities(deps),
    ...createOffboardingActivities(deps, directory),
    ...createReviewActivities({ deps, store, settings, policy: lazyPolicy(settings.policyDir), ...(directory ? { directory } : {}) }),
  };
}

export type WardenActivities = ReturnType<typeof createActivities>;
