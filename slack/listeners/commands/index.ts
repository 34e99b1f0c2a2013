import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { WARDEN_COMMAND, wardenCommand } from './warden-command.js';

/** The slash commands. */
export function registerCommands(app: App, deps: SlackDeps): void {
  app.command(WARDEN_COMMAND, wardenCommand(deps));
}
