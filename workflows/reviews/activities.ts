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

/** The evidence pack: long, heartbeating once per page of reviewers, retried until done. */
export const { reviewEvidencePack } = proxyActivities<ReviewActivities>({
  startToCloseTimeout: '1h',
  heartbeatTimeout: '5m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m' },
});

/**
 * Revocations: long, retried until done. The activity heartbeats every few seconds while its
 * worker lives, so a worker that dies mid-enforcement is noticed in 30 s and another carries on
 * (the timeouts are not part of the replayed commands).
 */
export const { reviewEnforce } = proxyActivities<ReviewActivities>({
  startToCloseTimeout: '1h',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m' },
});
