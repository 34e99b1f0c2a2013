import { ConfigError } from './errors.js';

/** What the Slack app needs from the environment. */
export interface SlackAppSettings {
  /** SLACK_SIGNING_SECRET: verifies that a request came from Slack (HTTP mode). */
  readonly signingSecret: string;
  /** SLACK_BOT_TOKEN: the bot token (xoxb-…) the app answers with. */
  readonly botToken: string;
  /** SLACK_API_URL: another Web API base URL (a local fake in tests). */
  readonly apiUrl?: string;
  /** SLACK_APP_TOKEN: an app-level token (xapp-…); when set, the app connects over Socket Mode instead of HTTP. */
  readonly appToken?: string;
}

const value = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const v = env[name]?.trim();
  return v ? v : undefined;
};

/**
 * Reads the Slack app's settings: off (undefined) unless SLACK_SIGNING_SECRET is set; half a
 * configuration is an error naming what is missing, never a silently disabled app.
 */
export function loadSlackAppSettings(env: NodeJS.ProcessEnv = process.env): SlackAppSettings | undefined {
  const signingSecret = value(env, 'SLACK_SIGNING_SECRET');
  const botToken = value(env, 'SLACK_BOT_TOKEN');
  const appToken = value(env, 'SLACK_APP_TOKEN');
  const apiUrl = value(env, 'SLACK_API_URL');
  if (!signingSecret && !appToken) return undefined;
  const problems: string[] = [];
  if (!signingSecret) problems.push('SLACK_SIGNING_SECRET: required for the Slack app (Basic Information → App Credentials → Signing Secret)');
  if (!botToken) problems.push('SLACK_BOT_TOKEN: required for the Slack app (OAuth & Permissions → Bot User OAuth Token, xoxb-…)');
  if (appToken && !appToken.startsWith('xapp-')) problems.push('SLACK_APP_TOKEN: must be an app-level token (xapp-…) with the connections:write scope');
  if (problems.length > 0 || !signingSecret || !botToken) throw new ConfigError(problems);
  return { signingSecret, botToken, ...(apiUrl ? { apiUrl } : {}), ...(appToken ? { appToken } : {}) };
}
