import { proxyActivities } from '@temporalio/workflow';
import type { ReviewActivities } from '../../activities/reviews/index.js';

/** Reading providers page by page: long calls that heartbeat, retried with backoff until they succeed or fail for good. */
export const { reviewCollect } = proxyActivities<ReviewActivities>({
  startToCloseTimeout: '30m',
  heartbeatTimeout: '5m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m' },
});

/** Store reads and writes: quick and idempotent. */
export const {
  reviewCampaignSettings,
  reviewOpenCampaign,
  reviewCountReviewers,
  reviewListReviewers,
  reviewLoadReviewer,
  reviewLoadReviewerPage,
  reviewRecordDecisions,
  reviewRecordCompactDecisions,
} = proxyActivities<ReviewActivities>({
  startToCloseTimeout: '5m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/** Telling people: bounded retries, a failure is recorded and the review goes on. */
export const { reviewAnnounce, reviewNotifyReviewer, reviewRenderMessage } = proxyActivities<ReviewActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumAttempts: 5 },
});

/** Revocations and the evidence pack: long, heartbeating, retried until done. */
export const { reviewEnforce, reviewEvidencePack } = proxyActivities<ReviewActivities>({
  startToCloseTimeout: '1h',
  heartbeatTimeout: '5m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m' },
});
