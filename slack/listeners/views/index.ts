import type { App } from '@slack/bolt';
import { REJECT_MODAL } from '../../../activities/incident/render/approval-blocks.js';
import type { SlackDeps } from '../../deps.js';
import { rejectModalSubmit } from './reject-modal-submit.js';

/** The modals' submissions. */
export function registerViews(app: App, deps: SlackDeps): void {
  app.view(REJECT_MODAL, rejectModalSubmit(deps));
}
