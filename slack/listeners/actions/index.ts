import type { App } from '@slack/bolt';
import { APPROVE_ACTION, REJECT_ACTION } from '../../../activities/incident/render/approval-blocks.js';
import { approveButton } from './approve-button.js';
import { rejectButton } from './reject-button.js';
import { registerReviewActions } from './review-buttons.js';
import type { ReviewSlackDeps } from './review-decide.js';

/** The approval message's buttons, and the access review message's. */
export function registerActions(app: App, deps: ReviewSlackDeps): void {
  app.action(APPROVE_ACTION, approveButton(deps));
  app.action(REJECT_ACTION, rejectButton(deps));
  registerReviewActions(app, deps);
}
