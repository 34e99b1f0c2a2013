import type { App } from '@slack/bolt';
import { registerActions } from './actions/index.js';
import type { ReviewSlackDeps } from './actions/review-decide.js';
import { registerCommands } from './commands/index.js';
import { registerViews } from './views/index.js';

/** Every listener, one kind per folder; each handler acknowledges first and works after. */
export function registerListeners(app: App, deps: ReviewSlackDeps): void {
  registerActions(app, deps);
  registerViews(app, deps);
  registerCommands(app, deps);
}
