import type { App } from '@slack/bolt';
import { APPROVE_ACTION, REJECT_ACTION } from '../../../../activities/slack/approval-blocks.js';
import type { SlackDeps } from '../../deps.js';
import { approveButton } from './approve-button.js';
import { rejectButton } from './reject-button.js';

/** The approval message's buttons. */
export function registerActions(app: App, deps: SlackDeps): void {
  app.action(APPROVE_ACTION, approveButton(deps));
  app.action(REJECT_ACTION, rejectButton(deps));
}
