import { loadSlackAppSettings } from './slack.js';
import { parseEnvConfig, type WardenConfig } from './config.js';
import { parseFileConfig } from './file-config.js';

/**
 * The one way to load Warden's configuration: the environment, then warden.yaml, then the Slack
 * app's variables, each validated with every problem named (a ConfigError). Called once at the
 * edge (a CLI command, the worker, the server); everything below takes the result.
 */
export function loadWardenConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): WardenConfig {
  const fromEnv = parseEnvConfig(env, cwd);
  const file = parseFileConfig(env, cwd);
  const slackApp = loadSlackAppSettings(env);
  return { ...fromEnv, file: file.config, ...(file.path ? { filePath: file.path, fileSha256: file.sha256 } : {}), ...(slackApp ? { slackApp } : {}) };
}
