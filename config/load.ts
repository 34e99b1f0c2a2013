import { loadSlackAppSettings } from './slack.js';
import { parseEnvConfig, type EnvConfig, type WardenConfig } from './config.js';
import { parseFileConfig } from './file-config.js';
import { loadOidcSettings } from './oidc.js';

/**
 * The one way to load Warden's configuration: the environment, then warden.yaml, then the Slack
 * app's variables, each validated with every problem named (a ConfigError). Called once at the
 * edge (a CLI command, the worker, the server); everything below takes the result.
 */
export function loadWardenConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): WardenConfig {
  const fromEnv = parseEnvConfig(env, cwd);
  const file = parseFileConfig(env, cwd);
  const slackApp = loadSlackAppSettings(env);
  const oidc = loadOidcSettings(file.config.console, env);
  return { ...fromEnv, file: file.config, ...(file.path ? { filePath: file.path, fileSha256: file.sha256 } : {}), ...(slackApp ? { slackApp } : {}), ...(oidc ? { oidc } : {}) };
}

/**
 * The environment alone, for CLI commands that only talk to a running server (its URL, the state
 * dir with the tokens and credentials): a warden.yaml being edited, or broken, is the server's
 * business (`warden config reload` must reach the server to be refused with the file's problems).
 */
export function loadEnvConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): EnvConfig {
  return parseEnvConfig(env, cwd);
}
