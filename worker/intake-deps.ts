/**
 * Warden's own alert intake as the worker reaches it: the server of this configuration
 * (WARDEN_URL, else its HTTP host and port), signed with the webhook secret read from the
 * environment or the state dir at each send.
 */
import type { AlertIntake } from '../activities/ports/alert-intake.js';
import { createWardenIntake } from '../activities/providers/warden-intake/warden-intake.js';
import type { WardenConfig } from '../config/config.js';
import { readStateSecret } from '../config/state-secrets.js';

export function buildIntake(config: Pick<WardenConfig, 'http' | 'stateDir' | 'intake'>, env: NodeJS.ProcessEnv = process.env): { intake: AlertIntake } {
  const host = ['0.0.0.0', '::', ''].includes(config.http.host) ? '127.0.0.1' : config.http.host;
  const baseUrl = env.WARDEN_URL?.trim() || `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`;
  return { intake: createWardenIntake({ baseUrl, secret: () => readStateSecret(config.stateDir, config.intake.secrets, 'webhook') }) };
}
